"""The HTML documents as a reader meets them: what the first screen says, where the chains are,
headings, table headers, pictures with text, nothing loaded from outside, no unexplained jargon."""

from __future__ import annotations

import html as html_text
import itertools
import re
from pathlib import Path

import pytest

from engine.generator import Generator
from engine.patient.loader import load_patient
from engine.plan.model import Plan
from engine.render.priority import by_priority
from tests.html_outline import Outline, outline

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
AT = "2026-01-01T00:00:00Z"
URGENT_PATIENT = """id: urgent-patient
demographics: {age: 58, sex: male, race: white}
vitals:
  blood_pressure:
    - {systolic: 186, diastolic: 124, date: 2026-10-01, setting: office}
    - {systolic: 184, diastolic: 122, date: 2026-10-02, setting: office}
labs: {total_cholesterol_mg_dl: 210, hdl_mg_dl: 45, egfr: 80}
stress: {pss10: 10, phq9: 14, phq9_item9: 1}
"""
JARGON = ("criteria met", "intermediate", "phenotype", "diplotype", "metabolizer", "allele", "hypertension")


def _documents(generator: Generator, path: Path) -> tuple[Plan, dict[str, str]]:
    patient = load_patient(path)
    plan = generator.run(patient, at=AT).plan
    documents = {a: generator.render(plan, "html", a, patient) for a in ("clinician", "patient")}
    return plan, {**documents, "patient-md": generator.render(plan, "md", "patient", patient)}


@pytest.fixture(scope="module")
def urgent(default_generator: Generator, tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, dict[str, str]]:
    path = tmp_path_factory.mktemp("urgent") / "urgent-patient.yaml"
    path.write_text(URGENT_PATIENT, encoding="utf-8")
    return _documents(default_generator, path)


@pytest.fixture(scope="module")
def examples(default_generator: Generator) -> dict[str, tuple[Plan, dict[str, str]]]:
    return {p.stem: _documents(default_generator, p) for p in EXAMPLES}


def _sections(doc: Outline) -> list[str]:
    return [a.get("id", "") for a in doc.all("section")]


def test_the_first_clinician_section_is_the_urgent_warnings_then_what_to_do(
        urgent: tuple[Plan, dict[str, str]]) -> None:
    plan, html = urgent
    assert plan.has_urgent_warning
    doc = outline(html["clinician"])
    assert doc.headings[0][0] == 1 and doc.headings[1] == (2, "Needs attention")
    assert doc.headings[2] == (2, "What to do, by priority")
    assert _sections(doc)[:2] == ["attention", "actions"]
    first_screen = html_text.unescape(html["clinician"].split('id="actions"')[0])
    for warning in plan.warnings:
        assert warning.text in first_screen
    assert 'role="alert"' in first_screen


def test_the_first_patient_section_is_contact_your_care_team_then_what_to_do(
        urgent: tuple[Plan, dict[str, str]]) -> None:
    plan, html = urgent
    doc = outline(html["patient"])
    assert [h for h in doc.headings[:3]] == [(1, "Your care plan"), (2, "Contact your care team today"),
                                              (2, "What to do")]
    urgent_text = [w.patient_text or w.text for w in plan.warnings if w.severity == "urgent"]
    first_screen = html_text.unescape(html["patient"].split('id="what-to-do"')[0])
    assert urgent_text and all(t in first_screen for t in urgent_text)


def test_without_warnings_the_clinician_first_section_says_so(examples: dict[str, tuple[Plan, dict[str, str]]]) -> None:
    plan, html = examples["complex-patient"]
    assert plan.warnings == []
    doc = outline(html["clinician"])
    assert doc.headings[1] == (2, "Needs attention")
    assert "No safety warnings for this patient." in doc.text


def test_what_to_do_lists_recommendations_by_priority(examples: dict[str, tuple[Plan, dict[str, str]]]) -> None:
    plan, html = examples["pgx-clopidogrel"]
    ordered = by_priority(plan)
    assert ordered[0].action in ("avoid", "use-alternative") and ordered[0].drug == "clopidogrel"
    table = html["clinician"].split('id="actions"')[1].split("</table>")[0]
    links = re.findall(r'<a href="#rec-([^"]+)">', table)
    assert links == [r.id for r in ordered]
    assert all(f'id="rec-{r.id}"' in html["clinician"] for r in ordered)  # each link has its card


def test_recommendations_behind_an_urgent_warning_come_first(urgent: tuple[Plan, dict[str, str]]) -> None:
    plan, html = urgent
    behind = {"bp.crisis", "stress.suicide-risk-assessment"}
    assert behind <= {r.id for r in plan.recommendations}
    suicide = next(r for r in plan.recommendations if r.id == "stress.suicide-risk-assessment")
    assert suicide.strength == "expert-opinion"  # graded lowest, yet it is a same-day safety step
    assert {r.id for r in by_priority(plan)[:2]} == behind
    table = html["clinician"].split('id="actions"')[1].split("</table>")[0]
    assert table.count("<td>Urgent</td>") == 2


