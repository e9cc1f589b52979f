"""The one sentence a risk calculator gives when it returns no number: what is missing or out of range.

Shared by the risk equations so every "not calculated" data gap reads the same way; it names
fields and ranges, never the patient's values.
"""

from __future__ import annotations

# the risk equations' inputs in a clinician's words (a superset: each equation names only its own)
INPUT_LABELS: dict[str, str] = {
    "age": "age",
    "sex": "sex",
    "total_cholesterol_mg_dl": "total cholesterol",
    "hdl_mg_dl": "HDL cholesterol",
    "systolic": "systolic blood pressure",
    "treated_for_hypertension": "hypertension treatment status",
    "on_statin": "statin use",
    "diabetes": "diabetes status",
    "smoker": "smoking status",
    "egfr": "eGFR",
    "bmi": "BMI",
    "uacr_mg_g": "urine albumin-to-creatinine ratio",
    "hba1c_percent": "HbA1c",
    "sdi_decile": "social deprivation index decile",
}


def input_label(field: str) -> str:
    """A calculator input's name in words: "hdl_mg_dl" -> "HDL cholesterol"."""
    return INPUT_LABELS.get(field, field.replace("_", " "))


def join_words(parts: list[str]) -> str:
    """["a"] -> "a"; ["a", "b", "c"] -> "a, b and c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def not_calculated(heading: str, missing: list[str], outside: list[str]) -> str:
    """E.g. "10-year ASCVD risk not calculated: HDL cholesterol and smoking status are missing"."""
    clauses: list[str] = []
    if missing:
        clauses.append(f"{join_words(missing)} {'is' if len(missing) == 1 else 'are'} missing")
    if outside:
        clauses.append(join_words(outside))
    if not clauses:
        clauses.append("the inputs are incomplete")
    return f"{heading} not calculated: " + "; ".join(clauses)
