"""Citations are records (knowledge/citations.yaml) that rules and table rows name by key; a key that
names no record, or a link that is not the cited source's, is refused at file:line:col (docs/evidence.md)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import cli
from engine.authoring.citations import citation_findings
from engine.pack.load import load_pack
from engine.pack.locate import default_pack_root
from tests.packs import rule_doc, write_pack

runner = CliRunner()

RECORDS = """\
acc-aha-bp-2017:
  source: ACC/AHA
  authors: [Whelton PK, Carey RM, et al.]
  title: Guideline for High Blood Pressure in Adults
  journal: Hypertension
  year: 2018
  url: https://www.ahajournals.org/doi/10.1161/HYP.0000000000000065
cpic-cyp2c19-clopidogrel-2022:
  source: CPIC
  authors: [Lee CR, Luzum JA]
  title: CPIC Guideline for CYP2C19 Genotype and Clopidogrel Therapy
  journal: Clin Pharmacol Ther
  year: 2022
  pmid: "35034351"
  doi: 10.1002/cpt.2526
  url: https://cpicpgx.org/guidelines/guideline-for-clopidogrel-and-cyp2c19/
  names: [CPIC Guideline for clopidogrel and CYP2C19]
"""
WHEN = {"all": [{"lab": {"name": "egfr", "value": {"lt": 30}}}]}
KIDNEY_TESTS = [{"name": "low", "given": {"labs": {"egfr": 20}}, "expect": "fires"},
                {"name": "normal", "given": {"labs": {"egfr": 60}}, "expect": "does_not_fire"}]


def _pack(tmp_path: Path, evidence: dict[str, object], files: dict[str, str] | None = None) -> Path:
    rule = {**rule_doc("t.kidney", WHEN, evidence=evidence), "tests": KIDNEY_TESTS}
    return write_pack(tmp_path / "pack", {"kidney": rule},
                      files={"knowledge/citations.yaml": RECORDS, **(files or {})})


def _validate(root: Path) -> tuple[int, str]:
    result = runner.invoke(cli.app, ["validate", str(root)])
    return result.exit_code, result.stderr


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_key_that_names_a_record_is_accepted(tmp_path: Path) -> None:
    code, stderr = _validate(_pack(tmp_path, {"cite": "acc-aha-bp-2017", "strength": "strong"}))
    assert code == 0, stderr


def test_an_unknown_key_is_refused_at_its_line_with_a_did_you_mean_hint(tmp_path: Path) -> None:
    root = _pack(tmp_path, {"cite": "acc-aha-bp-2071"})
    code, stderr = _validate(root)
    line = _line_of(root / "rules/kidney.yaml", "acc-aha-bp-2071")
    assert code == 2
    assert f"rules/kidney.yaml:{line}:" in stderr
    assert "error[lint.unknown-citation] t.kidney: evidence.cite: 'acc-aha-bp-2071' is not a key" in stderr
    assert "did you mean 'acc-aha-bp-2017'?" in stderr
    assert "Traceback" not in stderr


def test_a_url_that_is_not_the_cited_records_is_refused(tmp_path: Path) -> None:
    clopidogrel_url = "https://cpicpgx.org/guidelines/guideline-for-clopidogrel-and-cyp2c19/"
    root = _pack(tmp_path, {"cite": "acc-aha-bp-2017", "url": clopidogrel_url})
    code, stderr = _validate(root)
    line = _line_of(root / "rules/kidney.yaml", clopidogrel_url)
    assert code == 2
    assert (f"rules/kidney.yaml:{line}:" in stderr and "error[lint.citation-url-mismatch]" in stderr
            and "url is not a link of the cited source (acc-aha-bp-2017)" in stderr)


def test_a_cited_records_doi_or_pubmed_link_is_accepted_as_its_url(tmp_path: Path) -> None:
    for url in ("https://doi.org/10.1002/cpt.2526", "https://pubmed.ncbi.nlm.nih.gov/35034351/"):
        root = _pack(tmp_path / url.split("/")[2], {"cite": "cpic-cyp2c19-clopidogrel-2022", "url": url})
        code, stderr = _validate(root)
        assert code == 0, stderr


def test_inline_citations_stay_allowed_and_their_url_is_still_checked(tmp_path: Path) -> None:
    ok = _pack(tmp_path / "ok", {"source": "ACC/AHA", "citation": "Whelton PK et al. Hypertension 2018",
                                 "url": "https://www.ahajournals.org/doi/10.1161/HYP.0000000000000065"})
    assert _validate(ok)[0] == 0
    wrong = _pack(tmp_path / "wrong", {"source": "NICE", "citation": "NICE guideline NG222",
                                       "url": "https://www.ahajournals.org/doi/10.1161/HYP.0000000000000065"})
    code, stderr = _validate(wrong)
    assert code == 2
    assert "url is the link of 'acc-aha-bp-2017', which the citation text does not name" in stderr
    assert "hint: write 'cite: acc-aha-bp-2017'" in stderr


def test_evidence_without_a_key_or_a_written_out_citation_is_refused(tmp_path: Path) -> None:
    code, stderr = _validate(_pack(tmp_path, {"strength": "strong"}))
    assert code == 2
    assert "rules/kidney.yaml:" in stderr and "name the source: 'cite: KEY'" in stderr


def test_a_record_whose_url_names_another_doi_is_refused_at_its_line(tmp_path: Path) -> None:
    bad = RECORDS.replace("url: https://cpicpgx.org/guidelines/guideline-for-clopidogrel-and-cyp2c19/",
                          "url: https://doi.org/10.1002/cpt.9999")
    root = _pack(tmp_path, {"cite": "acc-aha-bp-2017"}, {"knowledge/citations.yaml": bad})
    code, stderr = _validate(root)
    assert code == 2
    assert "knowledge/citations.yaml:" in stderr
    assert "url names DOI 10.1002/cpt.9999 but the record's doi is 10.1002/cpt.2526" in stderr


def test_a_table_row_naming_an_unknown_source_is_refused_at_the_row(tmp_path: Path) -> None:
    table = "drug,cite\nmetformin,acc-aha-bp-2017\nibuprofen,kdigo-2012\n"
    rule = rule_doc("t.table", {"all": [{"medication": {"name": {"column": "drug"}, "status": "active"}}]},
                    then=[{"recommend": {"category": "medication", "action": "avoid", "drug": {"column": "drug"},
                                         "text": "avoid {row.drug}", "cite": "{row.cite}"}}],
                    evidence={"cite": "acc-aha-bp-2017"},
                    table={"file": "knowledge/limits.csv", "key": ["drug"],
                           "columns": {"drug": "text", "cite": "text"}})
    rule["tests"] = [{"name": "on metformin", "given": {"medications": [{"name": "metformin", "status": "active"}]},
                      "expect": "fires", "row": "metformin"},
                     {"name": "none", "given": {}, "expect": "does_not_fire", "row": "metformin"}]
    root = write_pack(tmp_path / "pack", {"table": rule},
                      files={"knowledge/citations.yaml": RECORDS, "knowledge/limits.csv": table})
    code, stderr = _validate(root)
    assert code == 2
    assert "knowledge/limits.csv:3" in stderr and "'kdigo-2012' is not a key (or name)" in stderr
    assert "knowledge/limits.csv:2" not in stderr  # the row citing a record is fine


def test_lint_findings_include_an_unused_record_as_a_warning(tmp_path: Path) -> None:
    pack = load_pack(_pack(tmp_path, {"cite": "acc-aha-bp-2017"}))
    findings = [d.format() for d in citation_findings(pack)]
    line = _line_of(tmp_path / "pack/knowledge/citations.yaml", "cpic-cyp2c19-clopidogrel-2022:")
    assert findings == [f"knowledge/citations.yaml:{line}:1: warning[lint.citation-unused] citation "
                        "'cpic-cyp2c19-clopidogrel-2022' is not cited by any rule or table row\n"
                        "    hint: cite it from a rule's evidence, or remove the record"]


def test_the_shipped_pack_cites_a_record_from_every_rule_and_has_no_citation_finding() -> None:
    pack = load_pack(default_pack_root())
    sources = [*pack.sources, *pack.inactive]
    assert len(sources) > 150 and len(pack.citations.records) > 60
    uncited = [s.spec.id for s in sources if not s.spec.evidence.cite or s.spec.evidence.citation]
    assert uncited == []
    assert citation_findings(pack) == []


def test_a_cpic_recommendation_carries_its_publication_in_the_plan() -> None:
    env = {"SOURCE_DATE_EPOCH": "0"}
    result = runner.invoke(cli.app, ["generate", "examples/pgx-clopidogrel.yaml", "--format", "json"], env=env)
    plan = json.loads(result.stdout)
    rec = next(r for r in plan["recommendations"] if r["drug"] == "clopidogrel")
    evidence = rec["evidence"]
    assert (evidence["cite"], evidence["year"], evidence["pmid"], evidence["doi"]) == (
        "cpic-cyp2c19-clopidogrel-2022", 2022, "35034351", "10.1002/cpt.2526")
    assert evidence["source"] == "CPIC" and evidence["authors"][0] == "Lee CR"
    assert evidence["url"] == "https://cpicpgx.org/guidelines/guideline-for-clopidogrel-and-cyp2c19/"
    markdown = runner.invoke(cli.app, ["generate", "examples/pgx-clopidogrel.yaml"], env=env).stdout
    assert "CPIC: Lee CR et al. Clin Pharmacol Ther 2022; PMID 35034351" in markdown


def test_the_pertuzumab_and_depression_referral_links_are_their_own_sources() -> None:
    pack = load_pack(default_pack_root())
    rules = {s.spec.id: s.spec.evidence for s in pack.sources}
    pertuzumab, referral = rules["oncology.breast-her2-pertuzumab"], rules["stress.depression-prompt-referral"]
    assert pertuzumab.cite == ["asco-adjuvant-breast-2018", "aphinity-2017"] and pertuzumab.url is None
    assert referral.cite == ["phq9-kroenke-spitzer-2002", "nice-cg90-2009", "nice-ng222-2022"]
    assert referral.url is None  # each record carries its own link: CG90's is no longer NG222's
    assert pack.citations.records["nice-cg90-2009"].url == "https://www.nice.org.uk/guidance/cg90"
