"""Time the lists that grow with an event: admin listing, tracker, search, API,
and the facilitator's workbench (dashboard, cluster board, a cluster, map,
duplicates queue).

Usage: python loadtest/list_timings.py [N]   (default N = 1000 ideas)
Builds a throwaway SQLite database under build/, seeds the demo plus N public
ideas, then times each page 7 times in this process (Django's test client, no
network) and prints one JSON line with the median milliseconds per page.
The lexical encoder embeds and clusters the ideas: this times the pages, not
the model (docs/benchmarks.md has the model's figures).
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB = ROOT / "build" / "list_timings.sqlite3"
sys.path.insert(0, str(ROOT))
DB.parent.mkdir(exist_ok=True)
DB.unlink(missing_ok=True)
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
os.environ.setdefault("DJANGO_SSL_REDIRECT", "false")
os.environ["ML_ENCODER"] = "lexical"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import override_settings  # noqa: E402

# Debug off, as in production, but without running collectstatic first.
override_settings(
    STORAGES={
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
).enable()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from cms.models import EventPage  # noqa: E402
from ideas.models import Cluster, Idea  # noqa: E402

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
setup_test_environment()
call_command("migrate", verbosity=0)
call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
event = EventPage.objects.get(slug="hackathon-11")
themes = list(event.themes.all())
start = Idea.objects.filter(event=event).count()
Idea.objects.bulk_create(
    Idea(
        event=event,
        number=start + i + 1,
        title=f"ไอเดียทดสอบรายการที่ {i} ระบบข้อมูลกลางภาครัฐ",
        problem="ประชาชนต้องยื่นเอกสารซ้ำหลายหน่วยงาน",
        solution="เชื่อมข้อมูลระหว่างหน่วยงานผ่านระบบกลาง",
        status=Idea.Status.ACCEPTED,
        theme=themes[i % len(themes)],
        tracking_token_hash=f"{i:064d}",
        fingerprint=f"timing-{i}",
    )
    for i in range(n)
)
call_command(
    "cluster_ideas",
    event=event.slug,
    stdout=open(os.devnull, "w"),  # noqa: SIM115
)
biggest = Cluster.objects.filter(event=event, scope="", is_active=True).order_by(
    "-size"
)[0]
staff = Client()
staff.force_login(get_user_model().objects.get(username="facilitator"))
public = Client()
pages = {
    "admin idea listing": (staff, "/admin/snippets/ideas/idea/"),
    "admin listing, search ภาครัฐ": (staff, "/admin/snippets/ideas/idea/?q=ภาครัฐ"),
    "public tracker": (public, event.url + "ideas/"),
    "site search ภาครัฐ": (public, "/search/?q=ภาครัฐ"),
    "API ideas page": (public, f"/api/v1/events/{event.slug}/ideas/"),
    "workbench dashboard": (staff, f"/admin/workbench/{event.pk}/"),
    "cluster board": (staff, f"/admin/workbench/{event.pk}/clusters/"),
    f"largest cluster ({biggest.size} ideas)": (
        staff,
        f"/admin/workbench/{event.pk}/clusters/{biggest.pk}/",
    ),
    "map": (staff, f"/admin/workbench/{event.pk}/map/"),
    "duplicates queue": (staff, f"/admin/duplicates/{event.pk}/"),
    "API clusters": (public, f"/api/v1/events/{event.slug}/clusters/"),
}
figures = {"ideas": Idea.objects.count()}
for name, (client, url) in pages.items():
    client.get(url)  # warm caches and templates
    times = []
    for _ in range(7):
        began = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    figures[name] = round(statistics.median(times), 1)
print(json.dumps(figures, ensure_ascii=False))
