"""Participants submitting ideas at an event, against 127.0.0.1 only.

Run with loadtest/run.sh, which starts and checks everything; each simulated
participant has its own browser session, fetches the event page, submits an
idea and opens the tracking page. Every acknowledged submission (a redirect to
a tracking page) is written to ACKNOWLEDGED_FILE so a script can check
afterwards that each one is in the database.
"""

import os
import re
import uuid

from locust import HttpUser, between, events, task

EVENT_PATH = os.environ.get("EVENT_PATH", "/events/hackathon-11/")
ACKNOWLEDGED_FILE = os.environ.get(
    "ACKNOWLEDGED_FILE", "build/loadtest/acknowledged.txt"
)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.test_start.add_listener
def _reset(environment, **kwargs):
    os.makedirs(os.path.dirname(ACKNOWLEDGED_FILE), exist_ok=True)
    open(ACKNOWLEDGED_FILE, "w").close()


class Participant(HttpUser):
    # A participant thinks between ideas: three to five a minute, under the
    # five-a-minute limit per browser.
    wait_time = between(12, 18)

    @task
    def submit_idea(self):
        page = self.client.get(EVENT_PATH, name="event page")
        match = _CSRF.search(page.text)
        if not match:
            return
        marker = uuid.uuid4().hex[:12]
        title = f"ไอเดียทดสอบโหลด {marker}"
        with self.client.post(
            EVENT_PATH,
            data={
                "csrfmiddlewaretoken": match.group(1),
                "title": title,
                "problem": "ประชาชนต้องยื่นเอกสารซ้ำหลายหน่วยงาน",
                "solution": "เชื่อมข้อมูลระหว่างหน่วยงานผ่านระบบกลาง",
                "theme": "not-sure",
            },
            headers={"Referer": self.host + EVENT_PATH},
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
