#!/usr/bin/env bash
# Fault test: restart the web server in the middle of the load, then check that
# every submission acknowledged with a tracking link was stored.
#   loadtest/restart.sh            # SQLite, runserver, killed with SIGKILL at 20 s
# Only 127.0.0.1 is ever targeted. Needs: pip install -e ".[load]".
set -euo pipefail
cd "$(dirname "$0")/.."
out="build/loadtest/restart"
mkdir -p "$out"
rm -f "$out"/db.sqlite3*
export DJANGO_DEBUG=true IDEAS_SUBMIT_RATE_IP=100000/m
# Participants now type (hints) as well; their caps per address raised as in run.sh.
export IDEAS_HINTS_RATE_IP=100000/m IDEAS_BROWSER_IDS_RATE_IP=100000/m
export DATABASE_URL="sqlite:///$PWD/$out/db.sqlite3"
export ACKNOWLEDGED_FILE="$out/acknowledged.txt"
export REQUESTS_FILE="$out/requests.csv" CLUSTERING_FILE="$out/clustering.json"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo >/dev/null
serve() {
  .venv/bin/python manage.py runserver 127.0.0.1:8766 --noreload >> "$out/server.log" 2>&1 &
  server=$!
}
serve
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 30); do curl -sf -o /dev/null http://127.0.0.1:8766/ && break; sleep 1; done
# Participants only: no task worker runs here for the facilitator's clustering run.
.venv/bin/locust -f loadtest/locustfile.py Participant --headless --host http://127.0.0.1:8766 \
  --users 50 --spawn-rate 10 --run-time 60s --only-summary > "$out/locust.txt" 2>&1 &
load=$!
sleep 20
kill -9 "$server"  # no graceful shutdown: the worst case
sleep 3
serve
wait "$load" || true
grep -E "submit idea|Aggregated" "$out/locust.txt" | head -2
.venv/bin/python loadtest/check_acknowledged.py "$ACKNOWLEDGED_FILE"
