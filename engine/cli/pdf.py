"""``careplan generate --format pdf``: the HTML document printed by headless Chromium.

A PDF is binary, so it is written only to a file: ``--out`` is required (a PDF sent to a
terminal is garbage on screen, and to a pipe is better made by ``--format html`` and the
reader's own printer). A missing browser is bad set-up, exit 2 with a hint naming the package;
a browser that fails is exit 3 with one line. The audit trail records the digest of the HTML
the PDF was printed from (the PDF's bytes depend on the Chromium build).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import typer

from engine.generator import Generator, Result
from engine.render.pdf import BROWSER_PACKAGE, CHROMIUM_ENV, BrowserFailed, BrowserMissing, find_browser, html_to_pdf
from engine.source.diagnostics import Diagnostic, Location, format_report


def _usage(location: str, code: str, message: str, hint: str) -> NoReturn:
    typer.echo(format_report([Diagnostic(Location(location), code, message, hint=hint)]), err=True)
    raise typer.Exit(2)


def require_pdf_output(out: Path | None) -> Path:
    """Exit 2 before any work when there is no ``--out`` for the PDF, or no browser to print it."""
    if out is None:
        _usage("--out", "usage.pdf-needs-out", "a PDF is written to a file: give --out FILE.pdf",
               "or use --format html and print it from a browser")
    try:
        find_browser()
    except BrowserMissing as exc:
        _usage("--format", "usage.no-browser", f"--format pdf needs headless Chromium: {exc}",
               f"install it (Debian/Ubuntu: apt-get install {BROWSER_PACKAGE}) or set {CHROMIUM_ENV} to its path")
    return out


def write_pdf(generator: Generator, result: Result, audience: str, out: Path) -> str:
    """Print the plan's HTML document to ``out``; returns the HTML it was printed from."""
    html = generator.render(result.plan, "html", audience, result.patient)
    try:
        data = html_to_pdf(html, result.plan.generated_at)
    except BrowserMissing as exc:  # it was there a moment ago (require_pdf_output): say so plainly
        _usage("--format", "usage.no-browser", f"--format pdf needs headless Chromium: {exc}",
               f"install it (Debian/Ubuntu: apt-get install {BROWSER_PACKAGE}) or set {CHROMIUM_ENV} to its path")
    except BrowserFailed as exc:
        typer.echo(f"careplan: the PDF could not be printed: {exc}", err=True)
        raise typer.Exit(3) from None
    try:
        out.write_bytes(data)
    except OSError as exc:
        typer.echo(f"careplan: cannot write {out}: {exc.strerror or type(exc).__name__}", err=True)
        raise typer.Exit(3) from None
    sys.stdout.flush()
    return html
