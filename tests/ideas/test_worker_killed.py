"""Kill the real task worker in the middle of a clustering run (issue 8, faults)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the script builds its own SQLite database; once is enough",
)
def test_a_killed_worker_fails_its_run_and_a_restarted_one_clusters():
    result = subprocess.run(
        [sys.executable, "loadtest/kill_worker.py", "--ideas", "900"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["left_running_after_kill"]
    assert outcome["new_run_refused_while_heartbeat_fresh"]
    assert outcome["marked_failed"] and outcome["reason"]
    assert outcome["previous_clusters_intact"]
    assert outcome["after_restart"] == "done"
