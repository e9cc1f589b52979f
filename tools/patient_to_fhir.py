"""Write a FHIR R4 Bundle (type collection) for a careplan patient file: examples/fhir/<name>.json.

The Bundle carries the same facts the file does, coded through the same knowledge/fhir/ tables the
reader uses (engine.fhir.read), so reading the Bundle back gives the same patient and the same plan;
tests/test_fhir_input.py checks that and that the committed bundles are what this tool writes.
A term with no standard code in the tables travels under the project's local code system.

    python tools/patient_to_fhir.py                 # every examples/*.yaml -> examples/fhir/*.json
    python tools/patient_to_fhir.py PATIENT.yaml    # one bundle on standard output
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.fhir.read.observations import BP_PANEL, BP_SETTING_URL, DIASTOLIC, SYSTOLIC  # noqa: E402
from engine.fhir.read.resources import RACE_EXTENSIONS  # noqa: E402
from engine.fhir.read.tables import LOCAL_SYSTEM, LOINC, UCUM, Code, FhirTables, fhir_tables  # noqa: E402
from engine.patient.loader import load_patient  # noqa: E402
from engine.patient.model import Patient  # noqa: E402

DEFAULT_AS_OF = dt.date(2026, 11, 1)  # the examples' readings are of October 2026
SPECIAL = {("demographics", "age"), ("demographics", "sex"), ("demographics", "race")}
GENE_STUDIED, HAPLOTYPE = (LOINC, "48018-6"), (LOINC, "84414-2")
GENOMIC = {"diplotype": (LOINC, "84413-4"), "phenotype": (LOINC, "53040-2"), "result": (LOINC, "69548-6")}


def _coding(code: Code) -> dict[str, Any]:
    return {"coding": [{"system": code[0], "code": code[1]}]}


def _code_for(term: str, table: dict[Code, str], prefix: str = "") -> Code:
    """The first standard code the table gives the term, else the term under the local code system."""
    return next((code for code, name in table.items() if name == term), (LOCAL_SYSTEM, prefix + term))


class BundleWriter:
    def __init__(self, patient: Patient, tables: FhirTables,
                 pack_observations: dict[tuple[str, str], tuple[Code, str]]) -> None:
        self.patient, self.tables, self.pack_observations = patient, tables, pack_observations
        self.entries: list[dict[str, Any]] = []
        self.as_of = patient.as_of or DEFAULT_AS_OF
        self.subject = {"reference": f"Patient/{patient.id}"}

    def add(self, resource: dict[str, Any]) -> str:
        resource["id"] = f"{self.patient.id}-{len(self.entries)}"
        self.entries.append({"fullUrl": f"urn:careplan:{resource['id']}", "resource": resource})
        return f"{resource['resourceType']}/{resource['id']}"

    def observation(self, code: Code, value: dict[str, Any], **more: Any) -> str:
        return self.add({"resourceType": "Observation", "status": "final", "code": _coding(code),
                         "subject": self.subject, **more, **value})

    def bundle(self) -> dict[str, Any]:
        self._patient()
        self._vitals()
        declared = self.patient.declarations.sections if self.patient.declarations else ()
        for section in sorted(spec.name for spec in declared):
            self._section(section)
        self._conditions()
        self._medicines()
        self._genotypes()
        self._cancers()
        self._family()
        self._preferences()
        for observation in self.patient.observations:
            self.observation((observation.code.system, observation.code.code), _quantity(observation.value,
                             observation.unit), **_effective(observation.date))
        return {"resourceType": "Bundle", "id": self.patient.id, "type": "collection",
                "timestamp": f"{self.as_of.isoformat()}T00:00:00Z", "entry": self.entries}

    def _patient(self) -> None:
        demographics = self.patient.section_values("demographics")
        resource: dict[str, Any] = {"resourceType": "Patient", "gender": demographics.get("sex", "unknown")}
        age = demographics.get("age")
        if isinstance(age, int):
            resource["birthDate"] = self.as_of.replace(year=self.as_of.year - age).isoformat()
        race = demographics.get("race")
        if isinstance(race, str):
            code = _code_for(race, self.tables.race)
            url = RACE_EXTENSIONS[1] if race == "hispanic" else RACE_EXTENSIONS[0]
            resource["extension"] = [{"url": url, "extension": [
                {"url": "ombCategory", "valueCoding": {"system": code[0], "code": code[1]}}]}]
        self.add(resource)
        self.entries[-1]["resource"]["id"] = self.patient.id
        self.entries[-1]["fullUrl"] = f"urn:careplan:{self.patient.id}"

    def _vitals(self) -> None:
        for reading in self.patient.vitals.blood_pressure:
            self.observation(BP_PANEL, {"component": [
                {"code": _coding(SYSTOLIC), "valueQuantity": _mmhg(reading.systolic)},
                {"code": _coding(DIASTOLIC), "valueQuantity": _mmhg(reading.diastolic)}]},
                extension=[{"url": BP_SETTING_URL, "valueCode": reading.setting}], **_effective(reading.date))
        for name in ("height_cm", "weight_kg"):
            value = getattr(self.patient.vitals, name)
            if value is not None:
                self._field("vitals", name, value)

    def _section(self, section: str) -> None:
        given = getattr(self.patient, section, None)
        for name, value in (given.model_dump(exclude_none=True) if given is not None else {}).items():
            if (section, name) not in SPECIAL:
                self._field(section, name, value)

    def _field(self, section: str, name: str, value: Any) -> None:
        if (section, name) in self.pack_observations:
            code, unit = self.pack_observations[(section, name)]
            self.observation(code, _quantity(value, unit))
            return
        row = next((c for c, r in self.tables.observation_fields.items() if (r.section, r.field) == (section, name)),
                   None)
        if row is not None:
            self.observation(row, _quantity(value, self.tables.observation_fields[row].unit))
            return
        coded = next((k for k, v in self.tables.coded_values.items() if v == (section, name, _text(value))), None)
        if coded is not None:
            self.observation(coded[0], {"valueCodeableConcept": _coding(coded[1])})
            return
        self.observation((LOCAL_SYSTEM, f"{section}.{name}"), _local_value(value))

    def _conditions(self) -> None:
        for condition in self.patient.conditions:
            if not isinstance(condition, str):
                raise SystemExit("coded conditions are not written yet")
            code = _code_for(condition, self.tables.conditions)
            self.add({"resourceType": "Condition", "subject": self.subject, "code": _coding(code)})
        for allergy in self.patient.allergies:
            self.add({"resourceType": "AllergyIntolerance", "patient": self.subject,
                      "code": _coding(_code_for(allergy, self.tables.medications))})

    def _medicines(self) -> None:
        for medicine in self.patient.medications:
            if medicine.months_on_drug is not None:
                raise SystemExit("months_on_drug is not written yet")
            resource: dict[str, Any] = {"subject": self.subject, "medicationCodeableConcept":
                                        _coding(_code_for(medicine.name, self.tables.medications))}
            dose = [{"doseAndRate": [{"doseQuantity": _quantity(medicine.dose_mg, "mg")["valueQuantity"]}]}]
            if medicine.status == "planned":
                resource.update(resourceType="MedicationRequest", status="active", intent="plan")
                if medicine.dose_mg is not None:
                    resource["dosageInstruction"] = dose
            else:
                resource.update(resourceType="MedicationStatement", status=medicine.status)
                if medicine.dose_mg is not None:
                    resource["dosage"] = dose
            if medicine.indication:
                resource["reasonCode"] = [{"text": medicine.indication}]
            self.add(resource)

    def _genotypes(self) -> None:
        for genotype in self.patient.genotypes:
            given = [role for role in GENOMIC if getattr(genotype, role) is not None]
            if len(given) != 1:
                raise SystemExit("a genotype giving more than one of diplotype, phenotype, result is not written yet")
            role = given[0]
            components = [{"code": _coding(GENE_STUDIED), "valueCodeableConcept": {"text": genotype.gene}}]
            if genotype.allele is not None:
                components.append({"code": _coding(HAPLOTYPE), "valueCodeableConcept": {"text": genotype.allele}})
            if genotype.activity_score is not None:
                components.append({"code": _coding((LOCAL_SYSTEM, "genotypes.activity_score")),
                                   "valueQuantity": {"value": genotype.activity_score}})
            value = getattr(genotype, role)
            concept = (_coding(_code_for(value, self.tables.genomic_results)) if role == "result"
                       else {"text": value})
            self.observation(GENOMIC[role], {"valueCodeableConcept": concept}, component=components)

    def _cancers(self) -> None:
        for cancer in self.patient.cancer:
            code = _code_for(cancer.type, self.tables.cancer_types, "cancer:")
            reference = self.add({"resourceType": "Condition", "subject": self.subject, "code": _coding(code)})
            for name, value in cancer.model_dump(exclude_none=True, exclude={"type", "somatic_variants"}).items():
                self.observation((LOCAL_SYSTEM, f"cancer.{name}"), _local_value(value),
                                 focus=[{"reference": reference}])
            if cancer.somatic_variants:
                raise SystemExit("somatic variants are not written yet")

    def _family(self) -> None:
        for relative in self.patient.family_history:
            condition: dict[str, Any] = {"code": _coding(_code_for(relative.condition, self.tables.conditions))}
            if relative.age_at_diagnosis is not None:
                condition["onsetAge"] = {"value": relative.age_at_diagnosis, "unit": "a", "system": UCUM, "code": "a"}
            self.add({"resourceType": "FamilyMemberHistory", "status": "completed", "patient": self.subject,
                      "relationship": _coding(_code_for(relative.relative, self.tables.relationships)),
                      "condition": [condition]})

    def _preferences(self) -> None:
        preferences = self.patient.preferences
        for goal in preferences.goals:
            self.add({"resourceType": "Goal", "lifecycleStatus": "proposed", "subject": self.subject,
                      "description": {"text": goal}})
        for declined in preferences.declines:
            self.observation((LOCAL_SYSTEM, "preferences.declines"), {"valueString": declined})
        if preferences.prefers_non_pharmacologic:
            self.observation((LOCAL_SYSTEM, "preferences.prefers_non_pharmacologic"), {"valueBoolean": True})


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _mmhg(value: float) -> dict[str, Any]:
    return {"value": _number(value), "unit": "mmHg", "system": UCUM, "code": "mm[Hg]"}


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _quantity(value: Any, unit: str | None) -> dict[str, Any]:
    quantity: dict[str, Any] = {"value": _number(value)}
    if unit is not None:
        quantity.update(unit=unit, system=UCUM, code=unit)
    return {"valueQuantity": quantity}


def _local_value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int | float):
        return {"valueQuantity": {"value": _number(value)}}
    return {"valueString": str(value)}


def _effective(date: dt.date | None) -> dict[str, Any]:
    return {"effectiveDateTime": date.isoformat()} if date is not None else {}


def pack_observation_codes(patient: Patient) -> dict[tuple[str, str], tuple[Code, str]]:
    """The pack's knowledge/observations.csv: the first code of each field, with the unit it expects."""
    codes: dict[tuple[str, str], tuple[Code, str]] = {}
    for row in patient.declarations.observations if patient.declarations else ():
        codes.setdefault((row.section, row.field), ((row.system, row.code), row.unit))
    return codes


def bundle_text(patient_file: Path) -> str:
    patient = load_patient(patient_file)
    writer = BundleWriter(patient, fhir_tables(ROOT), pack_observation_codes(patient))
    return json.dumps(writer.bundle(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    if argv:
        sys.stdout.write(bundle_text(Path(argv[0])))
        return 0
    out = ROOT / "examples" / "fhir"
    out.mkdir(exist_ok=True)
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        (out / f"{example.stem}.json").write_text(bundle_text(example), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
