"""Check that every submission the load test saw acknowledged is in the database.

Usage: python loadtest/check_acknowledged.py build/loadtest/acknowledged.txt
Prints one JSON line: acknowledged, stored, missing; exits 1 if any is missing.
"""

import json
import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
django.setup()

from ideas.models import Idea  # noqa: E402

with open(sys.argv[1], encoding="utf-8") as acknowledged:
    titles = [line.strip() for line in acknowledged if line.strip()]
stored = set(Idea.objects.filter(title__in=titles).values_list("title", flat=True))
missing = [title for title in titles if title not in stored]
print(
    json.dumps(
        {"acknowledged": len(titles), "stored": len(stored), "missing": len(missing)}
    )
)
sys.exit(1 if missing else 0)
