"""Time clustering an event of N ideas with the default (offline) model.

Usage: python loadtest/bench_clustering.py [--ideas 2000] [--encoder default]

Builds a throwaway SQLite database under build/, adds one event with N ideas
(the bundled development ideas, varied so that every text differs), embeds
them (timed apart: at an event they are embedded as they arrive), then times
one clustering run and a re-run on the same data, as the worker does them.
Prints the figures and, as the last line, one JSON object.
"""

import argparse
import csv
import hashlib
import json
import os
import random
import resource
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from throwaway import setup_django  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ideas", type=int, default=2000, help="Default: 2000.")
    parser.add_argument(
        "--encoder", default="default", help="ML_ENCODER to use. Default: default."
    )
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def texts(n: int, seed: int) -> list[tuple[str, str]]:
    """N distinct (title, body) pairs made from the development ideas.

    Each body joins an idea with part of another of the same theme, so the
    texts keep the themes' structure without repeating one another.
    """
    with (ROOT / "ml" / "data" / "dev_ideas.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_label: dict[str, list[str]] = {}
    for row in rows:
        by_label.setdefault(row["label"], []).append(row["text"])
    rng = random.Random(seed)
    out = []
    for i in range(n):
        base = rows[i % len(rows)]
        other = rng.choice(by_label[base["label"]])
        words = other.split()
        extra = " ".join(words[: max(3, len(words) // 2)]) if words else other
        out.append((f"{base['text'][:80]} ({i + 1})", f"{base['text']} {extra}"))
    return out


def build_event(n: int, seed: int):
    from wagtail.models import Page

    from cms.models import EventPage
    from ideas.models import Idea

    root = Page.get_first_root_node()
    event = root.add_child(
        instance=EventPage(
            title="Benchmark", slug="bench", start_date=date(2022, 6, 11)
        )
    )
    Idea.objects.bulk_create(
        Idea(
            event=event,
            number=i + 1,
            title=title,
            problem=body,
            solution=body,
            status=Idea.Status.ACCEPTED,
            tracking_token_hash=hashlib.sha256(f"bench-{i}".encode()).hexdigest(),
            fingerprint=hashlib.sha256(body.encode()).hexdigest(),
        )
        for i, (title, body) in enumerate(texts(n, seed))
    )
    return event


def main() -> None:
    args = parse_args()
    setup_django("bench_clustering", encoder=args.encoder)
    from django.conf import settings

    from ideas.models import Idea
    from ideas.services import clusters
    from ideas.services.suggestions import ideas_embed
    from ml.encoders import get_encoder

    event = build_event(args.ideas, args.seed)

    started = time.perf_counter()
    encoder = get_encoder(settings.ML_ENCODER)
    load_s = time.perf_counter() - started

    started = time.perf_counter()
    ideas = list(Idea.objects.filter(event=event).order_by("pk"))
    for i in range(0, len(ideas), 256):
        ideas_embed(ideas=ideas[i : i + 256], encoder=encoder)
    embed_s = time.perf_counter() - started

    figures = {
        "ideas": args.ideas,
        "encoder": encoder.id,
        "model_load_s": round(load_s, 2),
        "embed_s": round(embed_s, 2),
    }
    for name in ("first_run", "rerun"):
        run = clusters.clustering_run_request(event=event, enqueue=False)
        started = time.perf_counter()
        run = clusters.clustering_run_execute(run=run)
        wall = time.perf_counter() - started
        if run.error:
            sys.exit(f"{name} failed: {run.error}")
        figures[f"{name}_s"] = round(wall, 2)
        figures[f"{name}_clusters"] = run.n_clusters
        figures[f"{name}_changed"] = run.changed_assignments
    # ru_maxrss is in kilobytes on Linux.
    figures["peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    figures["cpus"] = os.cpu_count()

    print(f"{args.ideas} ideas, encoder {encoder.id}")
    print(f"  model load        {figures['model_load_s']:8.2f} s")
    print(f"  embedding         {figures['embed_s']:8.2f} s")
    print(
        f"  clustering run    {figures['first_run_s']:8.2f} s, "
        f"{figures['first_run_clusters']} clusters"
    )
    print(
        f"  re-run            {figures['rerun_s']:8.2f} s, "
        f"{figures['rerun_changed']} ideas changed cluster"
    )
    print(f"  peak memory       {figures['peak_rss_mb']:8.1f} MB")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