def test_priority_puts_medicine_safety_first_then_strength_and_not_indicated_last(
        examples: dict[str, tuple[Plan, dict[str, str]]]) -> None:
    plan, _ = examples["complex-patient"]
    ordered = by_priority(plan)
    assert {r.action for r in ordered} >= {"not-indicated", "start"}
    assert ordered[-1].action == "not-indicated"
    strengths = [r.strength for r in ordered if r.action != "not-indicated"]
    ranks = ["strong", "moderate", "weak", "optional", "expert-opinion"]
    assert [ranks.index(s) if s in ranks else 9 for s in strengths] == sorted(
        ranks.index(s) if s in ranks else 9 for s in strengths)


def test_every_chain_and_the_assessment_table_are_one_click_away(
        examples: dict[str, tuple[Plan, dict[str, str]]]) -> None:
    plan, html = examples["complex-patient"]
    clinician = html["clinician"]
    with_chain = [r for r in plan.recommendations if r.because]
    assert with_chain
    assert clinician.count('<details class="why">') == len(with_chain)
    for rec in with_chain:
        card = clinician.split(f'id="rec-{rec.id}"')[1].split("</article>")[0]
        chain = card.split('<details class="why">')[1].split("</details>")[0]
        assert f"<code>{rec.because[0].rule}</code>" in chain
    assessments = clinician.split('<section id="assessments">')[1].split("</section>")[0]
    assert assessments.index("<details") < assessments.index("<table") < assessments.index("</details>")
    first_screen = clinician.split('<section id="recommendations">')[0]
    assert "<ol>" not in first_screen  # no chain before the details


@pytest.mark.parametrize("audience", ["clinician", "patient"])
def test_headings_tables_language_and_pictures_are_accessible(
        examples: dict[str, tuple[Plan, dict[str, str]]], audience: str) -> None:
    checked_svg = checked_th = 0
    for name, (_, html) in examples.items():
        doc = outline(html[audience])
        assert doc.all("html")[0].get("lang") == "en", name
        levels = [level for level, _ in doc.headings]
        assert levels.count(1) == 1 and levels[0] == 1, name
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), f"{name}: a heading level skipped"
        assert all(th.get("scope") in ("col", "row") for th in doc.all("th")), name
        checked_th += len(doc.all("th"))
        for svg in doc.all("svg"):
            assert svg.get("role") == "img" and svg.get("aria-label"), name
            checked_svg += 1
        assert html[audience].count("<svg") == html[audience].count("<title>") - 1, name  # one <title> per SVG
    assert checked_th > 0
    assert checked_svg > 0 or audience == "clinician"


@pytest.mark.parametrize("audience", ["clinician", "patient"])
def test_documents_load_nothing_from_outside(examples: dict[str, tuple[Plan, dict[str, str]]], audience: str) -> None:
    external = re.compile(r"^(https?:)?//", re.IGNORECASE)
    citation_links = 0
    for name, (_, html) in examples.items():
        doc = outline(html[audience])
        for tag, attrs in doc.tags:
            for attribute in ("src", "srcset", "data", "poster"):
                assert not external.match(attrs.get(attribute, "")), f"{name}: <{tag} {attribute}> loads from outside"
            if tag == "link":
                assert not external.match(attrs.get("href", "")), f"{name}: <link> loads from outside"
            if tag == "a" and external.match(attrs.get("href", "")):
                citation_links += 1  # a plain link the reader may follow: allowed, in the evidence only
        assert "@import" not in html[audience] and "url(" not in html[audience], name
        assert "<script" not in html[audience], name
    assert citation_links > 0 or audience == "patient"


def test_patient_documents_carry_no_unexplained_jargon(examples: dict[str, tuple[Plan, dict[str, str]]]) -> None:
    clinician = " ".join(outline(html["clinician"]).text.lower() for _, html in examples.values())
    for word in ("criteria met", "intermediate", "diplotype"):
        assert word in clinician  # the clinician documents do say them: the check below can find them
    for name, (_, html) in examples.items():
        for document in ("patient", "patient-md"):
            text = outline(html[document]).text.lower()
            found = [word for word in JARGON if word in text]
            assert found == [], f"{name}: the {document} document says {found}"


def _luminance(colour: str) -> float:
    hex_digits = colour.lstrip("#")
    hex_digits = "".join(c * 2 for c in hex_digits) if len(hex_digits) == 3 else hex_digits
    channels = [int(hex_digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2's contrast ratio of two #rrggbb colours."""
    high, low = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("template", ["plan.html.j2", "patient.html.j2"])
def test_text_colours_have_at_least_4_5_to_1_contrast(template: str) -> None:
    css = (ROOT / "templates" / template).read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})", css))
    assert {"ink", "muted", "accent", "urgent", "urgent-bg"} <= set(colours)
    backgrounds = ["#fff", colours["urgent-bg"], colours.get("bg-soft") or colours["soft"]]
    assert contrast("#777", "#fff") < 4.5  # the check can fail: a light grey on white does
    for name in ("ink", "muted", "accent", "urgent"):
        for background in backgrounds:
            assert contrast(colours[name], background) >= 4.5, f"--{name} on {background}"
    badges = re.findall(r"color:\s*(#[0-9a-fA-F]{6});\s*background:\s*(#[0-9a-fA-F]{6})", css)
    assert all(contrast(fg, bg) >= 4.5 for fg, bg in badges), badges
