"""Calibrate the duplicates queue's threshold: precision and recall per threshold.

Usage: python loadtest/bench_duplicates.py [--encoder default]
                                           [--traffy-types 1000] [--floor 0.3]

Builds a throwaway SQLite database under build/ with one event per labelled
set, embeds its ideas with the worker's service (``ideas_embed_event``) and
asks the queue's own selector (``duplicate_candidates``, the page's code
path: the stored vectors, the per-language alignment within the event, the
same pair search) for every pair from ``--floor`` up. Each pair found is
then judged by the set's labels:

- ``demo``: the 76 ideas of the hackathon #11 demo seed
  (workbench/demo/hackathon11_ideas.json); the seed's ``duplicate_of`` marks
  5 known duplicates; every other pair counts as not a duplicate.
- ``dev``: the development set (ml/data/dev_ideas.csv), rows of one
  ``dup_group`` are duplicates (mostly a Thai idea and its English
  restatement); the encoders' own thresholds were set on it, so it is not
  held out.
- ``traffy``: real Thai citizen reports (the annotated Traffy Fondue file, and
  a sample of the platform-tagged one), read from /work/shared/data/external/
  and never copied. They carry no near-duplicate label: by a documented rule
  two different reports count as not duplicates, and texts equal after
  normalisation (``exact_dup_group``) as duplicates. Some pairs of different
  reports are about the same street or lamp, so its "false" pairs are an
  upper bound; what it measures is how many pairs a facilitator would be
  shown per 100 ideas of real, same-topic complaints.

Prints one table per set and, as the last line, one JSON object.
"""

import argparse
import csv
import hashlib
import json
import random
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from throwaway import setup_django  # noqa: E402

EXTERNAL = Path("/work/shared/data/external")
THRESHOLDS = [round(0.40 + 0.02 * i, 2) for i in range(21)]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--encoder", default="default", help="ML_ENCODER to use. Default: default."
    )
    parser.add_argument(
        "--traffy-types",
        type=int,
        default=1000,
        help="Reports sampled from traffy_th_types.csv (0: none). Default: 1000.",
    )
    parser.add_argument(
        "--floor", type=float, default=0.3, help="Lowest similarity asked for."
    )
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()


def demo_set() -> tuple[list[dict], set[frozenset]]:
    raw = (ROOT / "workbench" / "demo" / "hackathon11_ideas.json").read_text("utf-8")
    ideas = json.loads(raw)["ideas"]
    index = {idea["key"]: i for i, idea in enumerate(ideas)}
    rows = [
        {
            "title": idea["title"],
            "problem": idea["problem"],
            "solution": idea["solution"],
            "benefit": idea.get("benefit", ""),
        }
        for idea in ideas
    ]
    duplicates = {
        frozenset((i, index[idea["duplicate_of"]]))
        for i, idea in enumerate(ideas)
        if idea.get("duplicate_of") in index
    }
    return rows, duplicates


def grouped(texts: list[str], groups: list[str]) -> tuple[list[dict], set[frozenset]]:
    rows = [
        {"title": text, "problem": "", "solution": "", "benefit": ""} for text in texts
    ]
    members: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        if group:
            members.setdefault(group, []).append(i)
    duplicates = {
        frozenset((a, b))
        for rows_of in members.values()
        for a in rows_of
        for b in rows_of
        if a < b
    }
    return rows, duplicates


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def dev_set():
    rows = read_csv(ROOT / "ml" / "data" / "dev_ideas.csv")
    return grouped([r["text"] for r in rows], [r["dup_group"] for r in rows])


def traffy_set(sample: int, seed: int):
    rows = read_csv(EXTERNAL / "traffy_th_annotated.csv")
    texts = [r["text"] for r in rows]
    groups = [f"a{r['exact_dup_group']}" if r["exact_dup_group"] else "" for r in rows]
    if sample:
        typed = read_csv(EXTERNAL / "traffy_th_types.csv")
        random.Random(seed).shuffle(typed)
        for r in typed[:sample]:
            texts.append(r["text"])
            groups.append(f"t{r['exact_dup_group']}" if r["exact_dup_group"] else "")
    return grouped(texts, groups)


