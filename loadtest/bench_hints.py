"""Time the hints a participant sees while typing, at an event of N ideas.

Usage: python loadtest/bench_hints.py [--ideas 2000] [--queries 200]
                                      [--encoder default]

Builds a throwaway SQLite database under build/, adds one event with N
accepted ideas (the bundled development ideas, varied so that every text
differs; most with a confirmed theme), embeds them with the encoder (timed
apart: the worker does it as ideas arrive), then asks for hints with varied
Thai and English drafts: first ``idea_hints`` itself, then the full POST to
the event's hints URL through Django's test client (CSRF, throttle, template,
no network). The first call builds the event's index and is reported apart.
Prints the figures and, as the last line, one JSON object.
"""

import argparse
import csv
import hashlib
import json
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from throwaway import setup_django  # noqa: E402

# Said of an idea's place or people, to vary the bundled ideas into N texts.
_VARIATIONS = [
    "ในจังหวัดเชียงใหม่",
    "สำหรับผู้สูงอายุในชนบท",
    "โดยเริ่มนำร่องที่ขอนแก่น",
    "ร่วมกับองค์กรปกครองส่วนท้องถิ่น",
    "เพื่อคนพิการและผู้ดูแล",
    "for small businesses in Bangkok",
    "starting with a pilot in three provinces",
    "for farmers and rural communities",
    "with local government offices",
    "for young people looking for work",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ideas", type=int, default=2000, help="Default: 2000.")
    parser.add_argument("--queries", type=int, default=200, help="Default: 200.")
    parser.add_argument(
        "--encoder", default="default", help="ML_ENCODER to use. Default: default."
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="Keep the database of an earlier run (same --ideas): skips embedding.",
    )
    return parser.parse_args()


def setup_test_django(encoder: str, *, reuse: bool) -> None:
    # The test client posts as a browser would: no throttle to hit, static
    # files without a collectstatic manifest.
    setup_django("bench_hints", encoder=encoder, reuse=reuse)
    from django.conf import settings
    from django.test import override_settings
    from django.test.utils import setup_test_environment

    override_settings(
        IDEAS_HINTS_RATE="100000/m",
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        },
    ).enable()
    setup_test_environment()


