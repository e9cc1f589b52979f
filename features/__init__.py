"""Behaviour specifications (Gherkin) for the care-plan generator, run by pytest-bdd."""

from __future__ import annotations
