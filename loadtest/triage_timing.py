"""Time the triage screen on the demo: seconds per decision and keys per decision.

Usage: DATABASE_URL=sqlite:////tmp/triage.sqlite3 \\
       .venv/bin/python loadtest/triage_timing.py [--reseed] [--decisions 27]

Seeds the demo (hackathon #11) into the database named by DATABASE_URL when
it has no demo event yet (or with --reseed; never point it at a database you
keep), starts ``manage.py runserver`` on 127.0.0.1, logs in as the demo
facilitator in Chromium (Thai, 1280×900) and moderates the submitted queue
with the keyboard only: most ideas accepted (``a``), every fifth rejected
with a reason (``r``, the reason, Ctrl+Enter), every third given a theme
first (a digit, then ``a``).

A decision's latency is the UI's own: from the key press that sends it to the
next idea's page being shown (its DOM ready), summed over the presses that
send something (a theme and then accept are two). Typing a reason is the
facilitator's time, not the screen's; its keys are counted apart. Prints one
line per decision, then a JSON summary as the last line.
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
USERNAME, PASSWORD = "facilitator", "demo-facilitator-2565"
REASON = "นอกประเด็นของกิจกรรม"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decisions", type=int, default=0, help="Default: all.")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--headed", action="store_true")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args, env):
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)


def demo_event_id(env) -> int | None:
    code = (
        "from cms.models import EventPage;"
        "e=EventPage.objects.filter(slug='hackathon-11').first();"
        "print(e.pk if e else '')"
    )
    out = subprocess.run(
        [str(PYTHON), "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    last = out.splitlines()[-1] if out else ""
    return int(last) if last.isdigit() else None


def wait_for(url: str, seconds: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback only)
            return
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


# The new page's own account of its loading, from the moment the decision was
# sent (a POST answered by a redirect counts from the POST): when the server's
# answer had arrived, when the idea was first painted, when the page was ready.
TIMING = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {server: nav.responseEnd, paint: paint ? paint.startTime : null,
          ready: nav.domContentLoadedEventEnd};
}"""
PHASES = ("server", "paint", "ready")


def press_and_wait(page, key: str, phases: dict) -> float:
    """Seconds from pressing ``key`` to the page it sends being shown."""
    with page.expect_navigation(wait_until="domcontentloaded"):
        started = time.perf_counter()
        page.keyboard.press(key)
    page.wait_for_selector("[data-triage-heading]")
    seconds = time.perf_counter() - started
    for name, value in page.evaluate(TIMING).items():
        if value is not None:
            phases[name] = phases.get(name, 0.0) + value / 1000
    return seconds


def shown(page) -> int | None:
    node = page.query_selector("[data-idea-number]")
    return int(node.get_attribute("data-idea-number")) if node else None


def main() -> int:
    args = parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:////tmp/triage.sqlite3"),
        "DJANGO_DEBUG": "true",
        "DJANGO_SSL_REDIRECT": "false",
    }
    if args.reseed and env["DATABASE_URL"].startswith("sqlite:///"):
        Path(env["DATABASE_URL"][len("sqlite:///") :]).unlink(missing_ok=True)
    manage("migrate", "--noinput", "-v0", env=env)
    event_id = demo_event_id(env)
    if event_id is None:
        manage("seed_demo", env=env)
        event_id = demo_event_id(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(PYTHON), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(base + "/admin/login/")
        return drive(base, event_id, args)
    finally:
        server.terminate()
        server.wait(timeout=10)


def drive(base: str, event_id: int, args) -> int:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    latencies, command_keys, typed_keys, kinds = [], [], [], []
    phases_seen = {name: [] for name in PHASES}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS, headless=not args.headed
        )
        context = browser.new_context(
            locale="th-TH", viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        page.goto(base + "/admin/login/")
        page.fill("#id_username", USERNAME)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(base + "/admin/")
        # The first load warms the server's caches; it is not a decision.
        page.goto(f"{base}/admin/workbench/{event_id}/triage/")
        page.wait_for_selector("[data-triage-heading]")
        count = 0
        while shown(page) is not None:
            if args.decisions and count >= args.decisions:
                break
            number = shown(page)
            seconds, keys, typed, phases = 0.0, 0, 0, {}
            if count % 5 == 4:
                kind = "reject"
                page.keyboard.press("r")
                page.keyboard.type(REASON)
                seconds += press_and_wait(page, "Control+Enter", phases)
                keys, typed = 2, len(REASON)
            else:
                kind = "accept"
                if count % 3 == 0:
                    kind = "theme+accept"
                    seconds += press_and_wait(page, "3", phases)
                    keys += 1
                seconds += press_and_wait(page, "a", phases)
                keys += 1
            count += 1
            latencies.append(seconds)
            command_keys.append(keys)
            typed_keys.append(typed)
            kinds.append(kind)
            for name in PHASES:
                if name in phases:
                    phases_seen[name].append(phases[name])
            print(
                f"#{number}\t{kind}\t{seconds:.3f} s\t{keys} keys\t"
                + "\t".join(f"{k} {v:.3f}" for k, v in phases.items())
            )
        context.close()
        browser.close()
    if not latencies:
        print("the queue was empty: run with --reseed", file=sys.stderr)
        return 1
    summary = {
        "decisions": len(latencies),
        "median_s": round(statistics.median(latencies), 3),
        "p90_s": round(sorted(latencies)[int(0.9 * (len(latencies) - 1))], 3),
        "max_s": round(max(latencies), 3),
        # The same decisions as the new page tells them: answer received,
        # first paint of the next idea, page ready (medians, seconds).
        **{
            f"median_{name}_s": round(statistics.median(values), 3)
            for name, values in phases_seen.items()
            if values
        },
        "keys_per_decision": round(statistics.mean(command_keys), 2),
        "typed_keys_per_rejection": (max(typed_keys) if any(typed_keys) else 0),
        "by_kind": {
            kind: kinds.count(kind) for kind in ("accept", "theme+accept", "reject")
        },
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
