import numpy as np
import pytest

from ml.duplicates import Duplicates, nearest_neighbors


def test_blocks_give_the_same_neighbours_as_a_full_matrix(lexical, dev_set):
    X = lexical.encode(list(dev_set["text"][:40]))
    small, small_sims = nearest_neighbors(X, 3, block=7)
    full = X @ X.T
    np.fill_diagonal(full, -np.inf)
    np.testing.assert_array_equal(small[:, 0], full.argmax(axis=1))
    np.testing.assert_allclose(small_sims[:, 0], full.max(axis=1), rtol=1e-5)
    assert (small != np.arange(40)[:, None]).all()


def test_identical_ideas_form_one_group(lexical):
    texts = ["ลดสำเนาเอกสาร"] * 3 + ["hire nurses", "plant trees in Bangkok"]
    found = Duplicates(threshold=0.99).fit(lexical.encode(texts))
    assert found.groups_ == [[0, 1, 2]]
    assert all(i < j for i, j, _ in found.pairs_)


def test_one_idea_or_empty_ideas_have_no_duplicates(lexical):
    assert Duplicates().fit(lexical.encode(["เดียว"])).groups_ == []
    assert Duplicates().fit(lexical.encode(["", ""])).groups_ == []


def test_thai_idea_and_its_english_restatement_are_nearest(dev_vectors, dev_set):
    groups = dev_set["dup_group"]
    nearest, _ = nearest_neighbors(dev_vectors, 1)
    rows = np.flatnonzero(groups != "")
    recall = np.mean([groups[nearest[i, 0]] == groups[i] for i in rows])
    assert recall >= 0.85


def test_past_the_exact_size_cells_find_the_same_duplicates():
    # Ideas on 40 subjects, 30 of them written twice with small changes.
    rng = np.random.default_rng(5)
    subjects = rng.normal(size=(40, 48))
    X = subjects[rng.integers(0, 40, 3000)] + rng.normal(scale=0.8, size=(3000, 48))
    X[-30:] = X[:30] + rng.normal(scale=0.05, size=(30, 48))
    X /= np.linalg.norm(X, axis=1, keepdims=True)

    exact = Duplicates(threshold=0.95).fit(X)
    cells = Duplicates(threshold=0.95, exact_below=500).fit(X)

    planted = {(i, 2970 + i) for i in range(30)}
    assert planted <= {(i, j) for i, j, _ in exact.pairs_}
    # The same pairs; their scores agree to float32 rounding (a matrix product
    # in blocks sums in another order than one in full).
    assert [(i, j) for i, j, _ in cells.pairs_] == [(i, j) for i, j, _ in exact.pairs_]
    assert [s for *_, s in cells.pairs_] == pytest.approx(
        [s for *_, s in exact.pairs_], abs=1e-5
    )