def build_event(slug: str, rows: list[dict]):
    from wagtail.models import Site

    from cms.models import EventPage
    from ideas.models import Idea
    from ideas.services._shared import idea_language

    root = Site.objects.get(is_default_site=True).root_page
    event = root.add_child(
        instance=EventPage(title=slug, slug=slug, start_date=date(2022, 6, 11))
    )
    ideas = Idea.objects.bulk_create(
        Idea(
            event=event,
            number=i + 1,
            title=row["title"][:200],
            problem=row["problem"],
            solution=row["solution"],
            benefit=row["benefit"],
            language=idea_language(row),
            status=Idea.Status.ACCEPTED,
            tracking_token_hash=hashlib.sha256(f"{slug}-{i}".encode()).hexdigest(),
            fingerprint=hashlib.sha256(f"{slug}-{i}".encode()).hexdigest(),
        )
        for i, row in enumerate(rows)
    )
    return event, {idea.pk: i for i, idea in enumerate(ideas)}


def measure(name: str, rows, duplicates, floor: float) -> dict:
    from ideas.models import Idea
    from ideas.selectors.duplicates import duplicate_candidates
    from ideas.services.suggestions import ideas_embed_event

    event, row_of = build_event(name, rows)
    ideas_embed_event(event_id=event.pk)
    if len(row_of) != len(rows):
        # bulk_create gave no primary keys: read them back by number.
        row_of = {
            pk: number - 1
            for pk, number in Idea.objects.filter(event=event).values_list(
                "pk", "number"
            )
        }
    queue = duplicate_candidates(event=event, limit=10**9, threshold=floor)
    scored = [
        (similarity, frozenset((row_of[a.pk], row_of[b.pk])) in duplicates)
        for a, b, similarity in queue.pairs
    ]
    table = []
    for threshold in THRESHOLDS:
        shown = [is_dup for similarity, is_dup in scored if similarity >= threshold]
        found = sum(shown)
        table.append(
            {
                "threshold": threshold,
                "pairs": len(shown),
                "true": found,
                "precision": round(found / len(shown), 3) if shown else None,
                "recall": round(found / len(duplicates), 3) if duplicates else None,
                "false_per_100_ideas": round(100 * (len(shown) - found) / len(rows), 2),
            }
        )
    missed = sorted(round(similarity, 3) for similarity, is_dup in scored if is_dup)
    return {
        "set": name,
        "ideas": len(rows),
        "duplicate_pairs": len(duplicates),
        "duplicate_similarities": missed,
        "top_false": sorted(
            (round(s, 3) for s, is_dup in scored if not is_dup), reverse=True
        )[:10],
        "table": table,
    }


def print_table(result: dict) -> None:
    print(
        f"\n{result['set']}: {result['ideas']} ideas, "
        f"{result['duplicate_pairs']} labelled duplicate pairs"
    )
    found = result["duplicate_similarities"]
    print(f"  similarities of the labelled pairs found: {found}")
    print(f"  highest non-duplicate pairs: {result['top_false']}")
    print("  threshold  pairs  true  precision  recall  false/100 ideas")
    for row in result["table"]:
        print(
            f"  {row['threshold']:9.2f}  {row['pairs']:5d}  {row['true']:4d}  "
            f"{row['precision'] if row['precision'] is not None else '-':>9}  "
            f"{row['recall'] if row['recall'] is not None else '-':>6}  "
            f"{row['false_per_100_ideas']:15.2f}"
        )


def main() -> None:
    args = parse_args()
    setup_django("bench_duplicates", encoder=args.encoder)
    from ml.encoders import get_encoder

    encoder = get_encoder(args.encoder)
    sets = [("demo", *demo_set()), ("dev", *dev_set())]
    if (EXTERNAL / "traffy_th_annotated.csv").exists():
        sets.append(("traffy", *traffy_set(args.traffy_types, args.seed)))
    results = [measure(name, rows, dups, args.floor) for name, rows, dups in sets]
    print(f"encoder {encoder.id}, own threshold {encoder.duplicate_threshold}")
    for result in results:
        print_table(result)
    print(json.dumps({"encoder": encoder.id, "results": results}))


if __name__ == "__main__":
    main()
