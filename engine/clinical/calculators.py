"""Risk calculators as named, versioned components the pack declares, not ones the normaliser hard-codes.

A calculator reads ``RiskInputs`` (gathered once by the normaliser from the patient file) and
returns its derived facts: the scores, or why they cannot be computed (a missing input or one outside
the equations' validated range; never a default). A pack picks calculators by implementation name
from ``IMPLEMENTATIONS`` in its ``knowledge/calculators.yaml`` (``engine.pack.calculators``): a pack
chooses among the equations careplan ships and tested, it never supplies code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from engine.clinical.pce import RANGES as PCE_RANGES
from engine.clinical.pce import PceInputs, describe_missing, ten_year_risk
from engine.clinical.prevent_calculator import PreventEquations
from engine.clinical.risk_inputs import InputRange, RiskInputs
from engine.facts.fact import Fact

__all__ = ["IMPLEMENTATIONS", "InputRange", "PooledCohortEquations", "PreventEquations", "RiskCalculator",
           "RiskInputs", "default_calculators"]


class RiskCalculator(Protocol):
    """A named, versioned risk model producing facts of one type."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def fact_type(self) -> str: ...

    @property
    def inputs(self) -> tuple[str, ...]:
        """The ``RiskInputs`` fields the equations read."""
        ...

    @property
    def ranges(self) -> dict[str, InputRange]:
        """Per input, the range the equations were validated in (inputs without one have none)."""
        ...

    def compute(self, inputs: RiskInputs) -> tuple[Fact, ...]: ...


@dataclass(frozen=True)
class PooledCohortEquations:
    """The 2013 ACC/AHA Pooled Cohort Equations (``engine.clinical.pce``) as the ``ascvd_risk`` fact."""

    name: str = "pce"
    version: str = "2013"
    fact_type: str = "ascvd_risk"
    inputs: tuple[str, ...] = ("age", "sex", "race", "total_cholesterol_mg_dl", "hdl_mg_dl", "systolic",
                               "treated_for_hypertension", "diabetes", "smoker")
    ranges: dict[str, InputRange] = field(default_factory=lambda: {
        r.field: InputRange(r.low, r.high, r.unit) for r in PCE_RANGES})

    def compute(self, inputs: RiskInputs) -> tuple[Fact, ...]:
        result = ten_year_risk(PceInputs(
            age=inputs.age, sex=inputs.sex, race=inputs.race,
            total_cholesterol_mg_dl=inputs.total_cholesterol_mg_dl, hdl_mg_dl=inputs.hdl_mg_dl,
            systolic=inputs.systolic, treated_for_hypertension=inputs.treated_for_hypertension,
            diabetes=inputs.diabetes, smoker=inputs.smoker,
        ))
        if result.percent is not None:
            return (Fact.make(self.fact_type, {"value": result.percent, "equation": result.equation,
                                               "caveat": result.equation_note}),)
        lipids = {"total_cholesterol_mg_dl", "hdl_mg_dl"} & set(result.missing)
        return (Fact.make(self.fact_type, {"missing": describe_missing(result), "lipids_missing": bool(lipids)}),)


# implementation name (as a pack's calculators.yaml writes it) -> the calculator careplan ships
IMPLEMENTATIONS: dict[str, RiskCalculator] = {
    "pce-2013": PooledCohortEquations(),
    "prevent-2024": PreventEquations(),
}


def default_calculators() -> tuple[RiskCalculator, ...]:
    """Every shipped calculator, for tests that normalise without a pack (the default pack declares these)."""
    return tuple(IMPLEMENTATIONS.values())
