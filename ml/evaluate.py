"""Quality evaluation and speed benchmark behind ``python -m ml``."""

import csv
import io
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

__all__ = ["DataError", "bench", "evaluate", "read_ideas"]


class DataError(ValueError):
    """An input file that cannot be used, with the problem named."""


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def read_ideas(path) -> dict:
    """Read an ideas CSV: UTF-8 with a header and a ``text`` column.

    Parameters
    ----------
    path : str or Path
        ``label`` (a theme code; with ``|``-joined tags the first counts) and
        ``dup_group`` columns are optional; others are ignored.

    Returns
    -------
    dict
        ``text``, ``label`` and ``dup_group``: lists of str, one per row
        (empty strings where absent).

    Raises
    ------
    DataError
        When the file is missing, not UTF-8, empty or has no ``text`` column.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path} is not UTF-8 (byte {exc.start}); save it as UTF-8 and retry"
        ) from exc
    csv.field_size_limit(sys.maxsize)
    reader = csv.DictReader(io.StringIO(content, newline=""))
    if not reader.fieldnames:
        raise DataError(f"{path} is empty: it needs a header with a 'text' column")
    fields = [f.strip() for f in reader.fieldnames]
    if "text" not in fields:
        raise DataError(f"{path} has no 'text' column (columns: {', '.join(fields)})")
    reader.fieldnames = fields
    data = {"text": [], "label": [], "dup_group": []}
    try:
        for row in reader:
            data["text"].append(row.get("text") or "")
            label = (row.get("label") or "").strip()
            data["label"].append(label.split("|")[0].strip())
            data["dup_group"].append((row.get("dup_group") or "").strip())
    except csv.Error as exc:
        raise DataError(
            f"{path}: malformed CSV at line {reader.line_num}: {exc}"
        ) from exc
    return data


def _macro_f1(truth, predicted, classes) -> float:
    from sklearn.metrics import f1_score

    return float(
        f1_score(
            truth, predicted, labels=list(classes), average="macro", zero_division=0
        )
    )


def _languages(texts) -> list[str]:
    from ml.text import detect_language

    return [detect_language(text) for text in texts]


# The workbench shows this many keywords per cluster.
_KEYWORDS_SHOWN = 8


def _whole_word_rate(described) -> float | None:
    from ml.text import is_whole_word

    shown = [
        word
        for info in described.values()
        for word in info.get("keywords", [])[:_KEYWORDS_SHOWN]
    ]
    if not shown:
        return None
    return float(np.mean([is_whole_word(word) for word in shown]))


def evaluate(data, themes, *, shots=5, encoder="default", seed=0) -> dict:
    """Measure theme mapping, duplicates and clustering on labelled ideas.

    Every figure comes from :class:`ml.pipeline.EventPipeline`, fitted as
    the workbench fits it: the texts' languages detected, no label given
    (zero-shot, clusters) or K labelled ideas per theme (few-shot).

    Parameters
    ----------
    data : dict
        As returned by :func:`read_ideas`.
    themes : list of dict
        Validated themes.
    shots : int, default=5
        Labelled examples per theme in each few-shot repetition.
    encoder : str, default="default"
    seed : int, default=0

    Returns
    -------
    dict
        The figures of the ``evaluate`` command (see ``docs/evaluation.md``).
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from ml.duplicates import nearest_neighbors
    from ml.encoders import get_encoder
    from ml.pipeline import EventPipeline

    started = time.perf_counter()
    texts = data["text"]
    if not texts:
        raise DataError("the CSV has no rows")
    model = get_encoder(encoder)
    _progress(f"encoding {len(texts)} texts with {model.id}")
    X = model.encode(texts)
    languages = _languages(texts)
    codes = [t["code"] for t in themes]
    labels = np.array(data["label"], dtype=object)
    labelled = np.flatnonzero(np.isin(labels, codes))
    tagged = np.flatnonzero(labels != "")
    ignored = len(tagged) - len(labelled)
    if ignored:
        _progress(
            f"{ignored} rows have a label that is not a theme code: scored only "
            "against the leaves"
        )
    result = {"n": len(texts), "encoder": model.id}

    def pipeline(shown, **params):
        return EventPipeline(encoder=model, random_state=seed, **params).fit(
            X, shown, texts=texts, languages=languages, themes=themes
        )

    # Both settings see every idea's text (as the workbench does) but only
    # the labels they are allowed: none for zero-shot, K per theme few-shot.
    hidden = np.array([""] * len(texts), dtype=object)
    zero = pipeline(hidden)
    result["zero_shot_macro_f1"] = None
    result["few_shot_macro_f1"] = None
    result["shots"] = shots
    result["abstain_rate"] = float(np.mean(zero.suggestions_ == ""))
    if len(labelled):
        y = labels[labelled]
        predicted = zero.mapper_.predict(X[labelled], abstain=False)
        result["zero_shot_macro_f1"] = _macro_f1(y, predicted, codes)
        scores, abstains = [], []
        for rep in range(10):
            rng = np.random.default_rng(seed + rep)
            train = []
            for code in codes:
                rows = labelled[labels[labelled] == code]
                # Keep at least one row of each theme to predict.
                take = min(shots, max(len(rows) - 1, 0))
                train += rng.choice(rows, take, replace=False).tolist()
            test = np.setdiff1d(labelled, train)
            if shots <= 0 or not len(test):
                break
            shown = hidden.copy()
            shown[train] = labels[train]
            mapper = pipeline(shown, duplicate_threshold=0, project=False).mapper_
            scores.append(
                _macro_f1(labels[test], mapper.predict(X[test], abstain=False), codes)
            )
            abstains.append(float(np.mean(mapper.predict(X[test]) == "")))
        if scores:
            result["few_shot_macro_f1"] = float(np.mean(scores))
            result["abstain_rate"] = float(np.mean(abstains))
        _progress("theme mapping done")

    groups = np.array(data["dup_group"], dtype=object)
    in_group = np.flatnonzero(groups != "")
    result["dup_recall_at_1"] = None
    if len(in_group):
        nearest, _ = nearest_neighbors(zero.vectors_, 1)
        hits = [groups[nearest[i, 0]] == groups[i] for i in in_group]
        result["dup_recall_at_1"] = float(np.mean(hits))

    top = np.array(zero.groups_, dtype=object)
    result["cluster_ari"] = result["cluster_nmi"] = result["n_clusters"] = None
    if len(labelled) >= 3:
        y = labels[labelled]
        result["cluster_ari"] = float(adjusted_rand_score(y, top[labelled]))
        result["cluster_nmi"] = float(normalized_mutual_info_score(y, top[labelled]))
    result["n_clusters"] = len(set(top.tolist()))
    leaves = zero.labels_
    result["fine_cluster_ari"] = result["fine_cluster_nmi"] = None
    if len(tagged) >= 3:
        y = labels[tagged]
        result["fine_cluster_ari"] = float(adjusted_rand_score(y, leaves[tagged]))
        result["fine_cluster_nmi"] = float(
            normalized_mutual_info_score(y, leaves[tagged])
        )
    result["fine_n_clusters"] = len(zero.cluster_ids_)
    result["unplaced_rate"] = float(np.mean(top == ""))
    result["keyword_whole_word_rate"] = _whole_word_rate(zero.described_)
    _progress(
        f"clustering done: {result['n_clusters']} top-level groups, "
        f"{result['fine_n_clusters']} leaves"
    )
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


