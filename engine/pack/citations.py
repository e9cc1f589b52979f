"""The pack's citation records (``knowledge/citations.yaml``): one record per source a rule cites.

Rules and table rows name a source by its key (``cite: cpic-cyp2c19-clopidogrel-2022``), so a
source is written once, with its authors, year and identifiers, and the plan carries the record.
A table that holds another body's data (CPIC's recommendation table names each row's guideline
in CPIC's words) may name a record by one of its ``names`` instead of its key.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from engine.source.diagnostics import Diagnostic, DiagnosticError, Location
from engine.source.document import SourceDoc, load_file
from engine.source.pydantic_errors import diagnostics_from

CITATIONS_FILE = "knowledge/citations.yaml"
_KEY = re.compile(r"[a-z0-9]+(?:[.-][a-z0-9]+)*")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
ET_AL = "et al."


class CitationRecord(BaseModel):
    """One publication (or a body's web resource) as a reader would look it up."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    source: str = Field(min_length=1, description="publisher shown with the evidence, e.g. CPIC, ACC/AHA, NCCN")
    authors: list[str] = Field(default_factory=list,
                               description="'Surname Initials' in the publication's order, or the issuing body")
    title: str = Field(min_length=1)
    journal: str | None = Field(default=None, description="journal abbreviation, or the publisher of a book or site")
    year: int | None = Field(default=None, ge=1900, le=2100)
    pmid: str | None = Field(default=None, pattern=r"^[1-9][0-9]{0,8}$")
    doi: str | None = None
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    version: str | None = Field(default=None, description="a guideline's version, e.g. 1.2025")
    names: list[str] = Field(default_factory=list,
                             description="other names tables use for this source (e.g. CPIC's guideline name)")

    @field_validator("doi")
    @classmethod
    def _doi(cls, value: str | None) -> str | None:
        if value is not None and not _DOI.fullmatch(value):
            raise ValueError("a DOI starts with '10.' and a registrant code, e.g. 10.1002/cpt.2526")
        return value

    @model_validator(mode="after")
    def _url_matches(self) -> CitationRecord:
        """A DOI or PubMed link in ``url`` must be this record's own (the 'citation and URL disagree' bug)."""
        if self.url is None:
            return self
        doi = re.search(r"(?:doi\.org/|/doi/(?:full/|abs/|pdf/)?)(10\.\d{4,9}/[^?#\s]+)", self.url)
        if doi and self.doi and doi.group(1).rstrip("/").lower() != self.doi.lower():
            raise ValueError(f"url names DOI {doi.group(1)} but the record's doi is {self.doi}")
        pubmed = re.search(r"pubmed\.ncbi\.nlm\.nih\.gov/(\d+)", self.url)
        if pubmed and self.pmid and pubmed.group(1) != self.pmid:
            raise ValueError(f"url names PMID {pubmed.group(1)} but the record's pmid is {self.pmid}")
        return self

    def links(self) -> set[str]:
        """Every link that points at this source: its url, its DOI and its PubMed page."""
        found = {self.url} if self.url else set()
        if self.doi:
            found |= {f"https://doi.org/{self.doi}", f"https://dx.doi.org/{self.doi}"}
        if self.pmid:
            found |= {f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/", f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}"}
        return found

    def named_authors(self) -> list[str]:
        """The authors without the closing "et al." of a list cut short."""
        return [a for a in self.authors if a != ET_AL]

    def short(self) -> str:
        """'Lee CR et al. Clin Pharmacol Ther 2022; PMID 35034351': how a clinician finds it. A web
        resource (a guideline site, a label, a safety communication) is found by its title instead."""
        if self.journal is None or "." in self.journal or "@" in self.journal:
            version = f", version {self.version}" if self.version else ""
            return f"{self.title}{version}" + (f" ({self.year})" if self.year else "")
        named = self.named_authors()
        who = (named[0] + (" et al." if len(self.authors) > 1 else "")) if named else self.source
        text = " ".join(p for p in (who, self.journal or "", str(self.year or "")) if p)
        if self.pmid:
            return f"{text}; PMID {self.pmid}"
        return f"{text}; doi:{self.doi}" if self.doi else text

    def full(self) -> str:
        """Authors. Title. Journal. Year: the record as one citation line."""
        named = self.named_authors()
        authors = ", ".join(named[:3]) + (", et al" if len(self.authors) > min(len(named), 3) else "")
        parts = [authors, self.title.rstrip("."), self.journal or "", str(self.year or "")]
        return ". ".join(p for p in parts if p) + "."


class Citations(BaseModel):
    """Every record of the pack by key, with where each is written (for located findings)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    records: dict[str, CitationRecord] = Field(default_factory=dict)
    lines: dict[str, int] = Field(default_factory=dict, description="key -> line of knowledge/citations.yaml")

    _other_names: dict[str, str] | None = PrivateAttr(default=None)  # name -> key, built on first use

    def find(self, name: str) -> tuple[str, CitationRecord] | None:
        """The record named by its key or by one of its other names (the first record that has it)."""
        record = self.records.get(name)
        if record is not None:
            return name, record
        if self._other_names is None:  # every plan looks up its citations: no scan of every record
            others: dict[str, str] = {}
            for key, candidate in self.records.items():
                for other in candidate.names:
                    others.setdefault(other, key)
            self._other_names = others
        found = self._other_names.get(name)
        return (found, self.records[found]) if found is not None else None

    def every_name(self) -> list[str]:
        return sorted(set(self.records) | {n for r in self.records.values() for n in r.names})

    def location(self, key: str) -> Location:
        return Location(CITATIONS_FILE, self.lines.get(key, 0), 1 if key in self.lines else 0)


def split_cite(value: str) -> list[str]:
    """A table cell naming several sources separates them with ';'."""
    return [part.strip() for part in value.split(";") if part.strip()]


def _records(doc: SourceDoc, diagnostics: list[Diagnostic]) -> Citations:
    if not isinstance(doc.data, dict):
        diagnostics.append(Diagnostic(doc.locate([]), "schema.wrong-type",
                                      "a citations file maps each key to its record",
                                      hint="write 'cpic-cyp2c19-clopidogrel-2022: {source: CPIC, title: ...}'"))
        return Citations()
    records: dict[str, CitationRecord] = {}
    lines: dict[str, int] = {}
    for key, body in doc.data.items():
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            diagnostics.append(Diagnostic(doc.locate([key], key=True), "schema.bad-value",
                                          f"'{key}' is not a citation key", field_path=str(key),
                                          hint="lower-case words and digits joined by '-', e.g. acc-aha-bp-2017"))
            continue
        try:
            records[key] = CitationRecord.model_validate(body)
        except ValidationError as exc:
            diagnostics.extend(diagnostics_from(exc, doc, CitationRecord, prefix=(key,)))
            continue
        lines[key] = doc.locate([key], key=True).line
    return Citations(records=records, lines=lines)


def load_citations(root: Path, diagnostics: list[Diagnostic]) -> Citations:
    """The pack's records; a pack without the file has none (its rules then cite inline)."""
    path = root / CITATIONS_FILE
    if not path.is_file():
        return Citations()
    try:
        doc = load_file(path, CITATIONS_FILE)
    except DiagnosticError as exc:
        diagnostics.extend(exc.diagnostics)
        return Citations()
    return _records(doc, diagnostics)


def record_summary(key: str, record: CitationRecord) -> dict[str, Any]:
    """The record's fields a plan's evidence carries (contract v2, section 3)."""
    return {"cite": key, "authors": list(record.authors), "title": record.title, "journal": record.journal,
            "year": record.year, "pmid": record.pmid, "doi": record.doi, "url": record.url}
