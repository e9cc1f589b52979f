"""The care plan: its model (the JSON contract), the builder that turns an evaluation into a plan
(de-duplication, conflicts, suppression, ordering), and the patient's preferences.

May import: run and the stages below it.
"""

from __future__ import annotations