# Enough texts for a 95th percentile that is not the slowest one.
_ONE_IDEA_TEXTS = 50


def _themes_for_bench(data) -> list[dict]:
    counts = Counter(v for v in data["label"] if v)
    top = [code for code, _ in counts.most_common(8)]
    if len(top) >= 2:
        return [{"code": c, "name": c, "description": ""} for c in top]
    import json

    path = Path(__file__).parent / "data" / "hackathon11_themes.json"
    return json.loads(path.read_text(encoding="utf-8"))


def bench(data, *, n=None, encoder="default", seed=0) -> dict:
    """Time each step of the pipeline over the first ``n`` rows.

    When ``n`` exceeds the rows in the file, rows are repeated to reach it
    (reported as ``repeated``). Themes are the file's most frequent labels,
    or the hackathon #11 themes when it has none.

    Returns
    -------
    dict
        Seconds per step, throughput, peak resident memory and the time to
        suggest a theme and similar ideas for one new idea.
    """
    from ml.duplicates import nearest_neighbors
    from ml.encoders import get_encoder
    from ml.pipeline import EventPipeline
    from ml.themes import ThemeMapper

    texts = data["text"]
    if not texts:
        raise DataError("the CSV has no rows")
    n = len(texts) if n is None else n
    if n < 1:
        raise DataError("--n must be at least 1")
    repeated = n > len(texts)
    texts = (texts * (n // len(texts) + 1))[:n]
    result = {"n": n, "encoder": None}
    timings = {}
    total = time.perf_counter()

    start = time.perf_counter()
    model = get_encoder(encoder)
    result["encoder"] = model.id
    result["load_s"] = round(time.perf_counter() - start, 3)

    def step(name, func):
        _progress(f"{name}…")
        begin = time.perf_counter()
        value = func()
        timings[name] = round(time.perf_counter() - begin, 3)
        return value

    def report(done):
        if done % 2048 == 0 or done == n:
            _progress(f"encoded {done}/{n}")

    X = step("encode_s", lambda: model.encode(texts, progress=report))
    # Memory the model and the vectors take, before the steps after encoding.
    result["encode_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    themes = _themes_for_bench(data)
    languages = step("languages_s", lambda: _languages(texts))
    pipeline = EventPipeline(encoder=model, random_state=seed).fit(
        X,
        texts=texts,
        languages=languages,
        themes=themes,
        progress=lambda name: _progress(f"{name}…"),
    )
    for name, seconds in pipeline.timings_.items():
        timings[f"{name}_s"] = seconds
    result.update(timings)
    result["n_top"] = len(set(pipeline.groups_))
    result["n_leaves"] = len(pipeline.cluster_ids_)
    result["total_s"] = round(time.perf_counter() - total, 3)
    result["texts_per_s"] = round(n / max(timings["encode_s"], 1e-9), 1)
    # The suggestion is timed against 10,000 stored ideas, repeating the
    # rows encoded when there are fewer: the search cost depends on the
    # count, not on the content.
    stored = np.resize(X, (10_000, X.shape[1])) if len(X) else X
    # As in the web app, the mapper has seen the stored ideas, so its check
    # for off-topic text is part of the time.
    mapper = ThemeMapper(encoder=model).fit(stored, themes=themes)
    one, cpu = [], []
    timed = texts[:_ONE_IDEA_TEXTS]
    for text in timed:
        begin, begin_cpu = time.perf_counter(), time.process_time()
        vector = model.encode([text])
        mapper.predict(vector)
        nearest_neighbors(stored, 5, queries=vector)
        one.append(time.perf_counter() - begin)
        cpu.append(time.process_time() - begin_cpu)
    result["one_idea_ms"] = round(1000 * float(np.median(one)), 1)
    result["one_idea_p95_ms"] = round(1000 * float(np.percentile(one, 95)), 1)
    # On a shared machine wall time mostly measures the neighbours; the
    # processor time of all this process's threads is what an idle machine
    # would need at most.
    result["one_idea_cpu_ms"] = round(1000 * float(np.median(cpu)), 1)
    result["one_idea_stored"] = len(stored)
    # The model's time grows with the text, so the figure needs its length.
    result["one_idea_chars"] = int(np.median([len(t) for t in timed]))
    result["after_encode_s"] = round(
        sum(v for k, v in timings.items() if k != "encode_s"), 3
    )
    result["peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    result["repeated"] = repeated
    return result
