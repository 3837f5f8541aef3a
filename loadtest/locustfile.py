"""Participants typing and submitting ideas, and a facilitator moderating, on 127.0.0.1.

Run with loadtest/run.sh, which starts and checks everything.

``Participant``: its own browser session. Fetches the event page (which issues
the browser its ``workbench_browser`` id cookie), then types: after each field
it POSTs the growing draft to the event's hints URL, as workbench/static/js/
hints.js does when typing pauses (the URL from the form's ``data-hints-url``;
multipart form data of title, problem and solution plus the form's CSRF token,
``X-Requested-With: fetch``). Then it submits the form and opens the tracking
page. Every acknowledged submission (a redirect to a tracking page) is written
to ACKNOWLEDGED_FILE so a script can check afterwards that each one is stored.

``Facilitator`` (exactly one): logs in to the Wagtail admin with the demo
facilitator, starts one clustering run at once (the clusters screen's "Run
clustering" form) and polls its status URL every 2 s, as workbench.js does,
in a second "tab" of the same session; meanwhile it moderates through the
ideas listing's bulk actions (listing of the event's submitted ideas, tick
up to 5, the Accept or Reject confirmation page, its POST) and opens the
workbench screens. How the run ended is written to CLUSTERING_FILE.

Each request is named after its endpoint, so locust reports times per endpoint.
"""

import csv
import json
import os
import random
import re
import time
import uuid
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import HttpUser, between, events, task
from locust.clients import HttpSession

EVENT_PATH = os.environ.get("EVENT_PATH", "/events/hackathon-11/")
ACKNOWLEDGED_FILE = os.environ.get(
    "ACKNOWLEDGED_FILE", "build/loadtest/acknowledged.txt"
)
CLUSTERING_FILE = os.environ.get("CLUSTERING_FILE", "build/loadtest/clustering.json")
# Every request: seconds since the start, endpoint, milliseconds, status, failed.
REQUESTS_FILE = os.environ.get("REQUESTS_FILE", "build/loadtest/requests.csv")
FACILITATOR = os.environ.get("LOADTEST_FACILITATOR", "facilitator")
FACILITATOR_PASSWORD = os.environ.get(
    "LOADTEST_FACILITATOR_PASSWORD", "demo-facilitator-2565"
)
# Pause while a participant types one field, before the debounced hints POST.
TYPING_SECONDS = (2.0, 4.0)
# How often workbench.js asks for a running clustering run's progress.
POLL_SECONDS = 2.0
# Ideas ticked in the listing for one bulk decision.
BULK_SIZE = 5

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_HINTS_URL = re.compile(r'data-hints-url="([^"]+)"')
_THEMES = re.compile(r'name="theme" value="([^"]*)"')
_RUN_FORM = re.compile(r'<form method="post" action="([^"]*/clusters/run/)"')
_RUN_STATUS = re.compile(r'data-run-status-url="([^"]+)"')
_EVENT_LINK = re.compile(r'href="(/admin/workbench/(\d+)/)"')
_OBJECT_ID = re.compile(r'data-object-id="(\d+)"')
_FORM_ACTION = re.compile(r'<form action="([^"]+)" method="POST">')

# What participants type: the demo's ideas, varied by a marker in each title.
_DEMO = Path(__file__).resolve().parent.parent / "workbench/demo/hackathon11_ideas.json"
try:
    IDEAS = json.loads(_DEMO.read_text(encoding="utf-8"))["ideas"]
except (OSError, KeyError, ValueError):
    IDEAS = []
IDEAS = IDEAS or [
    {
        "title": "เชื่อมข้อมูลระหว่างหน่วยงาน",
        "problem": "ประชาชนต้องยื่นเอกสารซ้ำหลายหน่วยงาน",
        "solution": "เชื่อมข้อมูลระหว่างหน่วยงานผ่านระบบกลาง",
    }
]


_log = {"file": None, "writer": None, "start": 0.0}


@events.test_start.add_listener
def _reset(environment, **kwargs):
    for name in (ACKNOWLEDGED_FILE, CLUSTERING_FILE, REQUESTS_FILE):
        os.makedirs(os.path.dirname(name) or ".", exist_ok=True)
    open(ACKNOWLEDGED_FILE, "w").close()
    Path(CLUSTERING_FILE).unlink(missing_ok=True)
    # Open for the whole run, closed by _close at test_stop.
    _log["file"] = open(REQUESTS_FILE, "w", newline="", encoding="utf-8")  # noqa: SIM115
    _log["writer"] = csv.writer(_log["file"])
    _log["writer"].writerow(["t", "name", "ms", "status", "failed"])
    _log["start"] = time.time()


