"""Cluster ideas, keeping cluster identity across re-runs and honouring edits."""

import numpy as np
from sklearn.base import BaseEstimator

from ml._linalg import l2_normalize

__all__ = ["Clusterer", "center_groups"]

# Above this many ideas the number of clusters is chosen on a random sample:
# silhouette costs n squared, and the best k of a large sample is the best k.
_SAMPLE = 3000


def center_groups(X, groups, *, min_size: int = 3):
    """Remove what sets each group of rows apart as a whole, then re-normalise.

    Multilingual encoders place a Thai text and its English restatement
    apart by language before topic, so clustering an event's ideas splits
    them into a Thai and an English cluster of the same subject. Moving each
    language's ideas so that their mean is the event's mean keeps what
    differs within a language (the topic) and drops what differs between
    them. The encoder's own centring uses fixed reference means; this uses
    the event's, which match its mix of subjects.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    groups : sequence of hashable, length n
        E.g. each idea's language. Rows whose group is None are left as
        they are, as are groups smaller than ``min_size``.
    min_size : int, default=3

    Returns
    -------
    ndarray of shape (n, d), float32
        L2-normalised; zero rows stay zero. When fewer than two groups are
        large enough there is nothing to align and ``X`` is only normalised.
    """
    X = np.asarray(X, dtype=np.float32)
    groups = np.asarray(list(groups), dtype=object)
    if len(groups) != len(X):
        raise ValueError("groups must have one entry per row of X")
    nonzero = X.any(axis=1)
    names = [
        g
        for g in dict.fromkeys(groups.tolist())
        if g is not None and ((groups == g) & nonzero).sum() >= min_size
    ]
    Y = X.copy()
    if len(names) >= 2:
        overall = X[nonzero].mean(axis=0)
        for name in names:
            rows = (groups == name) & nonzero
            Y[rows] = X[rows] - X[rows].mean(axis=0) + overall
    Y[~nonzero] = 0
    return l2_normalize(Y).astype(np.float32)


