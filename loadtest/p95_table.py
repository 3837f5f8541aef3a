"""Times per endpoint from locust's CSV, as a Markdown table.

Usage: python loadtest/p95_table.py STATS_CSV [REQUESTS_CSV [AFTER_S]]
STATS_CSV is locust's ``*_stats.csv`` (the whole run). With REQUESTS_CSV, the
locustfile's log of every request, a column adds each endpoint's p95 over the
requests started after AFTER_S seconds (default 60): the first minute is when
each server process loads the model.
"""

import csv
import math
import sys
from collections import defaultdict


def p95(values):
    values = sorted(values)
    return values[max(0, math.ceil(0.95 * len(values)) - 1)] if values else None


with open(sys.argv[1], newline="", encoding="utf-8") as stats:
    rows = list(csv.DictReader(stats))
after = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
later = defaultdict(list)
if len(sys.argv) > 2:
    with open(sys.argv[2], newline="", encoding="utf-8") as requests:
        for request in csv.DictReader(requests):
            if float(request["t"]) >= after:
                later[request["name"]].append(float(request["ms"]))
                later["Aggregated"].append(float(request["ms"]))
extra = f" p95 ms after {after:g} s (n) |" if later else ""
print(f"| endpoint | requests | failures | p50 ms | p95 ms | p99 ms | max ms |{extra}")
print("|---|---|---|---|---|---|---|" + ("---|" if later else ""))
for row in rows:
    name = "**all**" if row["Name"] == "Aggregated" else row["Name"]
    line = (
        f"| {name} | {row['Request Count']} | {row['Failure Count']} "
        f"| {row['50%']} | {row['95%']} | {row['99%']} "
        f"| {round(float(row['Max Response Time']))} |"
    )
    if later:
        values = later.get(row["Name"], [])
        line += f" {round(p95(values)) if values else '–'} ({len(values)}) |"
    print(line)
