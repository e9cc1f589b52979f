"""`careplan generate --format fhir`: a CPG-on-FHIR Bundle a receiving system can take in.

Every example's bundle is parsed back with fhir.resources' R4B models (the Bundle, and each entry by
its own resourceType), every reference resolves inside the bundle, the RequestGroup has one action
per recommendation carrying strength and citations, and the suppressed items, data gaps, goals,
assessments and warnings are all there. fhir.resources checks structure and types but not the
codes of required bindings, so the statuses a receiver acts on are asserted here.
"""

from __future__ import annotations

import copy
import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError
from typer.testing import CliRunner

import cli
from engine.fhir.write import bundle_json
from engine.generator import Generator
from engine.patient.loader import load_patient
from engine.plan.model import Plan

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
AT = "2026-01-01T00:00:00Z"
STRENGTH_URL = "http://hl7.org/fhir/StructureDefinition/cqf-strengthOfRecommendation"
ACCEPTANCE_URL = "http://hl7.org/fhir/StructureDefinition/goal-acceptance"
REQUEST_TYPES = {"MedicationRequest", "ServiceRequest", "CommunicationRequest"}
runner = CliRunner()


@pytest.fixture(scope="module")
def plans(default_generator: Generator) -> dict[str, Plan]:
    """Every example's plan, made once for the module."""
    return {path.stem: default_generator.run(load_patient(path), at=AT).plan for path in EXAMPLES}


def bundle_of(plan: Plan) -> dict[str, Any]:
    return dict(json.loads(bundle_json(plan)))


def resources(bundle: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type]


def codes(resource: dict[str, Any]) -> set[str]:
    return {c["code"] for c in resource["code"].get("coding", [])}


def by_url(bundle: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["fullUrl"]: e["resource"] for e in bundle["entry"]}


def references(node: Any) -> Iterator[str]:
    """Every Reference.reference anywhere in a resource tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def dangling(bundle: dict[str, Any]) -> list[str]:
    urls = set(by_url(bundle))
    return sorted({ref for ref in references(bundle["entry"]) if ref not in urls})


def validate_entries(bundle: dict[str, Any]) -> None:
    """The Bundle and each entry by its own R4B model; raises pydantic's ValidationError."""
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        kind = entry["resource"]["resourceType"]
        model = getattr(importlib.import_module(f"fhir.resources.R4B.{kind.lower()}"), kind)
        model.model_validate(entry["resource"])


@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_every_example_bundle_validates_and_its_references_resolve(plans: dict[str, Plan], name: str) -> None:
    bundle = bundle_of(plans[name])
    validate_entries(bundle)
    assert bundle["type"] == "collection" and bundle["timestamp"] == AT
    assert list(references(bundle["entry"])), "the bundle has references to check"
    assert dangling(bundle) == []
    (care_plan,) = resources(bundle, "CarePlan")
    assert (care_plan["status"], care_plan["intent"]) == ("active", "proposal")
    assert care_plan["meta"]["profile"] == ["http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-careplan"]
    (patient,) = resources(bundle, "Patient")
    assert patient["identifier"][0]["value"] == name
    assert by_url(bundle)[care_plan["subject"]["reference"]] is patient


def test_the_harness_catches_a_dangling_reference_and_an_invalid_resource(plans: dict[str, Plan]) -> None:
    bundle = bundle_of(plans["complex-patient"])
    broken = copy.deepcopy(bundle)
    broken["entry"] = [e for e in broken["entry"] if e["resource"]["resourceType"] != "RequestGroup"]
    assert len(dangling(broken)) == 1  # the CarePlan's activity names the RequestGroup that is gone
    misspelt = copy.deepcopy(bundle)
    misspelt["entry"][1]["resource"]["intnet"] = "proposal"
    with pytest.raises(ValidationError, match="intnet"):
        validate_entries(misspelt)


def test_an_empty_text_in_a_pack_leaves_the_element_out_rather_than_break_the_bundle(plans: dict[str, Plan]) -> None:
    plan = plans["patient-a"]
    first = plan.recommendations[0]
    assert first.evidence.citation  # the element exists before it is emptied
    emptied = first.model_copy(update={"evidence": first.evidence.model_copy(update={"citation": ""})})
    bundle = bundle_of(plan.model_copy(update={"recommendations": [emptied, *plan.recommendations[1:]]}))
    validate_entries(bundle)
    (group,) = resources(bundle, "RequestGroup")
    assert "citation" not in group["action"][0]["documentation"][0]
    assert group["action"][0]["documentation"][0]["type"] == "citation"