class Clusterer(BaseEstimator):
    """Spherical k-means with the number of clusters chosen by silhouette.

    Every idea with text gets a cluster (k-means has no noise bucket); only
    empty texts, whose embedding is a zero row, are left unclustered (-1).
    Given a previous run, the previous clusters seed this one, keep their
    ids (matched by shared members), and the facilitators' merges and pins
    win over the model.

    Parameters
    ----------
    n_clusters : int or "auto", default="auto"
        Fixed k, or the first peak of the mean cosine silhouette of k-means
        between ``k_min`` and ``k_max`` (both clamped to what the data
        allows). With a previous run, "auto" keeps its number of clusters.
    k_min : int, default=3
    k_max : int, default=20
    random_state : int, default=0
        Seed of k-means and of the sample on which k is chosen.

    Attributes
    ----------
    labels_ : ndarray of int, shape (n,)
        Cluster id per idea, -1 when unclustered.
    cluster_ids_ : ndarray of int
        Ids of the clusters, aligned with ``cluster_centers_``.
    cluster_centers_ : ndarray of shape (k, d)
    n_clusters_ : int
    silhouette_ : dict
        k → mean silhouette, for the ks tried ("auto" only).
    """

    def __init__(self, *, n_clusters="auto", k_min=3, k_max=20, random_state=0):
        self.n_clusters = n_clusters
        self.k_min = k_min
        self.k_max = k_max
        self.random_state = random_state

    def _choose_k(self, X):
        from sklearn.cluster import KMeans
        from sklearn.metrics import silhouette_score

        rng = np.random.default_rng(self.random_state)
        sample = X if len(X) <= _SAMPLE else X[rng.choice(len(X), _SAMPLE, False)]
        distinct = len(np.unique(sample.round(5), axis=0))
        high = min(self.k_max, distinct - 1, len(sample) - 1)
        low = min(max(2, self.k_min), high)
        self.silhouette_ = {}
        if high < 2:
            return max(1, min(distinct, len(X)))
        for k in range(low, high + 1):
            labels = KMeans(k, n_init=3, random_state=self.random_state).fit_predict(
                sample
            )
            if len(set(labels)) < 2:
                continue
            self.silhouette_[k] = float(
                silhouette_score(sample, labels, metric="cosine")
            )
        if not self.silhouette_:
            return 1
        # The global silhouette maximum drifts to the upper bound on small,
        # noisy sets of ideas (many tiny clusters); the first peak from the
        # lower bound matched the themes better on our development set and on
        # real complaint texts (docs/evaluation.md).
        tried = sorted(self.silhouette_)
        for k, following in zip(tried, tried[1:], strict=False):
            if self.silhouette_[k] >= self.silhouette_[following]:
                return k
        return tried[-1]

    def fit(self, X, y=None, *, ids=None, previous=None, pins=None, merges=None):
        """Cluster the rows of ``X``.

        Parameters
        ----------
        X : ndarray of shape (n, d)
            Embeddings; zero rows are left unclustered.
        y : ignored
        ids : sequence of hashable, optional
            Stable idea ids (default: row numbers); ``previous`` and ``pins``
            refer to them.
        previous : dict, optional
            id → cluster id from the previous run.
        pins : dict, optional
            id → cluster id that a facilitator fixed; always honoured.
        merges : list of list of int, optional
            Groups of previous cluster ids merged by a facilitator; each group
            becomes its first id.

        Returns
        -------
        self
        """
        from sklearn.cluster import KMeans

        X = l2_normalize(np.asarray(X, dtype=np.float32))
        n = len(X)
        ids = list(range(n)) if ids is None else list(ids)
        if len(ids) != n:
            raise ValueError("ids must have one entry per row of X")
        position = {idea: i for i, idea in enumerate(ids)}
        pins = {k: int(v) for k, v in (pins or {}).items() if k in position}
        rename = {}
        for group in merges or []:
            group = [int(g) for g in group]
            for g in group[1:]:
                rename[g] = group[0]
        previous = {
            k: rename.get(int(v), int(v))
            for k, v in (previous or {}).items()
            if k in position and int(v) >= 0
        }
        previous.update({k: rename.get(v, v) for k, v in pins.items()})

        valid = np.flatnonzero(X.any(axis=1))
        self.labels_ = np.full(n, -1, dtype=np.int64)
        self.silhouette_ = {}
        if len(valid) == 0:
            self.cluster_ids_ = np.array([], dtype=np.int64)
            self.cluster_centers_ = np.zeros((0, X.shape[1]), dtype=np.float32)
            self.n_clusters_ = 0
            return self
        Xv = X[valid]
        distinct = len(np.unique(Xv.round(5), axis=0))

        old_ids = sorted(set(previous.values()))
        init = None
        if self.n_clusters != "auto":
            k = int(self.n_clusters)
        elif old_ids:
            k = len(old_ids)
        else:
            k = self._choose_k(Xv)
        if old_ids and k == len(old_ids):
            # Seeding with the previous clusters' centres, recomputed on the
            # current vectors, keeps a re-run close to the last one. The
            # plain means, as k-means keeps them: normalised centres would
            # draw the borders elsewhere and move ideas on unchanged data.
            centers = []
            for cid in old_ids:
                rows = [position[i] for i, c in previous.items() if c == cid]
                centers.append(X[rows].mean(axis=0))
            init = np.stack(centers)
        k = max(1, min(k, distinct, len(valid)))
        if init is not None and len(init) != k:
            init = None
        # tol=0 runs k-means until no idea changes cluster: a result that
        # stopped short would move ideas again when the next run starts from
        # it, and a re-run on unchanged data must move none.
        model = KMeans(
            k,
            init=init if init is not None else "k-means++",
            n_init=1 if init is not None else 4,
            tol=0.0,
            max_iter=1000,
            random_state=self.random_state,
        ).fit(Xv)
        raw = model.labels_
        mapping = self._match(raw, valid, ids, previous, k)
        self.labels_[valid] = [mapping[r] for r in raw]
        for idea, cid in pins.items():
            self.labels_[position[idea]] = rename.get(cid, cid)

        self.cluster_ids_ = np.array(
            sorted(set(self.labels_[self.labels_ >= 0].tolist())), dtype=np.int64
        )
        self.cluster_centers_ = np.stack(
            [
                l2_normalize(X[self.labels_ == c].mean(axis=0, keepdims=True))[0]
                for c in self.cluster_ids_
            ]
        ).astype(np.float32)
        self.n_clusters_ = len(self.cluster_ids_)
        return self

    def _match(self, raw, valid, ids, previous, k):
        """Map k-means' arbitrary cluster numbers to stable ids."""
        sizes = np.bincount(raw, minlength=k)
        if not previous:
            # First run: number clusters by size, so that the same data gives
            # the same ids whatever k-means' internal order.
            order = sorted(range(k), key=lambda c: (-sizes[c], c))
            return {c: rank for rank, c in enumerate(order)}
        from scipy.optimize import linear_sum_assignment

        old_ids = sorted(set(previous.values()))
        overlap = np.zeros((k, len(old_ids)))
        column = {cid: j for j, cid in enumerate(old_ids)}
        for r, row in zip(raw, valid, strict=True):
            old = previous.get(ids[row])
            if old is not None:
                overlap[r, column[old]] += 1
        rows, cols = linear_sum_assignment(-overlap)
        mapping = {
            int(r): old_ids[c] for r, c in zip(rows, cols, strict=True) if overlap[r, c]
        }
        next_id = max(old_ids) + 1
        for c in sorted(range(k), key=lambda c: (-sizes[c], c)):
            if c not in mapping:
                mapping[c] = next_id
                next_id += 1
        return mapping
