"""Bind every feature file under features/ (recursively) as pytest tests."""

from __future__ import annotations

from pytest_bdd import scenarios

scenarios(".")
