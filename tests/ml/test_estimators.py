"""Every estimator in ml/ follows scikit-learn's conventions."""

import inspect

import numpy as np
import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError

from ml import encoders
from ml.cluster import LeafClusterer
from ml.duplicates import Duplicates
from ml.pipeline import EventPipeline
from ml.themes import ThemeMapper

# Built with parameters other than the defaults, so that a clone losing one
# shows. None of them loads a model: that waits for fit.
ESTIMATORS = [
    ThemeMapper(encoder="lexical", prior_weight=3.0, random_state=1),
    LeafClusterer(coverage=0.7, min_share=0.02, n_clusters=4, random_state=1),
    EventPipeline(encoder="lexical", coverage=0.7, project=False),
    Duplicates(threshold=0.7, k=5),
    encoders.Encoder(),
    encoders.LexicalEncoder(n_components=32, random_state=1),
    encoders.E5Encoder(),
    encoders.RawE5Encoder(),
    encoders.USEEncoder(),
    encoders.E5USEEncoder(use_weight=0.5),
    encoders.SentenceTransformerEncoder(name_or_path="/nonexistent/model"),
]
ENCODERS = [e for e in ESTIMATORS if isinstance(e, encoders.Encoder)]


def _name(estimator):
    return type(estimator).__name__


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_name)
def test_parameters_are_keyword_only_stored_as_given_and_cloned(estimator):
    assert isinstance(estimator, BaseEstimator)
    init = type(estimator).__init__
    if init is not object.__init__:
        parameters = list(inspect.signature(init).parameters.values())[1:]
        assert all(p.kind is p.KEYWORD_ONLY for p in parameters)
    # The constructor stores its parameters and nothing else.
    assert set(vars(estimator)) == set(estimator.get_params(deep=False))
    copy = clone(estimator)
    assert copy is not estimator
    assert type(copy) is type(estimator)
    assert copy.get_params() == estimator.get_params()


@pytest.mark.parametrize("encoder", ENCODERS, ids=_name)
def test_encoders_refuse_to_encode_before_fit(encoder):
    with pytest.raises(NotFittedError):
        encoder.encode(["ระบบข้อมูลกลาง"])
    with pytest.raises(NotFittedError):
        encoder.id  # noqa: B018
    with pytest.raises(NotFittedError):
        encoder.dim  # noqa: B018


def test_theme_mapper_refuses_to_score_before_fit():
    mapper = ThemeMapper(encoder="lexical")
    for method in (
        mapper.predict,
        mapper.predict_proba,
        mapper.decision_function,
        mapper.in_domain,
        mapper.explain,
    ):
        with pytest.raises(NotFittedError):
            method(["ระบบข้อมูลกลาง"])


def test_a_clone_of_a_fitted_mapper_refits_to_the_same_result(lexical, dev_set, themes):
    texts = list(dev_set["text"][:40])
    labels = list(dev_set["label"][:40])
    mapper = ThemeMapper(encoder=lexical).fit(texts, labels, themes=themes)
    again = clone(mapper)
    assert not hasattr(again, "classes_")
    # The clone holds an unfitted copy of the encoder and fits it on the
    # same reference ideas, so the vectors, and every figure, are the same.
    assert again.fit(texts, labels, themes=themes) is again
    assert again.encoder_ is not lexical and again.encoder_.id == lexical.id
    np.testing.assert_array_equal(
        again.predict_proba(texts), mapper.predict_proba(texts)
    )
    assert again.themes_ == mapper.themes_


def test_fit_returns_self_and_a_clone_finds_the_same(lexical, dev_set):
    X = lexical.encode(list(dev_set["text"]))
    clusterer = LeafClusterer(random_state=0)
    assert clusterer.fit(X) is clusterer
    np.testing.assert_array_equal(clone(clusterer).fit(X).labels_, clusterer.labels_)
    duplicates = Duplicates(threshold=0.6)
    assert duplicates.fit(X) is duplicates
    assert clone(duplicates).fit(X).pairs_ == duplicates.pairs_


def test_lexical_encoder_fits_on_given_texts_or_the_reference_ideas(lexical):
    texts = ["ลดขั้นตอนการขออนุญาต", "One portal for all services"]
    np.testing.assert_array_equal(
        clone(lexical).fit().encode(texts), lexical.encode(texts)
    )
    own = encoders.LexicalEncoder(n_components=2).fit(
        ["ระบบข้อมูลกลาง", "จ้างคนเก่ง", "plant trees", "open data portal"]
    )
    assert own.dim == 2 and own.id != lexical.id
    assert own.encode(texts).shape == (2, 2)


def test_a_refitted_pretrained_encoder_reuses_the_loaded_model(default_encoder):
    # The default's parts were loaded with it, once for the whole run.
    e5, use = default_encoder.parts_
    again = clone(default_encoder).fit()
    assert again.parts_[0] is e5 and again.parts_[1] is use
    assert clone(e5).fit().model_ is e5.model_
    assert clone(use).fit().model_ is use.model_
    assert again.id == default_encoder.id
