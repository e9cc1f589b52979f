"""PharmCAT's outputs in (its JSON report and its outside-call TSV) as genotype facts.

May import: engine.patient, engine.pack and the stages below them. Imported by engine.intake.
"""

from __future__ import annotations
