"""Authoring checks and tools for a pack's citation records (docs/evidence.md).

``citation_findings`` is what ``careplan lint`` reports about citations: unknown keys (with a
did-you-mean hint) and URLs that do not match their citation, both errors that ``careplan validate``
and every loading command also refuse, and records no rule cites, a warning only lint shows.
``add_guideline_records`` keeps ``knowledge import-cpic`` working when CPIC publishes a guideline the
pack has no record for: it adds a record that names only what CPIC's table says, for the author to
complete.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from engine.pack.citation_refs import citation_errors, unused_citations
from engine.pack.citations import CITATIONS_FILE, load_citations
from engine.pack.load import Pack
from engine.source.diagnostics import Diagnostic, sort_diagnostics

CPIC_GUIDELINES_URL = "https://cpicpgx.org/guidelines/"


def citation_findings(pack: Pack) -> list[Diagnostic]:
    """Every citation finding of a loaded pack, sorted: lint.unknown-citation, lint.citation-url-mismatch
    (errors) and lint.citation-unused (a warning), each at file:line:col."""
    sources = [*pack.sources, *pack.inactive]
    return sort_diagnostics([*citation_errors(sources, pack.citations), *unused_citations(sources, pack.citations)])


def _slug(name: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", name.lower().removeprefix("cpic guideline for ")).strip("-")
    return "cpic-import-" + words[:60].rstrip("-")


def _record(name: str) -> str:
    """A record holding only what CPIC's table states: the body, the guideline's name and CPIC's index."""
    quoted = yaml.safe_dump(name, default_style='"', width=10_000).strip()
    return (f"{_slug(name)}:\n  source: CPIC\n  authors: [Clinical Pharmacogenetics Implementation Consortium]\n"
            f"  title: {quoted}\n  url: {CPIC_GUIDELINES_URL}\n  names: [{quoted}]\n")


def add_guideline_records(root: Path, names: Iterable[str]) -> list[str]:
    """Append a record to the pack's citations file for each guideline name none of its records has;
    the names added, so the importer can ask for the publication's authors, year and PMID."""
    citations = load_citations(root, [])
    missing = sorted({n for n in names if n and citations.find(n) is None})
    if not missing:
        return []
    path = root / CITATIONS_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    added = "".join(_record(name) for name in missing)
    header = "\n# Added by `careplan knowledge import-cpic`: complete authors, journal, year and PMID\n"
    path.write_text(text.rstrip("\n") + ("\n" if text else "") + header + added, encoding="utf-8")
    return missing

