#!/usr/bin/env bash
# 60 participants typing (similar-idea hints) and submitting ideas for 5 minutes,
# and one facilitator moderating and running a clustering run meanwhile, against
# a local server and the background worker; then the checks: server errors,
# "database is locked", every acknowledged submission stored, the clustering
# run done, and the times per endpoint.
#   loadtest/run.sh sqlite      # runserver on SQLite, as `make demo` serves it
#   loadtest/run.sh postgres    # gunicorn, 4 workers, on PostgreSQL, Redis cache
# LOADTEST_PARTICIPANTS, LOADTEST_RUN_TIME shorten it for a try-out.
# Only 127.0.0.1 is ever targeted. Needs: pip install -e ".[load]".
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-sqlite}"
participants="${LOADTEST_PARTICIPANTS:-60}"
run_time="${LOADTEST_RUN_TIME:-5m}"
out="build/loadtest/$mode"
mkdir -p "$out"
export DJANGO_DEBUG=true
# Every simulated participant shares 127.0.0.1; the caps per address are meant
# for a real room, so they are raised here and the limits per browser kept
# (5 ideas and 30 hints a minute). The failed-login brake is left as it is.
export IDEAS_SUBMIT_RATE_IP=100000/m
export IDEAS_HINTS_RATE_IP=100000/m
export IDEAS_BROWSER_IDS_RATE_IP=100000/m
export ACKNOWLEDGED_FILE="$out/acknowledged.txt"
export CLUSTERING_FILE="$out/clustering.json"
export REQUESTS_FILE="$out/requests.csv"
if [ "$mode" = postgres ]; then
  export DATABASE_URL="${LOADTEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/loadtest}"
  psql "${DATABASE_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS loadtest" -qc "CREATE DATABASE loadtest" >/dev/null
  export DJANGO_CACHE_URL=redis://127.0.0.1:6379/2
else
  export DATABASE_URL="sqlite:///$PWD/$out/db.sqlite3"
  rm -f "$out"/db.sqlite3*
fi
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo >/dev/null

pids=()
stop() {
  # SIGTERM: gunicorn stops its workers, the task worker finishes its task.
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 30); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return
    sleep 1
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
}
trap stop EXIT
if [ "$mode" = postgres ]; then
  .venv/bin/gunicorn workbench.wsgi --workers 4 --bind 127.0.0.1:8765 --log-level warning \
    > "$out/server.log" 2>&1 &
else
  .venv/bin/python manage.py runserver 127.0.0.1:8765 --noreload > "$out/server.log" 2>&1 &
fi
pids+=($!)
# The worker that runs clustering and the theme suggestion of each new idea.
# --no-reload: with DJANGO_DEBUG on it would restart whenever a file changes.
.venv/bin/python manage.py db_worker --backend background --no-reload \
  > "$out/worker.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do curl -sf -o /dev/null http://127.0.0.1:8765/ && break; sleep 1; done

{ echo "nproc: $(nproc)"; echo "before: $(uptime)"; } | tee "$out/machine.txt"
# Load average and the busiest processes every 30 s, to tell our processes'
# share of the two cores from other work on the machine.
( trap 'kill $nap 2>/dev/null; exit 0' TERM
  while :; do
    sleep 30 & nap=$!; wait $nap
    uptime; top -b -c -n 2 -d 1 -w 160 | awk '/^top -/{n++} n==2' | sed -n '3p;6,16p'; echo
  done ) > "$out/load.txt" 2>&1 &
pids+=($!)
# 60 participants and 1 facilitator (fixed_count = 1).
.venv/bin/locust -f loadtest/locustfile.py --headless --host http://127.0.0.1:8765 \
  --users "$((participants + 1))" --spawn-rate 10 --run-time "$run_time" \
  --only-summary --csv "$out/locust" > "$out/locust.txt" 2>&1 \
  || true  # locust exits 1 on any failed request; the figures tell
echo "after: $(uptime)" | tee -a "$out/machine.txt"
grep -A30 "Error report" "$out/locust.txt" || true

echo "server errors (5xx in the access log): $(grep -cE '" 5[0-9]{2} ' "$out/server.log" || true)"
echo "Internal Server Error (Django): $(grep -c 'Internal Server Error' "$out/server.log" || true)"
echo "gunicorn worker timeouts: $(grep -c 'WORKER TIMEOUT' "$out/server.log" || true)"
echo "database is locked (server): $(grep -ci 'database is locked' "$out/server.log" || true)"
echo "database is locked (worker): $(grep -ci 'database is locked' "$out/worker.log" || true)"
echo "worker tracebacks: $(grep -c 'Traceback' "$out/worker.log" || true)"
status=0
.venv/bin/python loadtest/check_acknowledged.py "$ACKNOWLEDGED_FILE" || status=1
echo "clustering seen by the facilitator: $(cat "$CLUSTERING_FILE" 2>/dev/null || echo none)"
.venv/bin/python loadtest/check_clustering.py || status=1
.venv/bin/python loadtest/p95_table.py "$out/locust_stats.csv" "$REQUESTS_FILE" 60 | tee "$out/p95.md"
exit $status
