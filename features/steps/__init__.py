"""The pytest-bdd step library: patient facts (Given) and plan checks (When/Then)."""

from __future__ import annotations
