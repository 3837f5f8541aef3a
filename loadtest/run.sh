#!/usr/bin/env bash
# 50 participants submitting ideas for 60 s against a local server, then a check
# that every acknowledged submission was stored.
#   loadtest/run.sh sqlite      # runserver on SQLite, as `make demo` serves it
#   loadtest/run.sh postgres    # gunicorn, 4 workers, on PostgreSQL
# Only 127.0.0.1 is ever targeted. Needs: pip install -e ".[load]".
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-sqlite}"
out="build/loadtest/$mode"
mkdir -p "$out"
export DJANGO_DEBUG=true
# Every simulated participant shares 127.0.0.1; the per-address limit is meant
# for a real room, so it is raised here and the per-session limit kept.
export IDEAS_SUBMIT_RATE_IP=100000/m
export ACKNOWLEDGED_FILE="$out/acknowledged.txt"
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
if [ "$mode" = postgres ]; then
  .venv/bin/gunicorn workbench.wsgi --workers 4 --bind 127.0.0.1:8765 --log-level warning \
    > "$out/server.log" 2>&1 &
else
  .venv/bin/python manage.py runserver 127.0.0.1:8765 --noreload > "$out/server.log" 2>&1 &
fi
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 30); do curl -sf -o /dev/null http://127.0.0.1:8765/ && break; sleep 1; done
.venv/bin/locust -f loadtest/locustfile.py --headless --host http://127.0.0.1:8765 \
  --users 50 --spawn-rate 10 --run-time 60s --only-summary --csv "$out/locust" \
  2>&1 | tail -n 25 || true  # locust exits 1 on any failed request; the figures tell
echo "server errors: $(grep -c ' 500 ' "$out/server.log" || true)"
echo "database is locked: $(grep -ci 'database is locked' "$out/server.log" || true)"
.venv/bin/python loadtest/check_acknowledged.py "$ACKNOWLEDGED_FILE"
