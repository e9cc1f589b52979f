"""The patient documents read at about a grade-8 level or below (issue: plain language for patients).

Measured on every example patient with textstat's Flesch-Kincaid grade and its consensus grade
over several formulas (tools/readability.py prints the figures).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.generator import Generator
from tools.readability import measure, plain_sentences

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))


def test_markup_is_not_counted_as_words() -> None:
    text = plain_sentences("# Your plan\n\n- **Eat less salt**\n- See [the leaflet](https://example.org)\n---\n")
    assert text == "Your plan.\nEat less salt.\nSee the leaflet."


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_patient_document_reads_at_grade_8_or_below(default_generator: Generator, path: Path) -> None:
    reading = measure(default_generator, path)
    assert reading.words > 50, "the patient document says almost nothing"
    assert reading.grade <= 8.0, f"{path.name}: Flesch-Kincaid grade {reading.grade}"
    assert reading.consensus <= 9.0, f"{path.name}: consensus grade {reading.consensus}"
