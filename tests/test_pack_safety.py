"""A pack that would give a wrong plan, a traceback or a hang fails at `careplan validate`, located.

Issue "Never a silently wrong plan": templates are rendered (bounded) against sample plans, links
out of the pack are refused, tables and fact-type files that cannot be read are located errors,
negation cycles name their rules, and retired and draft rules are honoured.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import cli
from engine.render.documents import RenderError, check_templates, render
from engine.render.samples import sample_plans
from tests.packs import TEMPLATES, rule_doc, write_pack

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
KIDNEY_TESTS = [
    {"name": "low egfr", "given": {"labs": {"egfr": 20}}, "expect": "fires"},
    {"name": "normal egfr", "given": {"labs": {"egfr": 80}}, "expect": "does_not_fire"},
]
PATIENT = "id: p1\nlabs: {egfr: 20}\n"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args), env=env)
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def kidney_rule(rule_id: str = "t.kidney", text: str = "kidney check", **extra: Any) -> dict[str, Any]:
    """A rule whose inline tests pass: it fires for an eGFR under 30."""
    doc = rule_doc(rule_id, {"all": [{"lab": {"name": "egfr", "value": {"lt": 30}}}]},
                   [{"recommend": {"category": "monitoring", "action": "monitor", "text": text}}], **extra)
    doc["tests"] = KIDNEY_TESTS
    return doc


def good_pack(root: Path, **files: str) -> Path:
    return write_pack(root, {"kidney": kidney_rule()}, files=files)


def patient(tmp_path: Path) -> Path:
    path = tmp_path / "patient.yaml"
    path.write_text(PATIENT, encoding="utf-8")
    return path


def errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if "error[" in line]


def test_a_good_small_pack_validates(tmp_path: Path) -> None:
    code, out, err = run("validate", "--pack", str(good_pack(tmp_path / "pack")))
    assert code == 0, err
    assert "2/2 inline tests passed" in out


# --- 2. templates fail at validate, not at generate -----------------------------------------------

FAILS_ON_A_PLAN = ("# {{ plan.patient_id }}\n{% for r in plan.recommendations %}\n"
                   "{{ r.dose_change_percent + 1 }}\n{% endfor %}\n")


def test_a_template_that_fails_on_some_plan_fails_validate_at_its_line(tmp_path: Path) -> None:
    root = good_pack(tmp_path / "pack", **{"templates/plan.md.j2": FAILS_ON_A_PLAN})
    code, _, err = run("validate", "--pack", str(root))
    assert code == 2
    [line] = errors(err)
    assert line.startswith("templates/plan.md.j2:3: error[template.render] ")
    assert "unsupported operand" in line and "sample plan" in line and "clinician md" in line


@pytest.mark.parametrize(("name", "body", "says"), [
    ("huge range", "{% for i in range(10**9) %}x{% endfor %}", "range() of more than 100,000"),
    ("nested ranges", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
     "more than 1,000,000 steps"),
    ("nested lists", "{% set l = [1,2,3,4,5,6,7,8,9,10] %}" + "{% for a in l %}" * 9 + "{% endfor %}" * 9,
     "more than 1,000,000 steps"),
    ("string repeat", "{{ 'x' * 10**10 }}", "larger than 1,000,000"),
    ("doubling", "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
     "larger than 1,000,000"),
    ("recursive macro", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "recurses too deeply"),
    ("wide format", "{{ '%999999999d' | format(1) }}", "width or precision over 1,000,000"),
    ("huge power", "{{ 2 ** 1000000 }}", "larger than 1,000,000"),
])
def test_a_template_that_would_not_end_fails_validate_at_its_line(tmp_path: Path, name: str, body: str,
                                                                   says: str) -> None:
    root = good_pack(tmp_path / "pack", **{"templates/patient.html.j2": f"<p>{{{{ plan.patient_id }}}}</p>\n{body}\n"})
    code, _, err = run("validate", "--pack", str(root))
    assert code == 2
    [line] = errors(err)
    assert line.startswith("templates/patient.html.j2:2: error[template.render] "), line
    assert says in line and "patient html" in line


def test_generate_with_an_unbounded_template_fails_closed_with_the_location(tmp_path: Path) -> None:
    root = good_pack(tmp_path / "pack", **{"templates/plan.md.j2": "a\n{% for i in range(99999) %}"
                                           "{% for j in range(99999) %}{% endfor %}{% endfor %}\n"})
    code, out, err = run("generate", str(patient(tmp_path)), "--pack", str(root))
    assert code == 2 and out == ""  # a pack's template is input: exit 2, located, never 3
    assert "templates/plan.md.j2:2: error[template.render] the template takes more than 1,000,000 steps" in err


def test_a_document_too_long_to_be_a_plan_is_refused(tmp_path: Path) -> None:
    (tmp_path / "plan.md.j2").write_text("{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}\n", encoding="utf-8")
    with pytest.raises(RenderError, match="longer than 8,388,608 characters"):
        render(sample_plans()[0][1], tmp_path, "md", "clinician")


def test_a_template_that_is_not_utf8_is_a_located_error(tmp_path: Path) -> None:
    root = good_pack(tmp_path / "pack")
    (root / "templates/plan.html.j2").write_bytes(b"<p>ok</p>\n<p>caf\xe9 {{ plan.patient_id }}</p>\n")
    code, _, err = run("validate", "--pack", str(root))
    assert code == 2
    assert errors(err) == ["templates/plan.html.j2:2:7: error[template.encoding] the template is not UTF-8 text"]
    code, out, err = run("generate", str(patient(tmp_path)), "--pack", str(root), "--format", "html")
    assert code in (2, 3) and out == "" and "templates/plan.html.j2:2:7" in err


@pytest.mark.parametrize("where", ["templates/plan.md.j2", "rules/linked.yaml", "knowledge/fact-types.yaml",
                                   "templates", "knowledge"])
def test_a_link_out_of_the_pack_is_refused_and_never_read(tmp_path: Path, where: str) -> None:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("SECRET-MARKER {{ plan.patient_id }}\n", encoding="utf-8")
    root = good_pack(tmp_path / "pack")
    link = root / where
    if link.is_dir():
        for name in TEMPLATES if where == "templates" else ():
            (secret.parent / name).write_text("SECRET-MARKER\n", encoding="utf-8")
        os.rename(link, tmp_path / "moved")
        link.symlink_to(secret.parent, target_is_directory=True)
    else:
        link.unlink(missing_ok=True)
        link.symlink_to(secret)
    code, _, err = run("validate", "--pack", str(root))
    assert code == 2
    assert errors(err) == [f"{where}: error[pack.link-outside] a symbolic link that leads out of "
                           f"{'the pack' if '/' not in where else where.split('/', maxsplit=1)[0] + '/'} is refused"]
    code, out, err = run("generate", str(patient(tmp_path)), "--pack", str(root))
    assert code == 2 and "SECRET-MARKER" not in out + err


def test_a_link_inside_the_pack_is_fine(tmp_path: Path) -> None:
    root = good_pack(tmp_path / "pack")
    (root / "templates/shared.md.j2").write_text("# {{ plan.patient_id }}\n", encoding="utf-8")
    (root / "templates/plan.md.j2").unlink()
    (root / "templates/plan.md.j2").symlink_to("shared.md.j2")
    code, _, err = run("validate", "--pack", str(root))
    assert code == 0, err


def test_the_template_loader_does_not_follow_links_out_of_templates(tmp_path: Path) -> None:
    """Even for a pack that never went through load_pack: the renderer reads only inside templates/."""
    (tmp_path / "secret.txt").write_text("SECRET-MARKER\n", encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "leak.j2").symlink_to(tmp_path / "secret.txt")
    (templates / "plan.md.j2").write_text("{% include 'leak.j2' %}\n", encoding="utf-8")
    (templates / "patient.md.j2").write_text("{% include '../secret.txt' %}\n", encoding="utf-8")
    for audience in ("clinician", "patient"):
        with pytest.raises(RenderError) as caught:
            render(sample_plans()[0][1], templates, "md", audience)
        assert "SECRET-MARKER" not in str(caught.value)
        assert str(caught.value).startswith(f"templates/{'plan' if audience == 'clinician' else 'patient'}.md.j2")


def test_the_sample_plans_fill_every_section_and_leave_them_empty() -> None:
    samples = dict(sample_plans())
    assert list(samples) == ["a sample plan with every field filled",
                             "a sample plan with every optional field left out", "an empty sample plan",
                             "a sample plan with a 10-year risk and a blood-pressure goal"]  # the pictures
    full = json.loads(samples["a sample plan with every field filled"].to_json())
    lists = [name for name, value in full.items() if isinstance(value, list)]
    assert lists and all(full[name] for name in lists)
    assert {r["action"] for r in full["recommendations"]} >= {"avoid", "start", "consider", "not-indicated"}
    assert all(r["shared_decision"] and r["alternatives"] for r in full["recommendations"])
    empty = json.loads(samples["an empty sample plan"].to_json())
    assert not any(empty[name] for name in lists)


def test_the_default_templates_render_every_sample_plan() -> None:
    assert check_templates(ROOT / "templates") == []


# --- 3. tables and fact-type files --------------------------------------------------------------

def table_pack(root: Path, content: bytes, columns: dict[str, str] | None = None) -> Path:
    table = {"file": "knowledge/t.csv", "key": ["lab"], "columns": columns or {"lab": "text", "n": "integer"}}
    doc = rule_doc("t.table", {"all": [{"lab": {"name": {"column": "lab"}}}]}, table=table)
    write_pack(root, {"table": doc})
    (root / "knowledge/t.csv").write_bytes(content)
    return root


@pytest.mark.parametrize(("content", "expected"), [
    (b"lab,n\negfr,1\nhba1c\nldl,3\n",
     "knowledge/t.csv:3:1: error[table.ragged-row] the row has 1 cells; the header has 2"),
    (b"lab,n\negfr,1\nhba1c,2,3\n",
     "knowledge/t.csv:3:1: error[table.ragged-row] the row has 3 cells; the header has 2"),
    (b"lab,n\negfr,1\nhb\xe41c,2\n", "knowledge/t.csv:3:3: error[table.encoding] the table is not UTF-8 text"),
    (b"lab,n\negfr,1\n" + b"x" * 140_000 + b",2\n",
     "knowledge/t.csv:3:1: error[table.syntax] field larger than field limit (131072)"),
    (b"lab,n\negfr,nan\n", "knowledge/t.csv:2: error[table.wrong-type] row 1, column 'n': expected integer"),
    (b"lab,lab,n\negfr,egfr,1\n",
     "knowledge/t.csv:1:1: error[table.duplicate-column] column 'lab' appears twice in the header"),
])
def test_a_table_that_cannot_be_read_right_is_a_located_error(tmp_path: Path, content: bytes,
                                                              expected: str) -> None:
    code, _, err = run("validate", "--pack", str(table_pack(tmp_path, content)))
    assert code == 2
    assert expected in errors(err)


def test_numbers_in_tables_are_read_strictly(tmp_path: Path) -> None:
    root = table_pack(tmp_path, b"lab,n\negfr,inf\nldl,1_000\nhdl,1e400\n", {"lab": "text", "n": "number"})
    code, _, err = run("validate", "--pack", str(root))
    assert code == 2
    assert [line.split(": ")[0] for line in errors(err)] == [f"knowledge/t.csv:{n}" for n in (2, 3, 4)]


def test_a_table_outside_knowledge_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere.csv").write_text("lab\negfr\n", encoding="utf-8")
    doc = rule_doc("t.table", {"all": [{"lab": {"name": {"column": "lab"}}}]},
                   table={"file": "../elsewhere.csv", "key": ["lab"], "columns": {"lab": "text"}})
    code, _, err = run("validate", "--pack", str(write_pack(tmp_path / "pack", {"table": doc})))
    assert code == 2
    [line] = errors(err)
    assert line.startswith("rules/table.yaml:") and "error[ref.table-outside-pack]" in line


@pytest.mark.parametrize("where", ["knowledge/fact-types.yaml", "knowledge/kidney/fact-types.yaml"])
def test_a_fact_types_file_that_is_a_list_is_a_located_error(tmp_path: Path, where: str) -> None:
    root = good_pack(tmp_path / "pack", **{where: "# comment\n- finding\n- other\n"})
    code, _, err = run("validate", "--pack", str(root))
    assert code == 2
    assert errors(err) == [f"{where}:2:1: error[schema.wrong-type] a fact-types file maps each fact type's "
                           "name to its label and fields"]


# --- 4. negation cycles ----------------------------------------------------------------------------

FACTS = {name: {"label": name, "fields": {"v": "integer"}} for name in ("x_fact", "y_fact", "z_fact")}


def derive(rule_id: str, reads: str, makes: str, none: str | None = None) -> dict[str, Any]:
    when: dict[str, Any] = {"all": [{reads: {}}]}
    if none:
        when["none"] = [{none: {}}]
    return rule_doc(rule_id, when, [{"assert": {makes: {"v": 1}}}])


@pytest.mark.parametrize("command", ["validate", "generate"])
def test_a_negation_cycle_names_its_rules(tmp_path: Path, command: str) -> None:
    rules = {"a": derive("t.a", "y_fact", "x_fact", none="z_fact"), "b": derive("t.b", "x_fact", "z_fact"),
             "c": derive("t.c", "lab", "y_fact")}
    root = write_pack(tmp_path / "pack", rules, FACTS)
    args = ["--pack", str(root)] if command == "validate" else [str(patient(tmp_path)), "--pack", str(root)]
    code, out, err = run(command, *args)
    assert code == 2 and out == ""
    assert errors(err) == [
        "rules/a.yaml:1: error[compile.negation-cycle] t.a: no evaluation order exists for t.a, t.b: "
        "t.a has a 'none' on z_fact, which t.b produces, t.b reads x_fact, which t.a produces"]


def test_a_longer_cycle_and_a_self_cycle_are_each_reported(tmp_path: Path) -> None:
    facts = {**FACTS, "w_fact": {"label": "w", "fields": {"v": "integer"}}}
    rules = {"a": derive("t.a", "y_fact", "x_fact", none="w_fact"), "b": derive("t.b", "x_fact", "z_fact"),
             "c": derive("t.c", "z_fact", "w_fact"), "d": derive("t.d", "lab", "y_fact"),
             "e": rule_doc("t.e", {"all": [{"lab": {"as": "l"}}], "none": [{"x_fact": {"v": {"ref": "l.value"}}}]},
                           [{"assert": {"x_fact": {"v": 2}}}])}
    code, _, err = run("validate", "--pack", str(write_pack(tmp_path, rules, facts)))
    assert code == 2
    found = errors(err)
    assert len(found) == 2
    assert found[0].startswith("rules/a.yaml:1: error[compile.negation-cycle] t.a: no evaluation order exists "
                               "for t.a, t.b, t.c: t.a has a 'none' on w_fact, which t.c produces")
    assert found[1] == ("rules/e.yaml:1: error[compile.negation-cycle] t.e: no evaluation order exists for t.e: "
                        "t.e has a 'none' on x_fact, which t.e produces")


def test_rules_that_feed_each_other_without_a_none_are_not_a_cycle(tmp_path: Path) -> None:
    rules = {"a": derive("t.a", "y_fact", "x_fact"), "b": derive("t.b", "x_fact", "y_fact"),
             "c": derive("t.c", "lab", "y_fact")}
    code, _, err = run("validate", "--pack", str(write_pack(tmp_path, rules, FACTS)))
    assert "negation-cycle" not in err
    assert code == 2  # only the placeholder inline tests of tests/packs.py fail
    assert {line.split("error[")[1].split("]")[0] for line in errors(err)} <= {"test.expected-fire",
                                                                              "test.expected-no-fire"}


# --- 5. retired and draft rules -----------------------------------------------------------------

def status_pack(root: Path) -> Path:
    return write_pack(root, {
        "kidney": kidney_rule(),
        "old": kidney_rule("t.old", "RETIRED ADVICE", status="retired"),
        "new": kidney_rule("t.new", "DRAFT ADVICE", status="draft"),
    })


def test_retired_and_draft_rules_do_not_fire_and_validate_notes_them(tmp_path: Path) -> None:
    root = status_pack(tmp_path / "pack")
    code, out, err = run("generate", str(patient(tmp_path)), "--pack", str(root), "--format", "json")
    assert code == 0
    texts = [r["text"] for r in json.loads(out)["recommendations"]]
    assert texts == ["kidney check"]
    code, out, err = run("validate", "--pack", str(root))
    assert code == 0, err
    assert "rules/old.yaml:7:9: note[rule.retired] t.old: retired: checked, never compiled" in err
    assert "rules/new.yaml:7:9: note[rule.draft] t.new: draft: checked, not compiled" in err
    assert "2/2 inline tests passed, 1 retired and 1 draft rule files not compiled" in out


def test_drafts_are_compiled_only_when_asked_and_the_plan_says_so(tmp_path: Path) -> None:
    root = status_pack(tmp_path / "pack")
    code, out, err = run("generate", str(patient(tmp_path)), "--pack", str(root), "--format", "json",
                         env={"CAREPLAN_INCLUDE_DRAFTS": "1"})
    assert code == 0, err
    plan = json.loads(out)
    assert sorted(r["text"] for r in plan["recommendations"]) == ["DRAFT ADVICE", "kidney check"]
    assert plan["pack"]["version"] == "0.0.1+drafts"
    code, out, err = run("generate", str(patient(tmp_path)), "--pack", str(root), "--format", "json")
    assert code == 0, err
    assert [r["text"] for r in json.loads(out)["recommendations"]] == ["kidney check"]  # not served from the cache
    assert json.loads(out)["pack"]["version"] == "0.0.1"
    code, out, err = run("validate", "--pack", str(root), "--include-drafts")
    assert code == 0, err
    assert "note[rule.draft] t.new: draft: compiled, because drafts are included" in err
    assert "4/4 inline tests passed, 1 retired and 0 draft rule files not compiled" in out


def test_a_broken_retired_rule_is_still_an_error(tmp_path: Path) -> None:
    broken = kidney_rule("t.old", status="retired")
    broken["when"] = {"all": [{"lab": {"valeu": 3}}]}
    code, _, err = run("validate", "--pack", str(write_pack(tmp_path, {"kidney": kidney_rule(), "old": broken})))
    assert code == 2 and "error[ref.unknown-field] t.old:" in err
