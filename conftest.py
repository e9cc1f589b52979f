"""Test-session settings shared by tests/ and features/."""

from __future__ import annotations

import os
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # compiled packs are cached per test session, never in the user's own cache directory
    os.environ["CAREPLAN_CACHE_DIR"] = tempfile.mkdtemp(prefix="careplan-test-cache-")
    os.environ.pop("CAREPLAN_NO_CACHE", None)
    # a developer's resident process (careplan daemon) never answers the suite's commands: a test that
    # patches the engine in a child process must run that child's own code (tests/test_daemon.py starts
    # its own resident process, with this unset)
    os.environ["CAREPLAN_NO_DAEMON"] = "1"
