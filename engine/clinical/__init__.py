"""Clinical calculators and knowledge readers: risk equations (`pce`, behind `calculators`),
medicine classes, and the classification of CPIC's recommendation rows.

May import: source, facts, lang (to read the pack's tables). Never the pipeline above.
"""

from __future__ import annotations
