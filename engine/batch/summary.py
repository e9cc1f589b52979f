"""What a batch did, counted over the whole input (records finished by an earlier run included)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Summary:
    records: int = 0
    planned: int = 0  # plans on disk for this input, with or without urgent warnings
    urgent: int = 0  # of those, plans with at least one urgent warning
    bad: int = 0  # records refused as generate would refuse the file (or a duplicate id)
    failed: int = 0  # good records whose plan failed unexpectedly (the engine, a template)
    skipped: int = 0  # of the planned, those an earlier run had finished
    seconds: float = 0.0

    @property
    def made(self) -> int:
        """Plans made by this run."""
        return self.planned - self.skipped

    @property
    def rate(self) -> float:
        return self.made / self.seconds if self.seconds > 0 else 0.0

    def exit_code(self) -> int:
        """0 when every record was handled (bad records are reported, not failures); 3 when a plan failed."""
        return 3 if self.failed else 0

    def text(self, errors_file: str) -> str:
        line = (f"careplan batch: {self.records} records: {self.planned} planned ({self.urgent} with urgent "
                f"warnings), {self.bad} bad records, {self.failed} failed; {self.skipped} skipped as already done; "
                f"{self.made} plans in {self.seconds:.1f} s ({self.rate:.1f} plans/s)")
        if self.bad or self.failed:
            line += f"\nerrors: {errors_file}"
        return line

    def as_json(self) -> dict[str, Any]:
        return {"records": self.records, "planned": self.planned, "urgent": self.urgent, "bad": self.bad,
                "failed": self.failed, "skipped": self.skipped, "made": self.made,
                "seconds": round(self.seconds, 3), "plans_per_second": round(self.rate, 3),
                "exit_code": self.exit_code()}
