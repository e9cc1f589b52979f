"""``render`` keeps its environment and the templates it compiled, and never hands out a stale one.

Building the environment and compiling the plan's template again for every document took 35-45 ms
of each md or html plan (a batch with ``-f md`` paid it per patient). A kept template is handed out
only while its file is the same file with the same modification time, so an edit is rendered at
once and a template swapped for a link out of the pack is refused again; each thread's render has
its own step budget.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from engine.generator import Generator
from engine.intake.records import load_record
from engine.render.bounds import Budget
from engine.render.documents import RenderError, _kept_environment, render
from engine.render.samples import sample_plans

PLAN = sample_plans()[0][1]


def _templates(tmp_path: Path, body: str) -> Path:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "plan.md.j2").write_text(body, encoding="utf-8")
    return templates


def test_the_environment_and_its_templates_are_kept(tmp_path: Path) -> None:
    templates = _templates(tmp_path, "first {{ plan.patient_id }}\n")
    assert render(PLAN, templates, "md", "clinician") == f"first {PLAN.patient_id}\n"
    kept = _kept_environment(templates)
    assert kept is _kept_environment(templates)
    assert kept.cache is not None and len(kept.cache) == 1  # compiled once, kept for the next plan
    assert render(PLAN, templates, "md", "clinician") == f"first {PLAN.patient_id}\n"


def test_an_edited_template_is_rendered_at_once(tmp_path: Path) -> None:
    templates = _templates(tmp_path, "before\n")
    assert render(PLAN, templates, "md", "clinician") == "before\n"
    template = templates / "plan.md.j2"
    written = template.stat().st_mtime_ns
    template.write_text("after\n", encoding="utf-8")
    os.utime(template, ns=(written + 1_000_000_000, written + 1_000_000_000))  # a later edit, whatever the clock
    assert render(PLAN, templates, "md", "clinician") == "after\n"


def test_a_template_swapped_for_a_link_out_of_the_pack_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("SECRET-MARKER\n", encoding="utf-8")
    templates = _templates(tmp_path, "fine\n")
    assert render(PLAN, templates, "md", "clinician") == "fine\n"
    template = templates / "plan.md.j2"
    stamp = template.stat().st_mtime_ns
    template.unlink()
    template.symlink_to(tmp_path / "secret.txt")
    os.utime(tmp_path / "secret.txt", ns=(stamp, stamp))  # even with the kept file's modification time
    with pytest.raises(RenderError) as caught:
        render(PLAN, templates, "md", "clinician")
    assert "SECRET-MARKER" not in str(caught.value)
    assert str(caught.value).startswith("templates/plan.md.j2")


def test_each_thread_has_its_own_budget(tmp_path: Path) -> None:
    kept = _kept_environment(_templates(tmp_path, "x\n"))
    kept.budget = Budget()
    kept.budget.tick()
    assert kept.budget.steps == 1
    seen: list[int] = []
    worker = threading.Thread(target=lambda: seen.append(kept.budget.steps))
    worker.start()
    worker.join()
    assert seen == [0]


def test_documents_rendered_in_threads_are_the_documents_rendered_one_by_one(default_generator: Generator) -> None:
    examples = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))[:6]
    results = [default_generator.run(load_record(p, model=default_generator.patient_model), at="2026-01-01T00:00:00Z")
               for p in examples]
    jobs = [(r, fmt, audience) for r in results for fmt in ("md", "html") for audience in ("clinician", "patient")]
    alone = [default_generator.render(r.plan, fmt, audience, r.patient) for r, fmt, audience in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda job: default_generator.render(job[0].plan, job[1], job[2], job[0].patient),
                                 jobs * 3))
    assert len(set(alone)) == len(jobs)  # every document is its own
    assert together == alone * 3
