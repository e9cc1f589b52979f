"""The patient: the patient-file model, loading it with located errors, and normalising it into
engine facts with the calculators the generator hands in.

May import: source, facts, clinical.
"""

from __future__ import annotations
