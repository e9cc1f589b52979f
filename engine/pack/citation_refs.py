"""Check what rules and table rows cite against the pack's citation records.

An unknown key is refused with a did-you-mean hint; a link a rule gives must be one of its
cited records' links (or, for a rule that writes its citation out, must not be another record's
link), so a citation and its URL can no longer disagree. Each finding is located at the rule's
``evidence`` (or the table row) that names the source.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from engine.lang.rule import Rule, RuleSource
from engine.pack.citations import CITATIONS_FILE, CitationRecord, Citations, split_cite
from engine.source.diagnostics import Diagnostic, Location, Severity, did_you_mean


@dataclass(frozen=True)
class CiteUse:
    """One place that names sources: a rule's evidence, or a recommendation (a table row's cell)."""

    names: tuple[str, ...]
    url: str | None
    citation: str | None
    location: Location
    url_location: Location
    rule_id: str


def _evidence_use(source: RuleSource) -> CiteUse:
    evidence = source.spec.evidence
    doc = source.doc
    where = doc.locate(["evidence", "cite"]) if evidence.cite else doc.locate(["evidence", "citation"])
    return CiteUse(tuple(evidence.cite), evidence.url, evidence.citation, where,
                   doc.locate(["evidence", "url"]), source.spec.id)


def _action_uses(source: RuleSource, rule: Rule) -> Iterator[CiteUse]:
    """The sources a recommendation names for itself (in a table: each row's cell)."""
    for index, action in enumerate(rule.actions):
        spec = action.recommend
        if spec is None or (spec.cite is None and spec.url is None):
            continue
        names = tuple(split_cite(spec.cite)) if isinstance(spec.cite, str) else ()
        at: list[str | int] = ["then", index, "recommend"]
        where = rule.row.location if rule.row is not None else source.doc.locate([*at, "cite"])
        url_at = rule.row.location if rule.row is not None else source.doc.locate([*at, "url"])
        yield CiteUse(names, spec.url or None, spec.citation, where, url_at, rule.id)


def cite_uses(sources: Iterable[RuleSource]) -> Iterator[CiteUse]:
    """Every place in the rule files that names a source, table rows included."""
    for source in sources:
        yield _evidence_use(source)
        for rule in source.rules:
            yield from _action_uses(source, rule)


def _unknown(use: CiteUse, citations: Citations) -> Iterator[Diagnostic]:
    for name in use.names:
        if citations.find(name) is None:
            hint = did_you_mean(name, citations.every_name()) or f"add a record '{name}' to {CITATIONS_FILE}"
            yield Diagnostic(use.location, "lint.unknown-citation",
                             f"'{name}' is not a key (or name) of {CITATIONS_FILE}", rule_id=use.rule_id,
                             field_path="evidence.cite", hint=hint)


def _cited_records(use: CiteUse, citations: Citations) -> list[tuple[str, CitationRecord]]:
    return [found for found in (citations.find(n) for n in use.names) if found is not None]


def _mentions(text: str, record: CitationRecord) -> bool:
    """Whether written-out citation text names this record (its first author's surname or its title)."""
    lowered = text.lower()
    surname = record.authors[0].split()[0].lower() if record.authors else ""
    return bool(surname and surname in lowered) or record.title.lower()[:40] in lowered


def _url_mismatch(use: CiteUse, citations: Citations) -> Diagnostic | None:
    if not use.url or not use.url.strip():
        return None
    cited = _cited_records(use, citations)
    if cited:
        if any(use.url in record.links() for _, record in cited):
            return None
        keys = ", ".join(key for key, _ in cited)
        return Diagnostic(use.url_location, "lint.citation-url-mismatch",
                          f"url is not a link of the cited source ({keys})", rule_id=use.rule_id,
                          field_path="evidence.url",
                          hint="leave the url out (the record carries it) or cite the record it belongs to")
    if use.names or use.citation is None:
        return None  # an unknown key is reported on its own
    for key, record in sorted(citations.records.items()):
        if use.url in record.links() and not _mentions(use.citation, record):
            return Diagnostic(use.url_location, "lint.citation-url-mismatch",
                              f"url is the link of '{key}', which the citation text does not name",
                              rule_id=use.rule_id, field_path="evidence.url",
                              hint=f"write 'cite: {key}' if that is the source, or give this source's own url")
    return None


def citation_errors(sources: Iterable[RuleSource], citations: Citations) -> list[Diagnostic]:
    """Unknown keys and URLs that do not match their citation: errors of ``careplan validate``."""
    found: list[Diagnostic] = []
    for use in cite_uses(sources):
        found.extend(_unknown(use, citations))
        mismatch = _url_mismatch(use, citations)
        if mismatch is not None:
            found.append(mismatch)
    return found


def unused_citations(sources: Iterable[RuleSource], citations: Citations) -> list[Diagnostic]:
    """Records no rule or table row cites: a warning (a record kept for a rule still to come is fine)."""
    used: set[str] = set()
    for use in cite_uses(sources):
        used |= {key for key, _ in _cited_records(use, citations)}
    return [Diagnostic(citations.location(key), "lint.citation-unused",
                       f"citation '{key}' is not cited by any rule or table row", severity=Severity.WARNING,
                       hint="cite it from a rule's evidence, or remove the record")
            for key in sorted(set(citations.records) - used)]
