"""Kill the task worker in the middle of a clustering run, then restart it.

Usage: python loadtest/kill_worker.py [--ideas 1500] [--encoder lexical]

Builds a throwaway SQLite database under build/, clusters an event once (the
clusters a facilitator would be working with), then asks for a second run
through the web app's path (queued for the background worker), starts the real
worker (``manage.py db_worker --backend background``) in its own process,
waits until the run is under way and kills the worker with SIGKILL. It then
checks what issue 8 asks for: the run is marked failed with the reason once
its heartbeat is stale, the previous clusters are intact, and after the
worker is restarted a new run finishes. Prints one JSON object as its last
line; exits non-zero when a check fails.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "loadtest"))

from throwaway import setup_django  # noqa: E402

# A run silent this long counts as a dead worker's (seconds); short, so that
# the script need not wait the production two minutes.
STALE_SECONDS = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ideas", type=int, default=1500)
    parser.add_argument("--encoder", default="lexical")
    parser.add_argument("--timeout", type=float, default=120.0)
    return parser.parse_args()


def start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--backend", "background"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def wait_for(check, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def placement(event) -> dict:
    from ideas.models import ClusterMembership

    return {
        (idea, scope): (number, label)
        for idea, scope, number, label in ClusterMembership.objects.filter(
            cluster__event=event
        ).values_list("idea_id", "scope", "cluster__number", "cluster__label")
    }


def main() -> None:
    args = parse_args()
    setup_django(
        "kill_worker",
        encoder=args.encoder,
        CLUSTERING_STALE_SECONDS=str(STALE_SECONDS),
    )
    from bench_clustering import build_event

    from ideas.models import ClusteringRun
    from ideas.services import clusters

    event = build_event(args.ideas, 0)
    first = clusters.clustering_run_execute(
        run=clusters.clustering_run_request(event=event, enqueue=False)
    )
    if first.status != ClusteringRun.Status.DONE:
        raise SystemExit(f"the first run failed: {first.error}")
    before = placement(event)

    run = clusters.clustering_run_request(event=event)  # queued for the worker
    worker = start_worker()
    try:

        def under_way():
            run.refresh_from_db()
            # Past loading the model: the worker is at work on the ideas.
            return run.status == ClusteringRun.Status.RUNNING and run.progress >= 20

        wait_for(under_way, timeout=args.timeout, what="the worker to start the run")
        stage_when_killed = run.stage
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    run.refresh_from_db()
    left_running = run.status == ClusteringRun.Status.RUNNING
    refused = False
    try:
        clusters.clustering_run_request(event=event, enqueue=False)
    except Exception:  # noqa: BLE001 (any refusal counts: the run still looks alive)
        refused = True

    time.sleep(STALE_SECONDS + 1)
    failed = clusters.clustering_runs_fail_stale(event=event)
    run.refresh_from_db()
    intact = placement(event) == before

    worker = start_worker()
    try:
        again = clusters.clustering_run_request(event=event)

        def finished():
            again.refresh_from_db()
            return again.status in (
                ClusteringRun.Status.DONE,
                ClusteringRun.Status.FAILED,
            )

        wait_for(finished, timeout=args.timeout, what="the restarted worker's run")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()

    result = {
        "ideas": args.ideas,
        "killed_at_stage": stage_when_killed,
        "left_running_after_kill": left_running,
        "new_run_refused_while_heartbeat_fresh": refused,
        "marked_failed": failed == 1 and run.status == ClusteringRun.Status.FAILED,
        "reason": run.error,
        "previous_clusters_intact": intact,
        "after_restart": again.status,
        "after_restart_changed_assignments": again.changed_assignments,
    }
    print(json.dumps(result, ensure_ascii=False))
    ok = (
        left_running
        and refused
        and result["marked_failed"]
        and bool(run.error)
        and intact
        and again.status == ClusteringRun.Status.DONE
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
