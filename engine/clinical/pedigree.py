"""The pack's family-history vocabulary, and what the hereditary criteria count on each side of the family.

``knowledge/hereditary/relatives.csv`` gives each relative word a side of the family, a degree and a sex
(siblings and children have one row per side); ``knowledge/hereditary/cancer-sites.csv`` gives each
condition a cancer site, a detail and whether it counts for the hereditary breast/ovarian (hboc) and
Lynch syndrome criteria. The rules map every family-history entry through the same two tables
(``hereditary.family-cancer``, ``hereditary.affected-relative``); this module reads them once more so
that the normaliser can count, per side, the relatives those rules derive. A criterion such as "three
or more breast or prostate cancers on the same side" then compares a count in one ``family_side`` fact
instead of joining the family history with itself, which grows with the cube of the entries.

Each count below says which rule patterns it stands for; ``tests/test_bounded_work.py`` checks the
counts against the ``affected_relative`` facts the rules derive.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from engine.facts.fact import Scalar
from engine.lang.tables import load_table

RELATIVES_FILE = "knowledge/hereditary/relatives.csv"
CANCER_SITES_FILE = "knowledge/hereditary/cancer-sites.csv"
_RELATIVE_COLUMNS = {"relative": "text", "side": "text", "degree": "integer", "sex": "text"}
_SITE_COLUMNS = {"condition": "text", "site": "text", "detail": "text", "hboc": "boolean", "lynch": "boolean"}

KNOWN_VARIANT = "known variant"  # the site of a relative's germline result ("brca1 mutation")
CLOSE = 3  # close blood relatives (NCCN): first-, second- and third-degree
EARLY_BREAST_AGE = 50  # "breast cancer at 50 or younger"


@dataclass(frozen=True)
class Kinship:
    """One row of relatives.csv: a relative word on one side of the family."""

    side: str  # maternal, paternal or unknown
    degree: int
    sex: str  # female, male or unknown


@dataclass(frozen=True)
class CancerSite:
    """One row of cancer-sites.csv."""

    site: str
    detail: str
    hboc: bool
    lynch: bool


@dataclass(frozen=True)
class AffectedRelative:
    """A family-history entry on one side of the family: what ``hereditary.affected-relative`` derives."""

    relative: str
    condition: str
    age_at_diagnosis: int | None
    kinship: Kinship
    cancer: CancerSite

    @property
    def close(self) -> bool:
        return self.kinship.degree <= CLOSE

    @property
    def hboc_cancer(self) -> bool:
        """Breast, ovarian, pancreatic or prostate cancer: an hboc site other than a known variant."""
        return self.close and self.cancer.hboc and self.cancer.site != KNOWN_VARIANT

    @property
    def breast_or_prostate(self) -> bool:
        return self.close and self.cancer.site in ("breast", "prostate")

    @property
    def high_risk(self) -> bool:
        """What makes a close relative's breast cancer meet the criteria (hereditary.hboc-breast-with-close-relative):
        ovarian or pancreatic cancer, high-risk prostate cancer, breast cancer at 50 or younger or in a man."""
        site, age = self.cancer.site, self.age_at_diagnosis
        return self.close and (
            site in ("ovarian", "pancreatic")
            or (site == "prostate" and self.cancer.detail == "high-risk")
            or (site == "breast" and ((age is not None and age <= EARLY_BREAST_AGE) or self.kinship.sex == "male")))

    @property
    def lynch_cancer(self) -> bool:
        """A Lynch syndrome-related cancer (a known variant aside)."""
        return self.close and self.cancer.lynch and self.cancer.site != KNOWN_VARIANT

    @property
    def lynch_close(self) -> bool:
        """A Lynch syndrome-related cancer in a first- or second-degree relative."""
        return self.lynch_cancer and self.kinship.degree <= 2

    def words(self) -> str:
        age = "" if self.age_at_diagnosis is None else f" at {self.age_at_diagnosis}"
        return f"{self.relative} ({self.condition}{age})"


@dataclass(frozen=True)
class FamilyVocabulary:
    """The pack's relatives and cancer-site tables (empty when the pack has neither)."""

    relatives: dict[str, tuple[Kinship, ...]] = field(default_factory=dict)
    conditions: dict[str, CancerSite] = field(default_factory=dict)

    def affected(self, relative: str, condition: str, age_at_diagnosis: int | None) -> list[AffectedRelative]:
        """The entry once per side its relative belongs to; none if the condition is not a cancer of the
        table or the relative word is not in the table (hereditary.relative-unrecognised reports that)."""
        cancer = self.conditions.get(condition)
        if cancer is None:
            return []
        return [AffectedRelative(relative, condition, age_at_diagnosis, kinship, cancer)
                for kinship in self.relatives.get(relative, ())]


def load_family_vocabulary(root: Path) -> FamilyVocabulary:
    """Both tables of the pack at ``root``; a pack without them has no vocabulary (and no summaries).

    A bad row raises the table's located ``DiagnosticError`` (the pack's own rules read the same tables,
    so ``careplan validate`` reports it first)."""
    relatives_path, sites_path = root / RELATIVES_FILE, root / CANCER_SITES_FILE
    if not relatives_path.is_file() or not sites_path.is_file():
        return FamilyVocabulary()
    relatives: dict[str, list[Kinship]] = defaultdict(list)
    for row in load_table(relatives_path, RELATIVES_FILE, _RELATIVE_COLUMNS):
        cells = row.cells
        relatives[str(cells["relative"])].append(
            Kinship(str(cells["side"]), int(cells["degree"]), str(cells["sex"])))
    conditions: dict[str, CancerSite] = {}
    for row in load_table(sites_path, CANCER_SITES_FILE, _SITE_COLUMNS):
        cells = row.cells
        conditions.setdefault(str(cells["condition"]), CancerSite(
            str(cells["site"]), str(cells["detail"]), cells["hboc"] is True, cells["lynch"] is True))
    return FamilyVocabulary({k: tuple(v) for k, v in relatives.items()}, conditions)


def _listed(members: Iterable[AffectedRelative]) -> str | None:
    """A set of relatives as canonical text: sorted, so the order of the family history never matters."""
    words = sorted(m.words() for m in members)
    return "; ".join(words) if words else None


def side_summaries(affected: Iterable[AffectedRelative]) -> list[dict[str, Scalar | None]]:
    """One ``family_side`` fact's fields per side of the family with an affected relative, in side order."""
    by_side: dict[str, list[AffectedRelative]] = defaultdict(list)
    for member in affected:
        by_side[member.kinship.side].append(member)
    summaries: list[dict[str, Scalar | None]] = []
    for side in sorted(by_side):
        members = by_side[side]
        hboc = [m for m in members if m.hboc_cancer]
        lynch = [m for m in members if m.lynch_cancer]
        summaries.append({
            "side": side,
            "hboc_cancers": len(hboc),
            "breast_or_prostate": sum(m.breast_or_prostate for m in members),
            "high_risk": sum(m.high_risk for m in members),
            "lynch_cancers": len(lynch),
            "lynch_close": sum(m.lynch_close for m in members),
            "hboc_relatives": _listed(hboc),
            "lynch_relatives": _listed(lynch),
        })
    return summaries
