"""How much fuzzing to do: sized for CI by default, longer with ``CAREPLAN_FUZZ_EXAMPLES``.

CI mode is deterministic (``derandomize=True``: hypothesis draws from a fixed seed, no example
database). ``CAREPLAN_FUZZ_EXAMPLES=2000`` runs that many examples per fuzz test, randomised,
with proportionally larger subprocess samples and longer timeouts.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_LONG = os.environ.get("CAREPLAN_FUZZ_EXAMPLES", "").strip()
LONG_EXAMPLES = int(_LONG) if _LONG.isdigit() and int(_LONG) > 0 else 0
LONG = LONG_EXAMPLES > 0

# seconds one CLI run may take before it counts as a hang (a loaded CI machine takes ~1 s for a plan)
TIMEOUT = float(os.environ.get("CAREPLAN_FUZZ_TIMEOUT", "60" if LONG else "10"))
MEMORY_LIMIT = 2 * 1024**3  # RLIMIT_AS of every CLI process: 2 GiB


def examples(ci: int) -> int:
    """Examples per test: ``ci`` in CI, the requested number in a long run."""
    return LONG_EXAMPLES or ci


def sample(ci: int) -> int:
    """How many inputs also run through a fresh ``careplan`` process (slow: about 2-5 s each)."""
    return max(ci, LONG_EXAMPLES // 20) if LONG else ci


def fuzz_settings(ci: int) -> settings:
    """Hypothesis settings for one fuzz test: no deadline, deterministic in CI."""
    return settings(
        max_examples=examples(ci), deadline=None, derandomize=not LONG, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                               HealthCheck.function_scoped_fixture],
        print_blob=True,
    )
