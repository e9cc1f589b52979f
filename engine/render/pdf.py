"""The HTML plan as a PDF, printed by headless Chromium (Debian's ``chromium`` package).

The browser is ``$CAREPLAN_CHROMIUM`` when set, else the first of ``chromium``,
``chromium-browser``, ``google-chrome`` on PATH. It runs once per document with a fresh
profile in a temporary directory and no network (the HTML loads nothing from outside), and
prints with the document's own print CSS, without the browser's header and footer.

Determinism: Skia's PDF writer stamps ``/CreationDate`` and ``/ModDate`` with the clock; both
are rewritten in place (same length, so the cross-reference offsets stay valid) to the plan's
``generated_at``. With that, the same plan printed by the same Chromium build gives the same
bytes; another build may lay text out differently and names itself in ``/Creator``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_ENV = "CAREPLAN_CHROMIUM"
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome")
BROWSER_PACKAGE = "chromium"  # Debian and Ubuntu: apt-get install chromium
TIMEOUT_SECONDS = 120
# Without the networking switches headless Chromium waits on services a closed network never answers.
HEADLESS_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio",
)
_PDF_DATE = re.compile(rb"(/(?:CreationDate|ModDate) \(D:)(\d{14})")


class BrowserMissing(Exception):
    """No Chromium to print with; the message says where it was looked for."""


class BrowserFailed(Exception):
    """Chromium ran but made no PDF; the message says how it ended (never the document's text)."""


def find_browser() -> Path:
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        path = Path(configured)
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise BrowserMissing(f"{CHROMIUM_ENV} names {configured}, which is not an executable file")
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise BrowserMissing(f"no {' or '.join(BROWSER_NAMES)} on PATH and {CHROMIUM_ENV} is not set")


def pdf_timestamp(generated_at: str) -> bytes:
    """``2026-01-01T00:00:00Z`` -> ``b"20260101000000"`` (the PDF date's 14 digits)."""
    digits = re.sub(r"\D", "", generated_at)[:14]
    return digits.ljust(14, "0").encode("ascii")


def fix_dates(pdf: bytes, generated_at: str) -> bytes:
    stamp = pdf_timestamp(generated_at)
    return _PDF_DATE.sub(lambda m: m.group(1) + stamp, pdf)


def browser_command(browser: Path, page: Path, pdf: Path, profile: Path) -> list[str]:
    return [str(browser), *HEADLESS_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
            "--no-pdf-header-footer", page.as_uri()]


def html_to_pdf(html: str, generated_at: str, browser: Path | None = None) -> bytes:
    """Print the document; BrowserMissing when there is no browser, BrowserFailed when it makes no PDF."""
    browser = browser or find_browser()
    with tempfile.TemporaryDirectory(prefix="careplan-pdf-") as tmp:
        folder = Path(tmp)
        page, pdf, profile = folder / "plan.html", folder / "plan.pdf", folder / "profile"
        page.write_text(html, encoding="utf-8")
        env = {**os.environ, "TZ": "UTC"}  # the date stamp's offset is +00'00' whatever the host's zone
        try:
            done = subprocess.run(browser_command(browser, page, pdf, profile), env=env, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            raise BrowserFailed(f"{browser.name} did not finish within {TIMEOUT_SECONDS} seconds") from None
        except OSError as exc:
            raise BrowserFailed(f"{browser.name} could not be started: {exc.strerror or type(exc).__name__}") from None
        data = pdf.read_bytes() if pdf.is_file() else b""
        if done.returncode != 0 or not data.startswith(b"%PDF"):
            raise BrowserFailed(f"{browser.name} exited with status {done.returncode} and wrote no PDF")
    return fix_dates(data, generated_at)
