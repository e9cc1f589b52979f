"""What a batch did, counted over the whole input (records finished by an earlier run included)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def percentile(ordered: list[float], pct: float) -> float:
    """Linear-interpolated percentile of sorted values (pct 0..100); 0 for none."""
    if not ordered:
        return 0.0
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Summary:
    records: int = 0
    planned: int = 0  # plans on disk for this input, with or without urgent warnings
    urgent: int = 0  # of those, plans with at least one urgent warning
    bad: int = 0  # records refused as generate would refuse the file (or a duplicate id)
    failed: int = 0  # good records whose plan failed unexpectedly (the engine, a template)
    skipped: int = 0  # of the planned, those an earlier run had finished
    restarts: int = 0  # worker pools started afresh after a worker process died (engine.batch.executors)
    seconds: float = 0.0
    plan_seconds: list[float] = field(default_factory=list)  # per record planned by this run, in a worker

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
        if self.restarts:
            line += (f"\ncareplan batch: a worker process stopped unexpectedly {self.restarts} times; each time a "
                     "fresh one planned its records again")
        if self.bad or self.failed:
            line += f"\nerrors: {errors_file}"
        return line

    def as_json(self) -> dict[str, Any]:
        ordered = sorted(self.plan_seconds)
        return {"plan_ms_p50": round(percentile(ordered, 50) * 1000, 2),
                "plan_ms_p99": round(percentile(ordered, 99) * 1000, 2),
                "records": self.records, "planned": self.planned, "urgent": self.urgent, "bad": self.bad,
                "failed": self.failed, "skipped": self.skipped, "made": self.made, "worker_restarts": self.restarts,
                "seconds": round(self.seconds, 3), "plans_per_second": round(self.rate, 3),
                "exit_code": self.exit_code()}