@events.request.add_listener
def _record(name, response_time, response, exception, start_time=None, **kwargs):
    # Each request as it ends, so that times can be looked at by minute (the
    # first minute includes loading the model in each server process).
    if _log["writer"] is None:
        return
    _log["writer"].writerow(
        [
            round((start_time or time.time()) - _log["start"], 2),
            name,
            round(response_time, 1),
            getattr(response, "status_code", ""),
            int(exception is not None),
        ]
    )


@events.test_stop.add_listener
def _close(environment, **kwargs):
    # Locust rewrites its CSV once a second and not at the end: let it write
    # once more now that every user has stopped, so that it holds them all.
    gevent.sleep(1.5)
    if _log["file"] is not None:
        _log["file"].close()
        _log["file"] = _log["writer"] = None


class Participant(HttpUser):
    # Typing three fields takes 6-12 s, then a pause: three to five ideas a
    # minute, under the five-a-minute limit per browser, and three hints each.
    weight = 1
    wait_time = between(3, 9)

    @task
    def submit_idea(self):
        page = self.client.get(EVENT_PATH, name="event page")
        csrf = _CSRF.search(page.text)
        hints = _HINTS_URL.search(page.text)
        if not csrf or not hints:
            return
        token = csrf.group(1)
        hints_url = unescape(hints.group(1))
        themes = _THEMES.findall(page.text) or ["not-sure"]
        idea = random.choice(IDEAS)
        marker = uuid.uuid4().hex[:12]
        title = f"{idea['title'][:160]} ทดสอบโหลด {marker}"
        draft = {"title": "", "problem": "", "solution": ""}
        # hints.js sends the three fields as typed after each pause; the
        # participant finishes one field per pause.
        for field in ("title", "problem", "solution"):
            gevent.sleep(random.uniform(*TYPING_SECONDS))
            draft[field] = title if field == "title" else idea.get(field, "")
            self._hints(hints_url, draft, token)
        gevent.sleep(random.uniform(0.5, 1.5))
        with self.client.post(
            EVENT_PATH,
            data={
                "csrfmiddlewaretoken": token,
                **draft,
                "benefit": idea.get("benefit", ""),
                "agencies": idea.get("agencies", ""),
                "team_name": idea.get("team", ""),
                "theme": random.choice(themes),
                "contact_name": "",
                "contact_email": "",
                "contact_phone": "",
                "website": "",
            },
            headers={"Referer": self.host + EVENT_PATH, "Origin": self.host},
            allow_redirects=False,
            name="submit idea",
            catch_response=True,
        ) as response:
            if (
                response.status_code == 302
                and "/track/" in response.headers["Location"]
            ):
                response.success()
                with open(ACKNOWLEDGED_FILE, "a", encoding="utf-8") as acknowledged:
                    acknowledged.write(title + "\n")
                self.client.get(response.headers["Location"], name="tracking page")
            else:
                response.failure(f"status {response.status_code}")

    def _hints(self, url, draft, token):
        # The browser's FormData: multipart, text fields without file names.
        body = {name: (None, value) for name, value in draft.items()}
        body["csrfmiddlewaretoken"] = (None, token)
        with self.client.post(
            url,
            files=body,
            headers={
                "X-Requested-With": "fetch",
                "Origin": self.host,
                "Referer": self.host + EVENT_PATH,
            },
            name="hints",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                response.success()
            else:
                response.failure(f"status {response.status_code}")


class Facilitator(HttpUser):
    fixed_count = 1
    wait_time = between(3, 6)

    def on_start(self):
        self.event_id = None
        self.rounds = 0
        self.poller = None
        page = self.client.get("/admin/login/", name="admin: login page")
        csrf = _CSRF.search(page.text)
        with self.client.post(
            "/admin/login/",
            data={
                "csrfmiddlewaretoken": csrf.group(1) if csrf else "",
                "username": FACILITATOR,
                "password": FACILITATOR_PASSWORD,
                "next": "/admin/",
            },
            headers={"Referer": self.host + "/admin/login/"},
            allow_redirects=False,
            name="admin: login",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login refused: status {response.status_code}")
                return
        self.client.get("/admin/", name="admin: dashboard")
        index = self.client.get("/admin/workbench/", name="workbench: index")
        link = _EVENT_LINK.search(index.text)
        if not link:
            return
        self.event_id = int(link.group(2))
        self._start_clustering()

    def on_stop(self):
        if self.poller is not None:
            self.poller.kill(block=False)

    # The run, once: the clusters screen's form, then its progress.

    def _start_clustering(self):
        clusters = f"/admin/workbench/{self.event_id}/clusters/"
        page = self.client.get(clusters, name="workbench: clusters")
        form = _RUN_FORM.search(page.text)
        csrf = _CSRF.search(page.text)
        if not form or not csrf:
            _write_clustering({"error": "no Run clustering button on the page"})
            return
        started = time.monotonic()
        with self.client.post(
            unescape(form.group(1)),
            data={"csrfmiddlewaretoken": csrf.group(1), "scope": ""},
            headers={"Referer": self.host + clusters},
            allow_redirects=False,
            name="workbench: run clustering",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"status {response.status_code}")
                return
            location = response.headers["Location"]
        page = self.client.get(location, name="workbench: clusters")
        status = _RUN_STATUS.search(page.text)
        if not status:
            # A slow page: the run may have ended before it came back, and the
            # page shows its clusters, not its progress (the database tells).
            _write_clustering(
                {
                    "status": "not running when the clusters page came back",
                    "page_after_s": round(time.monotonic() - started, 1),
                }
            )
            return
        self.poller = gevent.spawn(self._poll, unescape(status.group(1)), started)

    def _poll(self, url, started):
        # A second tab of the same browser: the clusters page left open.
        tab = HttpSession(
            base_url=self.host, request_event=self.environment.events.request, user=self
        )
        tab.cookies.update(self.client.cookies)
        polls = 0
        while True:
            gevent.sleep(POLL_SECONDS)
            response = tab.get(
                url,
                headers={"Accept": "application/json"},
                name="workbench: run status",
            )
            polls += 1
            try:
                run = response.json()
            except ValueError:
                continue
            if run.get("finished"):
                _write_clustering(
                    {
                        "status": run.get("status"),
                        "error": run.get("error"),
                        "seen_finished_after_s": round(time.monotonic() - started, 1),
                        "polls": polls,
                    }
                )
                # workbench.js reloads the page to show the new clusters.
                tab.get(
                    f"/admin/workbench/{self.event_id}/clusters/",
                    name="workbench: clusters",
                )
                return

    # Moderating and reading, in turn.

    @task(3)
    def moderate(self):
        if self.event_id is None:
            return
        self.rounds += 1
        listing = f"/admin/snippets/ideas/idea/?event={self.event_id}&status=submitted"
        page = self.client.get(listing, name="admin: ideas listing")
        ids = _OBJECT_ID.findall(page.text)[:BULK_SIZE]
        if not ids:
            return
        # Mostly accepting; every fourth batch rejected, with the reason the
        # participants will read.
        action = "reject" if self.rounds % 4 == 0 else "accept"
        query = urlencode([("id", pk) for pk in ids] + [("next", listing)])
        confirm = self.client.get(
            f"/admin/bulk/ideas/idea/{action}/?{query}",
            name=f"admin: bulk {action} (confirm)",
        )
        csrf = _CSRF.search(confirm.text)
        form = _FORM_ACTION.search(confirm.text)
        if not csrf or not form:
            return
        data = {"csrfmiddlewaretoken": csrf.group(1)}
        if action == "reject":
            data["reason"] = "ซ้ำกับไอเดียที่มีอยู่แล้ว (ทดสอบโหลด)"
        with self.client.post(
            unescape(form.group(1)),
            data=data,
            headers={"Referer": confirm.url},
            allow_redirects=False,
            name=f"admin: bulk {action}",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"status {response.status_code}")
                return
            location = response.headers["Location"]
        self.client.get(location, name="admin: ideas listing")

    # Each screen as often as the others; together 5 to moderation's 3.
    SCREENS = (
        ("/admin/workbench/{event}/", "workbench: overview"),
        ("/admin/workbench/{event}/clusters/", "workbench: clusters"),
        ("/admin/workbench/{event}/map/", "workbench: map"),
        ("/admin/workbench/{event}/shortlist/", "workbench: shortlist"),
        ("/admin/duplicates/{event}/", "workbench: duplicates"),
    )

    @task(5)
    def open_a_screen(self):
        if self.event_id is not None:
            address, name = random.choice(self.SCREENS)
            self.client.get(address.format(event=self.event_id), name=name)


def _write_clustering(result):
    with open(CLUSTERING_FILE, "w", encoding="utf-8") as out:
        json.dump(result, out)
