"""The one path from an event's embeddings to what the workbench stores.

The workbench's clustering run, ``python -m ml evaluate`` and ``python -m ml
bench`` all fit :class:`EventPipeline`, so the figures measured are those of
the product.
"""

import time

import numpy as np
from sklearn.base import BaseEstimator

from ml._linalg import l2_normalize
from ml.cluster import LeafClusterer, center_groups

__all__ = ["UNPLACED", "EventPipeline", "align_languages", "word_vectors"]

#: Group of the ideas no theme holds yet: neither a person nor the model
#: placed them. It is shown as "not yet placed", never as a theme.
UNPLACED = ""


def align_languages(X, languages):
    """An event's vectors with each language's mean moved to the event's.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    languages : sequence of str or None
        Per row; None (or "mixed") rows are not moved.

    Returns
    -------
    ndarray of shape (n, d), float32, L2-normalised
    """
    if languages is None:
        return l2_normalize(np.asarray(X, dtype=np.float32)).astype(np.float32)
    return center_groups(
        X, [lang if lang and lang != "mixed" else None for lang in languages]
    )


def word_vectors(tokens, *, n_components: int = 96, random_state: int = 0):
    """The event's texts as unit vectors of the words they use (TF-IDF, SVD).

    Parameters
    ----------
    tokens : list of list of str
        Each text's words, from :func:`ml.text.tokenize`.
    n_components : int, default=96
    random_state : int, default=0

    Returns
    -------
    ndarray of shape (n, k) or None
        None when fewer than three words occur in two texts or more: there is
        nothing shared to compare.
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer=lambda words: words, sublinear_tf=True, min_df=2
    )
    try:
        matrix = vectorizer.fit_transform(tokens)
    except ValueError:  # no word at all
        return None
    k = min(n_components, matrix.shape[1] - 1, matrix.shape[0] - 1)
    if k < 2:
        return None
    reduced = TruncatedSVD(k, random_state=random_state).fit_transform(matrix)
    return l2_normalize(reduced).astype(np.float32)


class EventPipeline(BaseEstimator):
    """Align, map onto themes, cluster within themes, describe, find duplicates.

    Parameters
    ----------
    encoder : str or Encoder, default="default"
        The encoder the embeddings were made with; the theme mapper embeds
        the theme texts with it.
    coverage : float, default=0.9
        See :class:`ml.cluster.LeafClusterer`.
    min_share : float, default=0.005
        See :class:`ml.cluster.LeafClusterer`.
    word_weight : float, default=0.3
        Weight of the event's words (:func:`word_vectors`) joined to the
        aligned vectors for the sub-clusters only: citizens' complaints of
        one type share their words ("ไฟ", "ขยะ") more than the encoder's
        space shows. 0 clusters on the encoder's vectors alone. Chosen on
        the development and annotated Traffy sets (leaves ARI 0.199 → 0.214
        and 0.302 → 0.312; 0.5 was worse on Traffy).
    placement_quantile : float, default=0.01
        An idea less similar to its nearest ideas of the event than all but
        this share of them is left "not yet placed" instead of put under the
        theme the model finds best. The mapper's own off-topic check (5 %)
        is for suggestions; placing 5 % of an event's ideas nowhere lowered
        the top-level agreement with the themes on the development set
        (ARI 0.613 at 1 %, 0.598 at 5 %).
    n_clusters : int or "auto", default="auto"
        Fixed number of sub-clusters per theme on a first run.
    duplicate_threshold : float or None, default=None
        Similarity at which two ideas are duplicates; None takes the
        encoder's measured ``duplicate_threshold``; 0 skips the step.
    project : bool, default=True
        Compute map coordinates.
    random_state : int, default=0

    Attributes
    ----------
    vectors_ : ndarray of shape (n, d)
        The vectors ideas are compared by: aligned per language within the
        event (clusters, duplicates, map).
    mapper_ : ThemeMapper or None
        Fitted on the encoder's vectors and the themes people gave; None
        without themes.
    suggestions_ : ndarray of str or None
        The mapper's theme per idea, ``""`` where it abstains.
    confidence_ : ndarray of float or None
        Its probability for its best theme.
    groups_ : list
        Top-level group per idea: the theme a person gave it, else the
        model's best theme unless the idea is unlike the event's others
        (``placement_quantile``), else :data:`UNPLACED`; None for every idea
        when there are no themes.
    placed_by_model_ : ndarray of bool
        Whether the model, not a person, chose the idea's group.
    labels_, cluster_ids_, cluster_centers_, cluster_groups_, central_,
    new_clusters_ :
        As fitted by :class:`ml.cluster.LeafClusterer`.
    similarity_ : ndarray of float
        Cosine of each idea to its leaf's centre (NaN when unclustered).
    described_ : dict
        Leaf id → ``{"label", "keywords", "title"}``; the title is the
        text of the leaf's most central idea.
    duplicate_pairs_ : list of tuple (int, int, float)
    coords_ : ndarray of shape (n, 2) or None
    timings_ : dict
        Seconds per step.
    """

    def __init__(
        self,
        *,
        encoder="default",
        coverage=0.9,
        min_share=0.005,
        word_weight=0.3,
        placement_quantile=0.01,
        n_clusters="auto",
        duplicate_threshold=None,
        project=True,
        random_state=0,
    ):
        self.encoder = encoder
        self.coverage = coverage
        self.min_share = min_share
        self.word_weight = word_weight
        self.placement_quantile = placement_quantile
        self.n_clusters = n_clusters
        self.duplicate_threshold = duplicate_threshold
        self.project = project
        self.random_state = random_state

    def fit(
        self,
        X,
        y=None,
        *,
        texts,
        languages=None,
        themes=None,
        ids=None,
        previous=None,
        previous_groups=None,
        pins=None,
        merges=None,
        titles=None,
        progress=None,
    ):
        """Run every step on one event's ideas.

        Parameters
        ----------
        X : ndarray of shape (n, d)
            The encoder's embeddings of the ideas (zero rows: empty texts).
        y : sequence of str, optional
            Theme code a person gave each idea, ``""`` for none.
        texts : sequence of str
            The texts embedded, for keywords.
        languages : sequence of str, optional
            Per idea ("th", "en", "mixed", ...); aligns languages when given.
        themes : list of dict, optional
            The event's themes (``code``, ``name``, ``description``).
        ids, previous, previous_groups, pins, merges :
            The previous run and the facilitators' edits, as for
            :meth:`ml.cluster.LeafClusterer.fit`.
        titles : sequence of str, optional
            A short title per idea to name leaves by; default: ``texts``.
        progress : callable, optional
            ``progress(step)`` before each step, with the step's name.

        Returns
        -------
        self
        """
        X = np.asarray(X, dtype=np.float32)
        n = len(X)
        texts = [str(t or "") for t in texts]
        if len(texts) != n:
            raise ValueError("texts must have one entry per row of X")
        self.timings_ = {}

        def step(name):
            if progress is not None:
                progress(name)
            self._clock = (name, time.perf_counter())

        def done():
            name, start = self._clock
            self.timings_[name] = round(time.perf_counter() - start, 3)

        step("align")
        self.vectors_ = align_languages(X, languages)
        done()

        step("map")
        self._map(X, y, themes)
        done()

        step("words")
        from ml.text import tokenize

        tokens = [tokenize(text) for text in texts]
        clustered = self.vectors_
        words = word_vectors(tokens, random_state=self.random_state)
        if self.word_weight and words is not None:
            clustered = l2_normalize(
                np.hstack([self.vectors_, self.word_weight * words])
            ) * self.vectors_.any(axis=1, keepdims=True)
        done()

        step("cluster")
        leaves = LeafClusterer(
            coverage=self.coverage,
            min_share=self.min_share,
            n_clusters=self.n_clusters,
            random_state=self.random_state,
        ).fit(
            clustered,
            groups=self.groups_,
            ids=ids,
            previous=previous,
            previous_groups=previous_groups,
            pins=pins,
            merges=merges,
        )
        for name in (
            "labels_",
            "cluster_ids_",
            "cluster_groups_",
            "central_",
            "new_clusters_",
        ):
            setattr(self, name, getattr(leaves, name))
        # Centres in the space ideas are compared in (what the workbench
        # stores and measures similarity to), not the one joined with words.
        self.cluster_centers_ = (
            l2_normalize(
                np.stack(
                    [
                        self.vectors_[self.labels_ == c].mean(axis=0)
                        for c in leaves.cluster_ids_
                    ]
                )
            ).astype(np.float32)
            if len(leaves.cluster_ids_)
            else np.zeros((0, X.shape[1]), dtype=np.float32)
        )
        centres = dict(
            zip(self.cluster_ids_.tolist(), self.cluster_centers_, strict=True)
        )
        self.similarity_ = np.array(
            [
                float(self.vectors_[i] @ centres[c]) if c >= 0 else np.nan
                for i, c in enumerate(self.labels_.tolist())
            ]
        )
        done()

        step("keywords")
        from ml.keywords import describe_clusters

        self.described_ = describe_clusters(texts, self.labels_, tokens=tokens)
        titles = texts if titles is None else [str(t or "") for t in titles]
        for leaf, row in self.central_.items():
            self.described_.setdefault(leaf, {"label": "", "keywords": []})
            self.described_[leaf]["title"] = titles[row]
        done()

        self.duplicate_pairs_ = []
        threshold = self._duplicate_threshold()
        if threshold:
            step("duplicates")
            from ml.duplicates import Duplicates

            self.duplicate_pairs_ = (
                Duplicates(threshold=threshold).fit(self.vectors_).pairs_
            )
            done()

        self.coords_ = None
        if self.project:
            step("project")
            from ml.projection import project_2d

            self.coords_ = project_2d(self.vectors_, random_state=self.random_state)
            done()
        return self

    def _duplicate_threshold(self):
        if self.duplicate_threshold is not None:
            return float(self.duplicate_threshold)
        encoder = self.encoder
        if isinstance(encoder, str):
            from ml.encoders import encoder_class

            encoder = encoder_class(encoder)
        return float(getattr(encoder, "duplicate_threshold", 0) or 0)

    def _map(self, X, y, themes):
        n = len(X)
        self.mapper_ = self.suggestions_ = self.confidence_ = None
        self.placed_by_model_ = np.zeros(n, dtype=bool)
        if not themes:
            self.groups_ = [None] * n
            return
        from ml.themes import ABSTAIN, ThemeMapper

        given = np.array(
            [str(v or "") for v in (y if y is not None else [""] * n)], dtype=object
        )
        codes = {t["code"] for t in themes}
        # Mapped on the encoder's own vectors: the event's alignment lowered
        # zero-shot macro-F1 on the development set (0.843 to 0.827).
        self.mapper_ = ThemeMapper(
            encoder=self.encoder, random_state=self.random_state
        ).fit(X, given, themes=themes)
        mapper = self.mapper_
        proba = mapper.predict_proba(X)
        best = mapper.classes_[proba.argmax(axis=1)].astype(object)
        known = X.any(axis=1)
        # Each idea's closeness to its nearest others, once: it decides both
        # the suggestion's off-topic abstention and the placement.
        closeness = (
            mapper.domain_similarity(X) if mapper.domain_floor() is not None else None
        )

        def within(floor):
            return known if floor is None else known & (closeness >= floor)

        self.confidence_ = proba.max(axis=1)
        self.suggestions_ = best.copy()
        unsure = (self.confidence_ < mapper.threshold_) | ~within(mapper.domain_floor())
        self.suggestions_[unsure] = ABSTAIN
        on_topic = within(mapper.domain_floor(self.placement_quantile))
        groups = []
        for i in range(n):
            if given[i] in codes:
                groups.append(given[i])
            elif on_topic[i]:
                groups.append(best[i])
                self.placed_by_model_[i] = True
            else:
                groups.append(UNPLACED)
        self.groups_ = groups
