import numpy as np
import pytest
from sklearn.metrics import f1_score

from ml.themes import ABSTAIN, ThemeError, ThemeMapper, validate_themes


def test_themes_with_missing_field_or_duplicate_code_are_refused(themes):
    broken = [dict(themes[0]), {"code": "x", "description": "no name"}]
    with pytest.raises(ThemeError, match="'name'"):
        validate_themes(broken)
    with pytest.raises(ThemeError, match="duplicate theme code 'services'"):
        validate_themes([themes[0], dict(themes[0])])
    with pytest.raises(ThemeError):
        validate_themes([])


def test_probabilities_cover_every_theme(lexical, themes):
    mapper = ThemeMapper(encoder=lexical).fit(themes=themes)
    proba = mapper.predict_proba(["เปิดเผยข้อมูลภาครัฐ", "hire more nurses"])
    assert proba.shape == (2, len(themes))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(mapper.classes_) == [t["code"] for t in themes]


def test_empty_idea_gets_abstain_not_a_theme(lexical, themes):
    mapper = ThemeMapper(encoder=lexical).fit(themes=themes)
    predicted = mapper.predict(["", "😀"])
    assert list(predicted) == [ABSTAIN, ABSTAIN]
    assert ABSTAIN not in mapper.classes_
    forced = mapper.predict([""], abstain=False)
    assert forced[0] in mapper.classes_


def test_zero_shot_default_finds_most_themes(
    default_encoder, dev_vectors, dev_set, themes
):
    mapper = ThemeMapper(encoder=default_encoder).fit(themes=themes)
    predicted = mapper.predict(dev_vectors, abstain=False)
    score = f1_score(dev_set["label"], predicted, average="macro")
    assert score >= 0.65


def test_unlabelled_ideas_of_the_event_sharpen_zero_shot(
    default_encoder, dev_vectors, dev_set, themes
):
    labels = dev_set["label"]
    plain = ThemeMapper(encoder=default_encoder).fit(themes=themes)
    hidden = np.array([""] * len(labels), dtype=object)
    refined = ThemeMapper(encoder=default_encoder).fit(
        dev_vectors, hidden, themes=themes
    )
    assert len(refined.examples_) == 0
    before = f1_score(
        labels, plain.predict(dev_vectors, abstain=False), average="macro"
    )
    after = f1_score(
        labels, refined.predict(dev_vectors, abstain=False), average="macro"
    )
    assert after > before


def test_labelled_examples_improve_and_calibrate(
    default_encoder, dev_vectors, dev_set, themes
):
    labels = dev_set["label"]
    zero = ThemeMapper(encoder=default_encoder).fit(themes=themes)
    gains, kept_accuracy, forced_accuracy = [], [], []
    # Several draws of eight labelled ideas per theme, as facilitators would
    # confirm them; one draw alone is too noisy to judge calibration by.
    for seed in range(5):
        rng = np.random.default_rng(seed)
        train = np.concatenate(
            [
                rng.choice(np.flatnonzero(labels == t["code"]), 8, replace=False)
                for t in themes
            ]
        )
        test = np.setdiff1d(np.arange(len(labels)), train)
        few = ThemeMapper(encoder=default_encoder)
        few.fit(dev_vectors[train], labels[train], themes=themes)
        assert few.calibrated_ and not zero.calibrated_
        forced = few.predict(dev_vectors[test], abstain=False)
        gains.append(
            f1_score(labels[test], forced, average="macro")
            - f1_score(
                labels[test],
                zero.predict(dev_vectors[test], abstain=False),
                average="macro",
            )
        )
        predicted = few.predict(dev_vectors[test])
        kept = predicted != ABSTAIN
        assert 0 < kept.mean() < 1
        kept_accuracy.append((predicted[kept] == labels[test][kept]).mean())
        forced_accuracy.append((forced == labels[test]).mean())
    assert np.mean(gains) > 0
    # Suggestions it dares to make are right more often than forced ones.
    assert np.mean(kept_accuracy) > np.mean(forced_accuracy)


def test_explain_names_similar_ideas_and_shared_words(lexical, dev_set, themes):
    texts, labels = list(dev_set["text"]), list(dev_set["label"])
    mapper = ThemeMapper(encoder=lexical).fit(texts, labels, themes=themes)
    explanation = mapper.explain("เปิดสอบบรรจุข้าราชการออนไลน์ตลอดทั้งปี")
    assert explanation["nearest"][0]["text"].startswith("เปิด")
    assert set(explanation["probabilities"]) == {t["code"] for t in themes}
    assert "ข้าราชการ" in explanation["keywords"]


def test_fewer_ideas_than_themes_and_one_idea(lexical, themes):
    mapper = ThemeMapper(encoder=lexical).fit(["จ้างคนเก่ง"], ["people"], themes=themes)
    assert not mapper.calibrated_
    assert mapper.predict(["ระบบข้อมูล"]).shape == (1,)


OFF_TOPIC = [
    "I like pizza and watching football",
    "ฉันชอบกินพิซซ่าและดูฟุตบอล",
    "My cat sleeps all day on the sofa",
    "แมวของฉันนอนทั้งวันบนโซฟา",
    "The new album from my favourite band is great",
    "เพลงใหม่ของวงนี้เพราะมาก",
    "hello",
    "สวัสดีครับ",
]


def test_off_topic_text_gets_abstain_while_event_ideas_get_themes(
    default_encoder, dev_vectors, dev_set, themes
):
    labels = dev_set["label"]
    rng = np.random.default_rng(0)
    # New ideas arrive after the mapper was fitted on the event's others.
    new = rng.choice(len(labels), 20, replace=False)
    seen = np.setdiff1d(np.arange(len(labels)), new)
    shown = np.array([""] * len(seen), dtype=object)
    for t in themes:
        rows = np.flatnonzero(labels[seen] == t["code"])
        shown[rng.choice(rows, 5, replace=False)] = t["code"]
    mapper = ThemeMapper(encoder=default_encoder).fit(
        dev_vectors[seen], shown, themes=themes
    )

    off_topic = default_encoder.encode(OFF_TOPIC)
    assert list(mapper.predict(off_topic)) == [ABSTAIN] * len(OFF_TOPIC)
    # The domain check itself catches the plainest small talk, whatever the
    # softmax says.
    assert not mapper.in_domain(off_topic[:2]).any()
    assert mapper.in_domain(dev_vectors[new]).mean() >= 0.9
    assert (mapper.predict(dev_vectors[new]) != ABSTAIN).mean() >= 0.6


def test_domain_check_needs_enough_ideas_to_set_a_floor(lexical, themes):
    mapper = ThemeMapper(encoder=lexical).fit(["จ้างคนเก่ง"] * 5, [""] * 5, themes=themes)
    assert mapper.domain_floor_ is None
    assert mapper.in_domain(["hire talent"]).all()
    off = ThemeMapper(encoder=lexical, domain_quantile=0)
    off.fit(["จ้างคนเก่ง", "ลดเอกสาร"] * 20, [""] * 40, themes=themes)
    assert off.domain_floor_ is None
