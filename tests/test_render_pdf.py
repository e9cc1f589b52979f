"""``--format pdf`` where no browser is needed to see the outcome: the usage errors, a missing
browser (exit 2 with the package to install), a browser that fails (exit 3, one line), and the
date stamp rewritten in place. The PDF itself is checked in tests/test_documents_in_browser.py."""

from __future__ import annotations

import sys
from pathlib import Path

from typer.testing import CliRunner

import cli
from engine.render.pdf import CHROMIUM_ENV, fix_dates, pdf_timestamp

ROOT = Path(__file__).resolve().parent.parent
PATIENT = str(ROOT / "examples/patient-a.yaml")
runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_pdf_without_out_is_a_usage_error() -> None:
    code, out, err = run("generate", PATIENT, "--format", "pdf")
    assert code == 2 and out == ""
    assert "--out: error[usage.pdf-needs-out] a PDF is written to a file: give --out FILE.pdf" in err
    assert "Traceback" not in err


def test_a_missing_browser_is_exit_2_naming_the_package(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-chromium"
    target = tmp_path / "plan.pdf"
    code, out, err = run("generate", PATIENT, "--format", "pdf", "--out", str(target),
                         env={CHROMIUM_ENV: str(missing)})
    assert code == 2 and out == "" and not target.exists()
    assert f"--format: error[usage.no-browser] --format pdf needs headless Chromium: {CHROMIUM_ENV} names" in err
    assert "apt-get install chromium" in err and "Traceback" not in err


def test_a_browser_that_fails_is_exit_3_with_one_line(tmp_path: Path) -> None:
    failing = tmp_path / "chromium"
    failing.write_text("#!/bin/sh\necho 'something broke' >&2\nexit 5\n", encoding="utf-8")
    failing.chmod(0o755)
    target = tmp_path / "plan.pdf"
    code, out, err = run("generate", PATIENT, "--format", "pdf", "--out", str(target),
                         env={CHROMIUM_ENV: str(failing)})
    assert code == 3 and out == "" and not target.exists()
    assert err.strip().splitlines() == ["careplan: the PDF could not be printed: chromium exited with status 5 "
                                        "and wrote no PDF"]


def test_an_out_in_a_missing_directory_is_refused_before_printing(tmp_path: Path) -> None:
    code, _, err = run("generate", PATIENT, "--format", "pdf", "--out", str(tmp_path / "missing-dir" / "p.pdf"),
                       env={CHROMIUM_ENV: sys.executable})  # a browser that exists: the path is what is wrong
    assert code == 2 and "--out: the directory to write into does not exist" in err


def test_the_pdf_dates_are_the_plans_and_the_length_is_kept() -> None:
    pdf = b"%PDF-1.4\n<</CreationDate (D:20261201152642+00'00')\n/ModDate (D:20261201152642+00'00')>>\n"
    fixed = fix_dates(pdf, "2026-01-01T00:00:00Z")
    assert pdf_timestamp("2026-01-01T00:00:00Z") == b"20260101000000"
    assert fixed.count(b"(D:20260101000000+00'00')") == 2
    assert len(fixed) == len(pdf)  # the cross-reference table's byte offsets stay right
