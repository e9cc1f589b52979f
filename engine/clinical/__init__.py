"""Clinical calculators: risk equations, medicine classes, CPIC classification.

Pure: imports nothing from the engine's pipeline stages.
"""

from __future__ import annotations
