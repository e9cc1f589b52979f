"""``careplan batch --executor dask`` on a 2-worker LocalCluster: the local executor's tree, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

from tests.batch_helpers import careplan, synth_cohort, tree


def test_dask_local_cluster_writes_the_local_executors_tree(tmp_path: Path) -> None:
    cohort = tmp_path / "cohort.ndjson"
    synth_cohort(cohort, 30, seed=23, bad_share=0.15)
    local, dask = tmp_path / "local", tmp_path / "dask"
    by_processes = careplan("batch", str(cohort), "--out", str(local), "-f", "json", "-f", "html", "-j", "2")
    assert by_processes.returncode == 0, by_processes.stderr
    by_dask = careplan("batch", str(cohort), "--out", str(dask), "-f", "json", "-f", "html", "--executor", "dask")
    assert by_dask.returncode == 0, by_dask.stderr
    local_tree = tree(local)
    assert any(name.startswith("plans/") for name in local_tree)
    assert json.loads(local_tree["errors.ndjson"].splitlines()[0])["kind"] == "bad"  # bad records are in it
    assert tree(dask) == local_tree
    # resuming under Dask skips what is done, as the local executor does
    again = careplan("batch", str(cohort), "--out", str(dask), "-f", "json", "-f", "html", "--executor", "dask")
    assert again.returncode == 0, again.stderr
    planned = len(local_tree) - 2  # the plans, less errors.ndjson and the journal, two formats each
    assert f"{planned // 2} skipped as already done; 0 plans" in again.stderr
    assert tree(dask) == local_tree


def test_unreachable_scheduler_is_exit_2(tmp_path: Path) -> None:
    cohort = tmp_path / "cohort.ndjson"
    synth_cohort(cohort, 2, seed=1)
    result = careplan("batch", str(cohort), "--out", str(tmp_path / "out"), "--executor", "dask",
                      "--scheduler", "tcp://127.0.0.1:9")
    assert result.returncode == 2, result.stderr
    assert "cannot reach the Dask scheduler" in result.stderr and "Traceback" not in result.stderr
