import numpy as np
import pytest

from ml.cluster import Clusterer


@pytest.fixture(scope="module")
def vectors(lexical, dev_set):
    return lexical.encode(list(dev_set["text"]))


def test_every_idea_with_text_is_clustered_within_bounds(vectors):
    model = Clusterer(k_min=3, k_max=8).fit(vectors)
    assert 3 <= model.n_clusters_ <= 8
    assert (model.labels_ >= 0).all()


def test_rerun_on_same_data_changes_nothing(vectors):
    first = Clusterer().fit(vectors)
    second = Clusterer().fit(vectors)
    np.testing.assert_array_equal(first.labels_, second.labels_)
    ids = [f"idea-{i}" for i in range(len(vectors))]
    previous = dict(zip(ids, first.labels_.tolist(), strict=True))
    third = Clusterer().fit(vectors, ids=ids, previous=previous)
    np.testing.assert_array_equal(first.labels_, third.labels_)


def test_adding_a_few_ideas_moves_few_others(vectors, lexical):
    ids = list(range(len(vectors)))
    first = Clusterer(n_clusters=6).fit(vectors, ids=ids)
    new = lexical.encode(["ย้ายข้าราชการข้ามกระทรวง", "open data on budgets", "ลดขั้นตอน"])
    grown = np.vstack([vectors, new])
    previous = dict(zip(ids, first.labels_.tolist(), strict=True))
    second = Clusterer().fit(grown, ids=[*ids, "a", "b", "c"], previous=previous)
    moved = np.mean(second.labels_[: len(vectors)] != first.labels_)
    assert moved <= 0.1


def test_pins_and_merges_are_honoured(vectors):
    ids = list(range(len(vectors)))
    first = Clusterer(n_clusters=5).fit(vectors, ids=ids)
    previous = dict(zip(ids, first.labels_.tolist(), strict=True))
    a, b = first.cluster_ids_[:2]
    stray = int(np.flatnonzero(first.labels_ != a)[0])
    second = Clusterer().fit(
        vectors, ids=ids, previous=previous, pins={stray: int(a)}, merges=[[a, b]]
    )
    assert second.labels_[stray] == a
    assert b not in second.labels_
    merged = np.isin(first.labels_, [a, b])
    assert (second.labels_[merged] == a).mean() >= 0.8


def test_degenerate_inputs(lexical):
    one = Clusterer().fit(lexical.encode(["เดียว"]))
    assert one.labels_.tolist() == [0]
    same = Clusterer().fit(lexical.encode(["ซ้ำ"] * 6))
    assert same.n_clusters_ == 1
    empty = Clusterer().fit(lexical.encode(["", "x y z", "ภาษี"]))
    assert empty.labels_[0] == -1
    assert (empty.labels_[1:] >= 0).all()


def test_a_rerun_from_the_last_result_moves_nothing_on_overlapping_data():
    # Overlapping groups: k-means stopped at a tolerance leaves ideas that the
    # next run, seeded with its result, would move; a re-run must move none.
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(6, 32))
    X = np.vstack([c + rng.normal(scale=1.6, size=(250, 32)) for c in centres])
    ids = [f"idea-{i}" for i in range(len(X))]
    first = Clusterer(n_clusters=6, random_state=0).fit(X, ids=ids)
    previous = dict(zip(ids, first.labels_.tolist(), strict=True))
    again = Clusterer(random_state=0).fit(X, ids=ids, previous=previous)
    assert (again.labels_ == first.labels_).all()


def test_centring_each_language_lets_clusters_follow_the_subject():
    # Two subjects written in two languages, the language offset larger than
    # the subjects' difference: the trap of multilingual encoders.
    from sklearn.metrics import adjusted_rand_score

    from ml.cluster import center_groups

    rng = np.random.default_rng(0)
    subject = rng.normal(size=(2, 48))
    language = rng.normal(size=48) * 3
    rows, topics, langs = [], [], []
    for t in (0, 1):
        for sign, lang in ((1, "th"), (-1, "en")):
            for _ in range(20):
                rows.append(
                    subject[t] + sign * language + rng.normal(scale=0.3, size=48)
                )
                topics.append(t)
                langs.append(lang)
    X = np.array(rows)
    raw = Clusterer(n_clusters=2, random_state=0).fit(X).labels_
    assert adjusted_rand_score(langs, raw) == 1.0  # split by language
    aligned = center_groups(X, langs)
    assert np.allclose(np.linalg.norm(aligned, axis=1), 1.0)
    by_subject = Clusterer(n_clusters=2, random_state=0).fit(aligned).labels_
    assert adjusted_rand_score(topics, by_subject) == 1.0


def test_centring_leaves_small_groups_unknown_ones_and_empty_rows_alone():
    from ml.cluster import center_groups

    X = np.eye(6, dtype=np.float32)
    X[5] = 0
    out = center_groups(X, ["th", "th", "th", "en", None, "th"])
    # Only one group is large enough: nothing to align, rows only normalised.
    assert np.allclose(out[:5], X[:5])
    assert not out[5].any()
    with pytest.raises(ValueError):
        center_groups(X, ["th"])