@pytest.mark.parametrize("name", ["complex-patient", "pgx-panel", "lifestyle"])
def test_one_request_group_action_per_recommendation(plans: dict[str, Plan], name: str) -> None:
    plan = plans[name]
    bundle = bundle_of(plan)
    (group,) = resources(bundle, "RequestGroup")
    (care_plan,) = resources(bundle, "CarePlan")
    urls = by_url(bundle)
    assert urls[care_plan["activity"][0]["reference"]["reference"]] is group
    assert (group["status"], group["intent"]) == ("active", "proposal")
    assert len(plan.recommendations) > 0
    assert len(group["action"]) == len(plan.recommendations)
    for rec, action in zip(plan.recommendations, group["action"], strict=True):
        assert action["title"] == rec.title and action["description"] == rec.text
        assert {"system": "urn:careplan:rule", "code": rec.id, "display": rec.title} in action["code"][0]["coding"]
        (strength,) = [x for x in action["extension"] if x["url"] == STRENGTH_URL]
        assert strength["valueCodeableConcept"]["text"] == (rec.strength or "not graded")
        assert action["documentation"][0]["type"] == "citation"
        assert action["documentation"][0]["citation"] == rec.evidence.citation
        assert len(action["documentation"]) == 1 + len(rec.evidence.also)
        request = urls[action["resource"]["reference"]]
        assert request["resourceType"] in REQUEST_TYPES
        assert request["identifier"] == [{"system": "urn:careplan:rule", "value": rec.id}]
        assert request["status"] == "draft" and request.get("intent", "proposal") == "proposal"


def test_strong_and_weak_carry_hl7s_codes_and_other_grades_the_guidelines_word(plans: dict[str, Plan]) -> None:
    bundle = bundle_of(plans["complex-patient"])
    (group,) = resources(bundle, "RequestGroup")
    codings = {x["valueCodeableConcept"]["text"]: x["valueCodeableConcept"]["coding"]
               for a in group["action"] for x in a["extension"] if x["url"] == STRENGTH_URL}
    assert {"strong", "moderate", "expert-opinion"} <= set(codings)
    assert codings["strong"][0] == {"system": "http://terminology.hl7.org/CodeSystem/recommendation-strength",
                                    "code": "strong", "display": "Strong"}
    assert [c["system"] for c in codings["moderate"]] == ["urn:careplan:strength"]


def test_medicines_tests_and_advice_get_the_request_that_fits(plans: dict[str, Plan]) -> None:
    plan = plans["pgx-panel"]
    bundle = bundle_of(plan)
    urls = by_url(bundle)
    (group,) = resources(bundle, "RequestGroup")
    kinds = {rec.id: urls[a["resource"]["reference"]] for rec, a in zip(plan.recommendations, group["action"],
                                                                         strict=True)}
    medicines = [rec for rec in plan.recommendations if rec.drug]
    assert medicines
    for rec in medicines:
        request = kinds[rec.id]
        assert request["resourceType"] == "MedicationRequest"
        assert request["medicationCodeableConcept"]["text"] == rec.drug
        assert request.get("doNotPerform", False) == (rec.action in ("avoid", "stop", "use-alternative"))
    lifestyle = bundle_of(plans["lifestyle"])
    advice = resources(lifestyle, "CommunicationRequest")
    assert advice and all(r["payload"][0]["contentString"] for r in advice)
    tests = [r for r in resources(bundle, "ServiceRequest") if r["category"][0]["text"] == "testing"]
    assert tests or resources(bundle_of(plans["hereditary-brca"]), "ServiceRequest")


def test_suppressed_items_and_data_gaps_are_there_for_a_receiver_to_show(plans: dict[str, Plan]) -> None:
    plan = plans["complex-patient"]
    assert plan.suppressed and plan.data_gaps
    bundle = bundle_of(plan)
    issues = resources(bundle, "DetectedIssue")
    suppressed = [i for i in issues if "suppressed" in codes(i)]
    assert [i["detail"] for i in suppressed] == [s.reason for s in plan.suppressed]
    assert [i["identifier"][0]["value"] for i in suppressed] == [s.by for s in plan.suppressed]
    # an alternative removed from a recommendation still in the plan names that recommendation's request
    urls = by_url(bundle)
    lisinopril = next(i for i in suppressed if "lisinopril" in i["code"]["text"])
    assert urls[lisinopril["implicated"][0]["reference"]]["identifier"][0]["value"] == "bp.start-first-line-medicine"
    gaps = [o for o in resources(bundle, "Observation") if "dataAbsentReason" in o]
    assert [g["note"][0]["text"] for g in gaps] == [d.text for d in plan.data_gaps]
    assert all("valueCodeableConcept" not in g and "valueQuantity" not in g for g in gaps)
    (care_plan,) = resources(bundle, "CarePlan")
    shown = {ref["reference"] for ref in care_plan["supportingInfo"]}
    assert {u for u, r in urls.items() if r in suppressed + gaps} <= shown


