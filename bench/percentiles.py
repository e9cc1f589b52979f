"""The percentile every benchmark here prints (linear interpolation between ranks, as numpy's default)."""

from __future__ import annotations

from collections.abc import Sequence


def percentile(ordered: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile of already sorted values (pct in 0..100); NaN for none."""
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
