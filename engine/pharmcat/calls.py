"""One gene call of PharmCAT (a report's diplotype or an outside-call line) -> a patient-file genotype.

PharmCAT says "no call" in several ways: no allele (or "Unknown") in a diplotype, or the phenotype
"No Result"; the project's phenotype for that is **No Result** (not tested: the drug's "no result"
row or a data gap applies, docs/pharmacogenomics.md). A call PharmCAT could make but not interpret
(its phenotype "Indeterminate", or several possible diplotypes for one gene) is **Indeterminate**.
HLA results come as "<allele> positive|negative" and become the file's allele and result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

NO_RESULT = "No Result"
INDETERMINATE = "Indeterminate"
_UNKNOWN_ALLELES = {"", "unknown", "no call", "n/a"}
_CALLED_PHENOTYPES = {"no result": NO_RESULT, "no call": NO_RESULT, "indeterminate": INDETERMINATE}
_HLA_RESULT = re.compile(r"(?P<allele>\*\d+:\d+)\s+(?P<result>positive|negative)", re.IGNORECASE)


@dataclass(frozen=True)
class GeneCall:
    gene: str
    diplotype: str | None = None
    phenotype: str | None = None
    activity_score: float | None = None

    def genotype(self) -> dict[str, Any]:
        """The genotype entry of the patient file this call stands for."""
        hla = _HLA_RESULT.fullmatch((self.phenotype or "").strip())
        if hla is not None:
            return {"gene": self.gene, "allele": hla["allele"], "result": hla["result"].lower()}
        called = _CALLED_PHENOTYPES.get((self.phenotype or "").strip().lower())
        if called is not None:
            return {"gene": self.gene, "phenotype": called}
        return self._by_diplotype()

    def _by_diplotype(self) -> dict[str, Any]:
        if self.diplotype is not None:
            if no_call(self.diplotype):
                return {"gene": self.gene, "phenotype": NO_RESULT}
            return {"gene": self.gene, "diplotype": self.diplotype}
        if self.phenotype:
            return {"gene": self.gene, "phenotype": self.phenotype}
        if self.activity_score is not None:
            return {"gene": self.gene, "activity_score": self.activity_score}
        return {"gene": self.gene, "phenotype": NO_RESULT}


def no_call(diplotype: str) -> bool:
    """True when every allele of the diplotype is missing or unknown ("Unknown/Unknown")."""
    return all(part.strip().lower() in _UNKNOWN_ALLELES for part in diplotype.split("/"))
