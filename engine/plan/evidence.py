"""A recommendation's evidence in the plan: the rule's citation with its records filled in.

A rule that cites keys of the pack's ``knowledge/citations.yaml`` gets the first record's
authors, title, journal, year, PMID and DOI flattened into ``evidence`` (contract v2, section 3)
and the rest under ``evidence.also``; ``source``, ``citation`` and ``url`` keep their v2 meaning.
"""

from __future__ import annotations

from engine.pack.citations import CitationRecord, Citations
from engine.plan.model import CitedSource, EvidenceRef
from engine.run.outputs import EvidenceOutput


def _cited(key: str, record: CitationRecord) -> CitedSource:
    return CitedSource(cite=key, authors=list(record.authors), title=record.title, journal=record.journal,
                       year=record.year, pmid=record.pmid, doi=record.doi, url=record.url, short=record.short())


def evidence_ref(out: EvidenceOutput, citations: Citations) -> EvidenceRef:
    """The plan's evidence for one recommendation (keys the loader checked; an unknown one is skipped)."""
    records = [found for found in (citations.find(name) for name in out.cite) if found is not None]
    # the publisher of the main record, unless the rule names the source itself
    source = out.source or (records[0][1].source if records else "unknown")
    citation = out.citation or "; ".join(record.full() for _, record in records) or "not given"
    if not records:
        return EvidenceRef(source=source, citation=citation, url=out.url, section=out.section)
    (key, first), rest = records[0], records[1:]
    return EvidenceRef(source=source, citation=citation, url=out.url or first.url, cite=key,
                       authors=list(first.authors), title=first.title, journal=first.journal, year=first.year,
                       pmid=first.pmid, doi=first.doi, short=first.short(), section=out.section,
                       also=[_cited(k, r) for k, r in rest])
