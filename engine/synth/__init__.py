"""``careplan synth``: a deterministic synthetic cohort as NDJSON, valid for the shipped pack.

``frequencies`` draws pharmacogene diplotypes from published allele frequencies by population
(``allele-frequencies.csv``, sources in docs/batch.md); ``cohort`` makes whole patients (age, sex,
blood pressure, labs, conditions, medicines, lifestyle, stress, some cancers and family history);
``bad_records`` spoils a requested share of them the way real files go wrong. Same seed, same bytes.

May import: engine.patient (the patient model, to check what it makes) and below. Only engine.cli
and tests import it.
"""

from __future__ import annotations
