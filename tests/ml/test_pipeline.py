"""The one pipeline the workbench, ``evaluate`` and ``bench`` fit."""

import numpy as np
from sklearn.metrics import adjusted_rand_score

from ml.pipeline import UNPLACED, EventPipeline


def test_top_level_follows_the_themes_and_leaves_sit_inside_them(
    default_encoder, dev_set, dev_vectors, themes
):
    texts = list(dev_set["text"])
    pipeline = EventPipeline(encoder=default_encoder).fit(
        dev_vectors, texts=texts, languages=None, themes=themes
    )
    groups = np.array(pipeline.groups_, dtype=object)
    codes = {t["code"] for t in themes}
    assert set(groups) <= codes | {UNPLACED}
    # The suggestions are the mapper's own, abstentions included.
    np.testing.assert_array_equal(
        pipeline.suggestions_, pipeline.mapper_.predict(dev_vectors)
    )
    # No label was given: the model placed every idea it placed.
    assert pipeline.placed_by_model_[groups != UNPLACED].all()
    placed = groups != UNPLACED
    assert adjusted_rand_score(dev_set["label"][placed], groups[placed]) > 0.5
    group_of = dict(
        zip(pipeline.cluster_ids_.tolist(), pipeline.cluster_groups_, strict=True)
    )
    for row, leaf in enumerate(pipeline.labels_):
        assert group_of[int(leaf)] == groups[row]
    # Sub-clusters: more leaves than themes, each named by its central idea.
    assert len(pipeline.cluster_ids_) > len(codes)
    for leaf, row in pipeline.central_.items():
        assert pipeline.described_[leaf]["title"] == texts[row]
        assert pipeline.described_[leaf]["keywords"]
    assert pipeline.coords_.shape == (len(texts), 2)
    assert set(pipeline.timings_) >= {"align", "map", "cluster", "keywords"}


def test_a_theme_a_person_gave_wins_over_the_model(
    default_encoder, dev_set, dev_vectors, themes
):
    texts = list(dev_set["text"])
    given = np.array([""] * len(texts), dtype=object)
    # Every idea put under one theme by hand: the model places none.
    given[:] = themes[0]["code"]
    pipeline = EventPipeline(encoder=default_encoder, project=False).fit(
        dev_vectors, given, texts=texts, themes=themes
    )
    assert set(pipeline.groups_) == {themes[0]["code"]}
    assert not pipeline.placed_by_model_.any()
    assert set(pipeline.cluster_groups_) == {themes[0]["code"]}


def test_without_themes_the_whole_event_is_one_group(lexical, dev_set):
    X = lexical.encode(list(dev_set["text"]))
    pipeline = EventPipeline(encoder=lexical, project=False).fit(
        X, texts=list(dev_set["text"])
    )
    assert pipeline.mapper_ is None and pipeline.suggestions_ is None
    assert set(pipeline.cluster_groups_) == {None}
    assert (pipeline.labels_ >= 0).all()


def test_duplicates_are_found_on_the_vectors_as_compared(
    default_encoder, dev_set, dev_vectors
):
    texts = list(dev_set["text"])
    languages = [
        "th" if any("\u0e00" <= ch <= "\u0e7f" for ch in t) else "en" for t in texts
    ]
    pipeline = EventPipeline(encoder=default_encoder, project=False).fit(
        dev_vectors, texts=texts, languages=languages
    )
    groups = dev_set["dup_group"]
    assert pipeline.duplicate_pairs_
    right = [
        groups[i] != "" and groups[i] == groups[j]
        for i, j, _ in pipeline.duplicate_pairs_
    ]
    assert np.mean(right) > 0.8
    for i, j, similarity in pipeline.duplicate_pairs_:
        assert np.isclose(
            pipeline.vectors_[i] @ pipeline.vectors_[j], similarity, atol=1e-4
        )


def test_empty_texts_stay_out_and_all_in_one_language_works(lexical):
    texts = ["", "ลดขั้นตอนการขออนุญาต", "ลดขั้นตอนการขออนุญาตก่อสร้าง", "จ้างคนเก่ง"]
    X = lexical.encode(texts)
    pipeline = EventPipeline(encoder=lexical).fit(X, texts=texts, languages=["th"] * 4)
    assert pipeline.labels_[0] == -1 and (pipeline.labels_[1:] >= 0).all()
    assert np.isnan(pipeline.similarity_[0])


def test_word_vectors_need_words_shared_by_two_texts():
    from ml.pipeline import word_vectors

    assert word_vectors([["ไฟ"], ["ขยะ"], []]) is None
    tokens = [["ไฟ", "ดับ", "ซอย"], ["ไฟ", "ดับ"], ["ขยะ", "ซอย"], ["ขยะ", "เหม็น"]]
    vectors = word_vectors(tokens)
    assert vectors.shape[0] == 4
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    # Texts sharing words lie closer than texts that share none.
    assert vectors[0] @ vectors[1] > vectors[1] @ vectors[3]


def test_one_theme_with_nine_ideas_in_ten_and_a_theme_too_small_to_split(
    default_encoder, dev_set, dev_vectors, themes
):
    texts = list(dev_set["text"])
    n = len(texts)
    given = np.array([themes[0]["code"]] * n, dtype=object)
    # Two ideas under a second theme: fewer than any theme can split.
    given[:2] = themes[1]["code"]
    pipeline = EventPipeline(encoder=default_encoder, project=False).fit(
        dev_vectors, given, texts=texts, themes=themes
    )
    group_of = dict(
        zip(pipeline.cluster_ids_.tolist(), pipeline.cluster_groups_, strict=True)
    )
    small = {group_of[int(leaf)] for leaf in pipeline.labels_[:2]}
    assert small == {themes[1]["code"]}
    assert len({int(leaf) for leaf in pipeline.labels_[:2]}) == 1
    # The big theme is still split into subjects.
    big = [c for c, g in group_of.items() if g == themes[0]["code"]]
    assert len(big) >= 2
    assert (pipeline.labels_ >= 0).all()