def dev_rows() -> list[dict]:
    with (ROOT / "ml" / "data" / "dev_ideas.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def idea_texts(n: int, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """N distinct (title, problem, solution, theme code) from the dev ideas."""
    rows = dev_rows()
    by_label: dict[str, list[str]] = {}
    for row in rows:
        by_label.setdefault(row["label"], []).append(row["text"])
    out = []
    for i in range(n):
        base = rows[i % len(rows)]
        other = rng.choice(by_label[base["label"]])
        words = other.split()
        extra = " ".join(words[: max(3, len(words) // 2)]) if words else other
        out.append(
            (
                f"{base['text'][:80]} ({i + 1})",
                f"{base['text']} {rng.choice(_VARIATIONS)}",
                extra,
                base["label"],
            )
        )
    return out


def drafts(n: int, rng: random.Random) -> list[dict]:
    """Varied drafts as participants type them: a title, or a title and more."""
    rows = dev_rows()
    out = []
    for _ in range(n):
        text = rng.choice(rows)["text"]
        cut = rng.randint(12, len(text)) if len(text) > 12 else len(text)
        kind = rng.random()
        if kind < 0.3:
            out.append({"title": text[:cut]})
        elif kind < 0.7:
            out.append({"title": text[:60], "problem": text})
        else:
            more = rng.choice(rows)["text"]
            out.append(
                {
                    "title": text[:60],
                    "problem": f"{text} {rng.choice(_VARIATIONS)}",
                    "solution": f"{more} {more}",
                }
            )
    return out


def build_event(n: int, rng: random.Random):
    from wagtail.models import Site

    from cms.models import EventPage
    from ideas.models import Idea, Theme

    root = Site.objects.get(is_default_site=True).root_page
    event = root.add_child(
        instance=EventPage(
            title="Benchmark",
            slug="bench",
            start_date=date(2022, 6, 11),
            submissions_open=True,
        )
    )
    themes = {}
    raw = (ROOT / "ml" / "data" / "hackathon11_themes.json").read_text("utf-8")
    for position, theme in enumerate(json.loads(raw)):
        name_th, _sep, name_en = theme["name"].partition(" / ")
        description_th, _sep, description_en = theme["description"].partition("\n")
        themes[theme["code"]] = Theme.objects.create(
            event=event,
            sort_order=position,
            code=theme["code"],
            name_th=name_th,
            name_en=name_en or name_th,
            description_th=description_th,
            description_en=description_en,
        )
    Idea.objects.bulk_create(
        Idea(
            event=event,
            number=i + 1,
            title=title,
            problem=problem,
            solution=solution,
            status=Idea.Status.ACCEPTED,
            # Most accepted ideas have a theme a person confirmed.
            theme=themes[code] if rng.random() < 0.7 else None,
            tracking_token_hash=hashlib.sha256(f"bench-{i}".encode()).hexdigest(),
            fingerprint=hashlib.sha256(problem.encode()).hexdigest(),
        )
        for i, (title, problem, solution, code) in enumerate(idea_texts(n, rng))
    )
    return event


def percentiles(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
        "max_ms": round(ordered[-1], 1),
    }


def main() -> None:
    args = parse_args()
    setup_test_django(args.encoder, reuse=args.reuse_db)
    from django.conf import settings
    from django.test import Client

    from cms.models import EventPage
    from ideas.selectors.hints import hint_text, hints_forget, idea_hints
    from ideas.services.suggestions import ideas_embed_event
    from ml.encoders import get_encoder

    rng = random.Random(args.seed)
    event = EventPage.objects.filter(slug="bench").first()
    if event is None:
        event = build_event(args.ideas, rng)
    else:
        idea_texts(args.ideas, rng)  # the same drafts as a fresh run
    queries = drafts(args.queries, rng)

    started = time.perf_counter()
    encoder = get_encoder(settings.ML_ENCODER)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    ideas_embed_event(event_id=event.pk)
    embed_s = time.perf_counter() - started

    texts = [hint_text(**query) for query in queries]
    hints_forget()
    started = time.perf_counter()
    idea_hints(event=event, text=texts[0])
    build_ms = (time.perf_counter() - started) * 1000
    encode_ms, direct_ms, shown, themed = [], [], 0, 0
    for text in texts:
        # Interleaved, so that a busy machine slows both alike.
        started = time.perf_counter()
        encoder.encode([text])
        encode_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        found = idea_hints(event=event, text=text)
        direct_ms.append((time.perf_counter() - started) * 1000)
        shown += len(found.similar)
        themed += found.theme is not None

    # A facilitator accepts one more idea: the next request rebuilds the
    # matrix (the theme mapper, fitted under a minute ago, is kept).
    from ideas.models import Idea

    newcomer = Idea.objects.filter(event=event).order_by("-number").first()
    newcomer.pk, newcomer.number = None, newcomer.number + 1
    newcomer.tracking_token_hash = hashlib.sha256(
        f"bench-new-{newcomer.number}".encode()
    ).hexdigest()
    newcomer.title = f"{newcomer.title} (new)"
    newcomer.save()
    ideas_embed_event(event_id=event.pk)
    started = time.perf_counter()
    idea_hints(event=event, text=texts[1])
    rebuild_ms = (time.perf_counter() - started) * 1000

    client = Client()
    client.get(event.url)  # the form page sets the CSRF cookie
    post_ms = []
    for query in queries:
        started = time.perf_counter()
        response = client.post(event.hints_url, query)
        post_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code

    figures = {
        "ideas": args.ideas,
        "queries": args.queries,
        "encoder": encoder.id,
        "model_load_s": round(load_s, 2),
        "embed_s": round(embed_s, 2),
        "index_build_ms": round(build_ms, 1),
        "index_rebuild_ms": round(rebuild_ms, 1),
        "encode": percentiles(encode_ms),
        "idea_hints": percentiles(direct_ms),
        "post": percentiles(post_ms),
        "similar_per_query": round(shown / len(texts), 2),
        "with_theme": round(themed / len(texts), 2),
        "query_chars_p50": int(statistics.median(len(t) for t in texts)),
        "cpus": os.cpu_count(),
    }
    print(f"{args.ideas} ideas, {args.queries} drafts, encoder {encoder.id}")
    print(f"  model load        {figures['model_load_s']:8.2f} s")
    print(f"  embedding         {figures['embed_s']:8.2f} s")
    print(f"  index build       {figures['index_build_ms']:8.1f} ms (first request)")
    print(f"  index rebuild     {figures['index_rebuild_ms']:8.1f} ms (one idea more)")
    for name in ("encode", "idea_hints", "post"):
        f = figures[name]
        print(
            f"  {name:<16}  p50 {f['p50_ms']:6.1f}  p95 {f['p95_ms']:6.1f}  "
            f"max {f['max_ms']:6.1f} ms"
        )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