def test_goals_with_the_patients_agreement_and_follow_ups_as_activities(plans: dict[str, Plan]) -> None:
    plan = plans["complex-patient"]
    bundle = bundle_of(plan)
    goals = resources(bundle, "Goal")
    proposed = [g for g in goals if g["lifecycleStatus"] == "proposed"]
    own = [g for g in goals if g["lifecycleStatus"] == "accepted"]
    assert len(proposed) == len(plan.goals) > 0 and len(own) == len(plan.preferences.goals) > 0
    acceptance = {sub["url"]: sub for g in proposed for x in g["extension"] if x["url"] == ACCEPTANCE_URL
                  for sub in x["extension"]}
    assert acceptance["status"]["valueCode"] == "pending"
    assert proposed[0]["target"][0]["dueDuration"] == {"value": 3, "unit": "months",
                                                       "system": "http://unitsofmeasure.org", "code": "mo"}
    (care_plan,) = resources(bundle, "CarePlan")
    assert len(care_plan["goal"]) == len(goals)
    details = [a["detail"] for a in care_plan["activity"] if "detail" in a]
    assert [d["description"] for d in details] == [f.text for f in plan.follow_up]
    assert details[0]["scheduledPeriod"] == {"start": "2026-01-01", "end": "2026-01-15"}


def test_phenotypes_are_genomics_reporting_observations(plans: dict[str, Plan]) -> None:
    bundle = bundle_of(plans["pgx-clopidogrel"])
    urls = by_url(bundle)
    observations = resources(bundle, "Observation")
    (genotype,) = [o for o in observations if "84413-4" in codes(o)]
    assert genotype["valueCodeableConcept"]["text"] == "CYP2C19 *2/*2"
    assert genotype["meta"]["profile"] == ["http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/genotype"]
    assert genotype["component"][0]["code"]["coding"][0]["code"] == "48018-6"
    (implication,) = [o for o in observations if "therapeutic-implication" in codes(o)]
    assert urls[implication["derivedFrom"][0]["reference"]] is genotype
    assert implication["component"][0]["valueCodeableConcept"]["text"] == "CYP2C19 Poor Metabolizer"
    assert {"code": "GE", "display": "Genetics", "system": "http://terminology.hl7.org/CodeSystem/v2-0074"} in [
        c for cat in implication["category"] for c in cat["coding"]]


def test_a_risk_score_names_its_calculator(plans: dict[str, Plan]) -> None:
    plan = plans["complex-patient"]
    (risk,) = [a for a in plan.assessments if a.kind == "ascvd-risk-10y"]
    (obs,) = [o for o in resources(bundle_of(plan), "Observation") if o["code"]["text"] == "ascvd-risk-10y"]
    assert obs["valueQuantity"] == {"value": risk.value, "unit": "%", "system": "http://unitsofmeasure.org",
                                    "code": "%"}
    assert obs["method"]["text"].startswith("2013 ACC/AHA Pooled Cohort Equations (")


def test_same_plan_same_bytes_and_ids_from_the_plan(plans: dict[str, Plan], tmp_path: Path) -> None:
    out = tmp_path / "plan.fhir.json"
    example = str(ROOT / "examples/complex-patient.yaml")
    result = runner.invoke(cli.app, ["generate", example, "--format", "fhir", "--out", str(out)],
                           env={"SOURCE_DATE_EPOCH": "1767225600"})  # the instant AT names
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8") == bundle_json(plans["complex-patient"])  # a second, separate run
    ids = {e["fullUrl"] for e in bundle_of(plans["complex-patient"])["entry"]}
    assert ids and ids.isdisjoint(e["fullUrl"] for e in bundle_of(plans["patient-a"])["entry"])


def test_urgent_warning_is_a_high_severity_issue_and_exit_1(tmp_path: Path) -> None:
    crisis = tmp_path / "crisis.yaml"
    crisis.write_text("id: crisis\nvitals: {blood_pressure: [{systolic: 196, diastolic: 124}]}\n")
    result = runner.invoke(cli.app, ["generate", str(crisis), "--format", "fhir"])
    assert result.exit_code == 1
    bundle = json.loads(result.stdout)
    warnings = [i for i in resources(bundle, "DetectedIssue") if "warning" in codes(i)]
    assert warnings and warnings[0]["severity"] == "high"
    assert "URGENT" in result.stderr


def test_patient_audience_is_refused_for_fhir_with_a_hint() -> None:
    example = str(ROOT / "examples/patient-a.yaml")
    result = runner.invoke(cli.app, ["generate", example, "--format", "fhir", "--audience", "patient"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "usage.unsupported" in result.stderr and "hint:" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_patient_id_fhir_cannot_hold_gets_a_derived_id_and_keeps_the_files_id(plans: dict[str, Plan]) -> None:
    plan = plans["patient-a"].model_copy(update={"patient_id": "clinic_7"})  # "_" is not in FHIR's id syntax
    bundle = bundle_of(plan)
    validate_entries(bundle)
    (patient,) = resources(bundle, "Patient")
    assert patient["id"] != "clinic_7" and "_" not in patient["id"]
    assert patient["identifier"] == [{"system": "urn:careplan:patient-id", "value": "clinic_7"}]
    assert resources(bundle_of(plans["patient-a"]), "Patient")[0]["id"] == "patient-a"
