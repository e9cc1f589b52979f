"""Shared fixtures: one Generator for the default pack per test session."""

from __future__ import annotations

import pytest

from engine.generator import Generator


@pytest.fixture(scope="session")
def default_generator() -> Generator:
    return Generator()
