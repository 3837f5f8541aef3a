import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, homogeneity_score

from ml.cluster import LeafClusterer, center_groups


def _blobs(seed=0, n_centres=4, per=30, dim=32, scale=0.35):
    # Subjects that share nothing (orthogonal centres), ideas scattered
    # around each.
    rng = np.random.default_rng(seed)
    centres = 4 * np.eye(n_centres, dim)
    X = np.vstack([c + rng.normal(scale=scale, size=(per, dim)) for c in centres])
    return X, np.repeat(np.arange(n_centres), per)


@pytest.fixture(scope="module")
def vectors(lexical, dev_set):
    return lexical.encode(list(dev_set["text"]))


def test_the_number_of_leaves_follows_the_data_and_no_leaf_mixes_subjects():
    found = []
    for k in (2, 5, 9):
        X, truth = _blobs(n_centres=k)
        model = LeafClusterer().fit(X)
        # A subject may come in more than one leaf (a merge is one click and
        # is kept), but a leaf never holds two subjects.
        assert homogeneity_score(truth, model.labels_) == pytest.approx(1.0)
        assert model.n_clusters_ >= k
        found.append(model.n_clusters_)
    assert found == sorted(found) and found[0] < found[-1]


def test_a_small_event_of_several_subjects_gets_several_leaves(default_encoder):
    # 24 ideas on four subjects, the size of a small event; a distance
    # threshold fit for short complaints kept them in one cluster.
    import csv
    from pathlib import Path

    chosen = {}
    path = Path(__file__).parents[2] / "ml" / "data" / "dev_ideas.csv"
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            texts = chosen.setdefault(row["label"], [])
            if len(texts) < 6:
                texts.append(row["text"])
    labels = [label for label, texts in chosen.items() for _ in texts]
    texts = [text for group in chosen.values() for text in group]
    model = LeafClusterer().fit(default_encoder.encode(texts))
    assert 3 <= model.n_clusters_ <= 8
    assert adjusted_rand_score(labels, model.labels_) > 0.3


def test_leaves_never_cross_groups_and_each_says_its_group():
    X, truth = _blobs(n_centres=4)
    groups = ["a" if t < 2 else "b" for t in truth]
    # One subject of group "a" is put under "b" by a person.
    groups[:5] = ["b"] * 5
    model = LeafClusterer().fit(X, groups=groups)
    group_of = dict(
        zip(model.cluster_ids_.tolist(), model.cluster_groups_, strict=True)
    )
    for row, leaf in enumerate(model.labels_):
        assert group_of[int(leaf)] == groups[row]


def test_average_linkage_on_micro_clusters_finds_the_same_subjects():
    # Past 1,000 ideas in a group, leaves are joined from micro-clusters.
    X, truth = _blobs(n_centres=6, per=400, scale=0.5)
    model = LeafClusterer().fit(X)
    assert homogeneity_score(truth, model.labels_) == pytest.approx(1.0)
    assert model.n_clusters_ >= 6


def test_rerun_on_same_data_moves_nothing(vectors):
    first = LeafClusterer().fit(vectors)
    again = LeafClusterer().fit(vectors)
    np.testing.assert_array_equal(first.labels_, again.labels_)
    ids = [f"idea-{i}" for i in range(len(vectors))]
    previous = dict(zip(ids, first.labels_.tolist(), strict=True))
    third = LeafClusterer().fit(vectors, ids=ids, previous=previous)
    np.testing.assert_array_equal(first.labels_, third.labels_)
    assert third.new_clusters_ == []


