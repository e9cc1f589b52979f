"""Reading level of the patient documents: Flesch-Kincaid grade and Flesch reading ease.

Run from the repository root (textstat comes with the test extra)::

    python tools/readability.py [PATIENT_FILE ...] [--json]

Without arguments it measures every patient in examples/. The patient audience's Markdown
is reduced to its sentences first (headings, bullets, emphasis and links removed; each list
item and heading ends a sentence), since markup would otherwise count as words.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import textstat

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.generator import Generator  # noqa: E402
from engine.patient.loader import load_patient  # noqa: E402

# the plan's fixed generation date keeps the figures reproducible
AT = "2026-01-01T00:00:00Z"


@dataclass(frozen=True)
class Reading:
    patient: str
    words: int
    sentences: int
    grade: float  # Flesch-Kincaid grade level
    consensus: float  # textstat's consensus grade over several formulas (text_standard)
    ease: float  # Flesch reading ease (60-70 is plain English)


def plain_sentences(markdown: str) -> str:
    """The prose of a Markdown document, one sentence per heading or list item."""
    lines = []
    for raw in markdown.splitlines():
        line = raw.strip()
        if not line or line == "---":
            continue
        line = re.sub(r"^#+\s*", "", line)
        line = re.sub(r"^[-*]\s+", "", line)
        line = re.sub(r"\*\*|__|`", "", line)
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        if line and line[-1] not in ".!?:":
            line += "."
        lines.append(line)
    return "\n".join(lines)


def measure(generator: Generator, path: Path) -> Reading:
    patient = load_patient(path)
    plan = generator.run(patient, at=AT).plan
    text = plain_sentences(generator.render(plan, "md", "patient"))
    return Reading(
        patient=path.name, words=textstat.lexicon_count(text), sentences=textstat.sentence_count(text),
        grade=round(textstat.flesch_kincaid_grade(text), 1),
        consensus=round(float(textstat.text_standard(text, float_output=True)), 1),
        ease=round(textstat.flesch_reading_ease(text), 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patients", nargs="*", type=Path)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    paths = args.patients or sorted((ROOT / "examples").glob("*.yaml"))
    generator = Generator()
    readings = [measure(generator, path) for path in paths]
    if args.json:
        print(json.dumps([asdict(r) for r in readings], indent=2))
        return 0
    print(f"{'patient document':32} {'words':>6} {'sentences':>9} {'FK grade':>8} {'consensus':>9} {'ease':>6}")
    for r in readings:
        print(f"{r.patient:32} {r.words:>6} {r.sentences:>9} {r.grade:>8.1f} {r.consensus:>9.1f} {r.ease:>6.1f}")
    grades = sorted(r.grade for r in readings)
    consensus = sorted(r.consensus for r in readings)
    print(f"Flesch-Kincaid grade: median {grades[len(grades) // 2]:.1f}, highest {grades[-1]:.1f}; "
          f"consensus grade: median {consensus[len(consensus) // 2]:.1f}, highest {consensus[-1]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
