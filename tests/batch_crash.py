"""A worker's plan function that takes its process down, as a crash in durable-rules' C would
(tests/test_batch_crash.py). Imported by the pool's worker processes, so it lives in a module."""

from __future__ import annotations

import json
import os
import signal
import tempfile
from pathlib import Path

from engine.batch.work import Outcome, Settings, Task, plan_chunk

ALWAYS = "crash-always"  # a record id: its worker dies every time
ONCE = "crash-once-"  # a record id prefix: its worker dies the first time only (a marker file remembers)


def marker(patient_id: str) -> Path:
    return Path(tempfile.gettempdir()) / f"careplan-test-{patient_id}"


def crashing_chunk(settings: Settings, tasks: list[Task]) -> list[Outcome]:
    for task in tasks:
        patient_id = str(json.loads(task.record.text or "{}").get("id", ""))
        if patient_id == ALWAYS:
            os.kill(os.getpid(), signal.SIGKILL)  # as a segfault or the OOM killer would
        if patient_id.startswith(ONCE) and not marker(patient_id).exists():
            marker(patient_id).touch()
            os.kill(os.getpid(), signal.SIGKILL)  # as a segfault or the OOM killer would
    return plan_chunk(settings, tasks)