def test_new_ideas_on_a_new_subject_open_a_new_leaf_and_move_no_one():
    X, truth = _blobs(n_centres=3)
    ids = list(range(len(X)))
    first = LeafClusterer().fit(X, ids=ids)
    rng = np.random.default_rng(9)
    subject = 4 * np.eye(X.shape[1])[-1]
    new = subject + rng.normal(scale=0.35, size=(12, X.shape[1]))
    near = X[:3] + rng.normal(scale=0.05, size=(3, X.shape[1]))
    grown = np.vstack([X, new, near])
    previous = dict(zip(ids, first.labels_.tolist(), strict=True))
    second = LeafClusterer().fit(
        grown, ids=[*ids, *range(1000, 1015)], previous=previous
    )
    np.testing.assert_array_equal(second.labels_[: len(X)], first.labels_)
    assert len(second.new_clusters_) == 1
    opened = second.new_clusters_[0]
    assert (second.labels_[len(X) : len(X) + 12] == opened).all()
    # Ideas like the old ones join their leaf rather than a new one.
    assert (second.labels_[-3:] == first.labels_[:3]).all()


def test_pins_and_merges_are_honoured(vectors):
    ids = list(range(len(vectors)))
    first = LeafClusterer(n_clusters=5).fit(vectors, ids=ids)
    previous = dict(zip(ids, first.labels_.tolist(), strict=True))
    a, b = first.cluster_ids_[:2]
    stray = int(np.flatnonzero(~np.isin(first.labels_, [a, b]))[0])
    second = LeafClusterer().fit(
        vectors, ids=ids, previous=previous, pins={stray: int(a)}, merges=[[a, b]]
    )
    assert second.labels_[stray] == a
    assert b not in second.labels_
    assert (second.labels_[np.isin(first.labels_, [a, b])] == a).all()


def test_an_idea_whose_theme_changed_leaves_its_old_leaf():
    X, truth = _blobs(n_centres=2)
    groups = ["a" if t == 0 else "b" for t in truth]
    first = LeafClusterer().fit(X, groups=groups)
    previous = dict(enumerate(first.labels_.tolist()))
    leaf_groups = dict(
        zip(first.cluster_ids_.tolist(), first.cluster_groups_, strict=True)
    )
    groups[0] = "b"
    second = LeafClusterer().fit(
        X, groups=groups, previous=previous, previous_groups=leaf_groups
    )
    assert leaf_groups[int(second.labels_[0])] == "b"
    np.testing.assert_array_equal(second.labels_[1:], first.labels_[1:])


def test_degenerate_inputs(lexical):
    one = LeafClusterer().fit(lexical.encode(["เดียว"]))
    assert one.labels_.tolist() == [0]
    same = LeafClusterer().fit(lexical.encode(["ซ้ำ"] * 6))
    assert same.n_clusters_ == 1
    empty = LeafClusterer().fit(lexical.encode(["", "x y z", "ภาษี"]))
    assert empty.labels_[0] == -1
    assert (empty.labels_[1:] >= 0).all()
    nothing = LeafClusterer().fit(np.zeros((3, 8)))
    assert nothing.n_clusters_ == 0 and (nothing.labels_ == -1).all()


def test_centring_each_language_lets_clusters_follow_the_subject():
    # Two subjects written in two languages, the language offset larger than
    # the subjects' difference: the trap of multilingual encoders.
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
    raw = LeafClusterer(n_clusters=2).fit(X).labels_
    assert adjusted_rand_score(langs, raw) == 1.0  # split by language
    aligned = center_groups(X, langs)
    assert np.allclose(np.linalg.norm(aligned, axis=1), 1.0)
    by_subject = LeafClusterer(n_clusters=2).fit(aligned).labels_
    assert adjusted_rand_score(topics, by_subject) == 1.0


def test_centring_leaves_small_groups_unknown_ones_and_empty_rows_alone():
    X = np.eye(6, dtype=np.float32)
    X[5] = 0
    out = center_groups(X, ["th", "th", "th", "en", None, "th"])
    # Only one group is large enough: nothing to align, rows only normalised.
    assert np.allclose(out[:5], X[:5])
    assert not out[5].any()
    with pytest.raises(ValueError):
        center_groups(X, ["th"])
