"""Test-session settings shared by tests/ and features/."""

from __future__ import annotations

import os
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # compiled packs are cached per test session, never in the user's own cache directory
    os.environ["CAREPLAN_CACHE_DIR"] = tempfile.mkdtemp(prefix="careplan-test-cache-")
    os.environ.pop("CAREPLAN_NO_CACHE", None)
