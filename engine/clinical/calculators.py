"""Risk calculators as named, versioned components the normaliser is given, not one it hard-codes.

A calculator reads ``RiskInputs`` (gathered once by the normaliser from the patient file) and
returns one derived fact: the score, or why it cannot be computed (a missing input or one outside
the equations' validated range; never a default). The generator hands the normaliser the
calculators a pack uses; ``DEFAULT_CALCULATORS`` is the default pack's set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from engine.clinical.pce import PceInputs, describe_missing, ten_year_risk
from engine.facts.fact import Fact


@dataclass(frozen=True)
class RiskInputs:
    """What risk calculators may read; None is "not recorded", never a default."""

    age: int | None
    sex: str | None
    race: str | None
    total_cholesterol_mg_dl: float | None
    hdl_mg_dl: float | None
    systolic: float | None  # unrounded mean of all readings, mmHg
    treated_for_hypertension: bool  # an active medicine the pack classes as lowering blood pressure
    diabetes: bool  # a diabetes condition, or HbA1c >= 6.5% (ADA diagnostic criterion)
    smoker: bool | None  # current smoker; None when smoking status is not recorded


class RiskCalculator(Protocol):
    """A named, versioned risk model producing one fact type."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def fact_type(self) -> str: ...

    def compute(self, inputs: RiskInputs) -> Fact: ...


@dataclass(frozen=True)
class PooledCohortEquations:
    """The 2013 ACC/AHA Pooled Cohort Equations (``engine.clinical.pce``) as the ``ascvd_risk`` fact."""

    name: str = "pce"
    version: str = "2013"
    fact_type: str = "ascvd_risk"

    def compute(self, inputs: RiskInputs) -> Fact:
        result = ten_year_risk(PceInputs(
            age=inputs.age, sex=inputs.sex, race=inputs.race,
            total_cholesterol_mg_dl=inputs.total_cholesterol_mg_dl, hdl_mg_dl=inputs.hdl_mg_dl,
            systolic=inputs.systolic, treated_for_hypertension=inputs.treated_for_hypertension,
            diabetes=inputs.diabetes, smoker=inputs.smoker,
        ))
        if result.percent is not None:
            return Fact.make(self.fact_type, {"value": result.percent, "equation": result.equation,
                                              "caveat": result.equation_note})
        lipids = {"total_cholesterol_mg_dl", "hdl_mg_dl"} & set(result.missing)
        return Fact.make(self.fact_type, {"missing": describe_missing(result), "lipids_missing": bool(lipids)})


DEFAULT_CALCULATORS: tuple[RiskCalculator, ...] = (PooledCohortEquations(),)
