"""Sub-clusters of an event's ideas within each theme, stable across re-runs."""

import math

import numpy as np
from sklearn.base import BaseEstimator

from ml._linalg import kmeans_cells, l2_normalize

__all__ = ["LeafClusterer", "center_groups"]

# Above this many ideas in one group, average linkage runs on k-means
# micro-clusters instead of single ideas: its cost grows with the square of
# what it joins, and the leaves it keeps are far larger than a micro-cluster.
_EXACT = 1000
_MICRO = 400


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


def _linkage(means, weights) -> list[tuple[int, int, float]]:
    """Average-linkage merges of the units, in order: (kept, absorbed, distance).

    ``means`` are the units' unnormalised means of unit vectors: the mean
    cosine distance between the members of two units is then exactly
    ``1 - means[a] @ means[b]``, and the mean of a union is the weighted
    mean of the two, so joining micro-clusters is the same average linkage
    as joining their ideas one by one.
    """
    m = len(means)
    M = np.array(means, dtype=np.float64)
    w = np.array(weights, dtype=np.float64)
    S = M @ M.T
    np.fill_diagonal(S, -np.inf)
    alive = np.ones(m, dtype=bool)
    best = S.argmax(axis=1) if m else np.zeros(0, dtype=np.int64)
    value = S[np.arange(m), best]
    merges = []
    for _ in range(m - 1):
        a = int(np.argmax(np.where(alive, value, -np.inf)))
        b = int(best[a])
        merges.append((a, b, float(1 - value[a])))
        M[a] = (w[a] * M[a] + w[b] * M[b]) / (w[a] + w[b])
        w[a] += w[b]
        alive[b] = False
        row = M @ M[a]
        row[~alive] = -np.inf
        row[a] = -np.inf
        S[a], S[:, a] = row, row
        S[b], S[:, b] = -np.inf, -np.inf
        value[b] = -np.inf
        stale = alive & ((best == a) | (best == b))
        stale[a] = True
        for r in np.flatnonzero(stale):
            best[r] = int(S[r].argmax())
            value[r] = S[r, best[r]]
        better = alive & (row > value)
        best[better], value[better] = a, row[better]
    return merges


def _cut(m: int, merges, steps: int) -> np.ndarray:
    """A label per unit after the first ``steps`` merges."""
    parent = np.arange(m)
    for a, b, _ in merges[:steps]:
        parent[b] = a
    roots = parent.copy()
    while True:
        up = parent[roots]
        if np.array_equal(up, roots):
            break
        roots = up
    return np.unique(roots, return_inverse=True)[1]


def _richest_cut(merges, weights, *, minimum: float, coverage: float) -> int:
    """The number of merges after which most leaves reach the minimum size.

    Among the cuts where leaves of at least ``minimum`` ideas hold at least
    ``coverage`` of the ideas, the one with the most such leaves (the most
    covered on a tie). Finer cuts scatter ideas in leaves too small to keep;
    coarser ones lump subjects together.
    """
    size = np.array(weights, dtype=np.float64)
    total = size.sum()
    big = int((size >= minimum).sum())
    covered = float(size[size >= minimum].sum())
    best = (big if covered >= coverage * total else -1, covered, 0)
    for step, (a, b, _) in enumerate(merges, start=1):
        for unit in (a, b):
            if size[unit] >= minimum:
                big -= 1
                covered -= size[unit]
        size[a] += size[b]
        size[b] = 0
        if size[a] >= minimum:
            big += 1
            covered += size[a]
        if covered >= coverage * total and (big, covered) > best[:2]:
            best = (big, covered, step)
    return best[2]


class LeafClusterer(BaseEstimator):
    """Average-linkage sub-clusters within groups, kept across re-runs.

    Each group (an event's theme, or the whole event) is split into leaves
    of ideas on one subject. Average linkage on cosine distance joins the
    ideas (or, in a large group, k-means micro-clusters of them) one pair
    at a time; the tree is cut where it has the most leaves of at least the
    minimum size while those leaves hold ``coverage`` of the ideas, and the
    ideas of smaller leaves join the leaf nearest them. No distance
    threshold is set: the distances of an encoder differ with the length
    of the texts, and a threshold right for short complaints kept a
    24-idea event of four subjects in one cluster.

    Given a previous run, an idea whose leaf still belongs to its group
    stays there: a re-run on unchanged data moves no idea. A new idea joins
    the leaf it is as close to as nine in ten of the leaf's own ideas are;
    those that fit no leaf are clustered among themselves, and each leaf of
    the minimum size they form is opened as a new one. Pins always win;
    merged leaves count as the first of their group.

    Parameters
    ----------
    coverage : float, default=0.9
        Share of a group's ideas that leaves of the minimum size must hold.
    min_share : float, default=0.005
        A leaf holds at least this share of the ideas clustered (and at least
        ``min_size``).
    min_size : int, default=3
    n_clusters : int or "auto", default="auto"
        Fixed number of leaves per group on a first run, instead of the cut
        with the most leaves.
    random_state : int, default=0
        Seed of the micro-clusters of large groups.

    Attributes
    ----------
    labels_ : ndarray of int, shape (n,)
        Leaf id per idea, -1 for an empty text (zero row).
    cluster_ids_ : ndarray of int
    cluster_centers_ : ndarray of shape (k, d)
        Unit mean of each leaf, aligned with ``cluster_ids_``.
    cluster_groups_ : list
        Group of each leaf, aligned with ``cluster_ids_``.
    central_ : dict
        Leaf id → row of its idea nearest the centre.
    new_clusters_ : list of int
        Leaves a re-run opened beside the previous ones.
    n_clusters_ : int
    """

    def __init__(
        self,
        *,
        coverage=0.9,
        min_share=0.005,
        min_size=3,
        n_clusters="auto",
        random_state=0,
    ):
        self.coverage = coverage
        self.min_share = min_share
        self.min_size = min_size
        self.n_clusters = n_clusters
        self.random_state = random_state

    def _split(self, X, minimum, n_clusters="auto"):
        """Leaves of the rows of ``X`` (unit vectors): a label per row."""
        n = len(X)
        if n_clusters == "auto" and n < 2 * minimum:
            return np.zeros(n, dtype=np.int64)
        if n <= _EXACT:
            unit_of, means, weights = np.arange(n), X, np.ones(n)
        else:
            unit_of = kmeans_cells(X, _MICRO, random_state=self.random_state)
            weights = np.bincount(unit_of).astype(np.float64)
            means = np.zeros((len(weights), X.shape[1]))
            np.add.at(means, unit_of, X)
            means /= weights[:, None]
        merges = _linkage(means, weights)
        if n_clusters == "auto":
            steps = _richest_cut(
                merges, weights, minimum=minimum, coverage=self.coverage
            )
        else:
            steps = max(0, len(means) - int(n_clusters))
        labels = _cut(len(means), merges, steps)[unit_of]
        if n_clusters != "auto":
            return labels
        return self._absorb_small(X, labels, minimum)

    @staticmethod
    def _absorb_small(X, labels, minimum):
        sizes = np.bincount(labels)
        big = np.flatnonzero(sizes >= minimum)
        if len(big) <= 1:
            return np.zeros(len(X), dtype=np.int64)
        centres = np.stack([X[labels == c].mean(axis=0) for c in big])
        out = np.searchsorted(big, labels)
        small = sizes[labels] < minimum
        if small.any():
            out[small] = (X[small] @ centres.T).argmax(axis=1)
        return out.astype(np.int64)

    def fit(
        self,
        X,
        y=None,
        *,
        groups=None,
        ids=None,
        previous=None,
        previous_groups=None,
        pins=None,
        merges=None,
    ):
        """Cluster the rows of ``X`` within their groups.

        Parameters
        ----------
        X : ndarray of shape (n, d)
            Embeddings; zero rows are left unclustered.
        y : ignored
        groups : sequence of hashable, optional
            Group (theme) of each row; default: one group.
        ids : sequence of hashable, optional
            Stable idea ids (default: row numbers); ``previous`` and ``pins``
            refer to them.
        previous : dict, optional
            id → leaf id from the previous run.
        previous_groups : dict, optional
            Leaf id → group it belonged to; a leaf not named takes the group
            most of its previous ideas are in now.
        pins : dict, optional
            id → leaf id that a facilitator fixed; always honoured.
        merges : list of list of int, optional
            Groups of previous leaf ids merged by a facilitator; each group
            becomes its first id.

        Returns
        -------
        self
        """
        X = l2_normalize(np.asarray(X, dtype=np.float32))
        n = len(X)
        ids = list(range(n)) if ids is None else list(ids)
        groups = [None] * n if groups is None else list(groups)
        if len(ids) != n or len(groups) != n:
            raise ValueError("ids and groups must have one entry per row of X")
        position = {idea: i for i, idea in enumerate(ids)}
        rename = {}
        for merged in merges or []:
            for g in merged[1:]:
                rename[int(g)] = int(merged[0])
        pins = {
            position[k]: rename.get(int(v), int(v))
            for k, v in (pins or {}).items()
            if k in position
        }
        before = {
            position[k]: rename.get(int(v), int(v))
            for k, v in (previous or {}).items()
            if k in position and int(v) >= 0
        }
        leaf_group = {
            rename.get(int(k), int(k)): g for k, g in (previous_groups or {}).items()
        }
        for leaf in set(before.values()) - set(leaf_group):
            rows = [r for r, c in before.items() if c == leaf]
            counts = {}
            for r in rows:
                counts[groups[r]] = counts.get(groups[r], 0) + 1
            leaf_group[leaf] = max(counts, key=counts.get)

        valid = X.any(axis=1)
        labels = np.full(n, -1, dtype=np.int64)
        minimum = max(self.min_size, math.ceil(self.min_share * int(valid.sum())))
        for r, leaf in before.items():
            if valid[r] and leaf_group.get(leaf) == groups[r]:
                labels[r] = leaf
        for r, leaf in pins.items():
            labels[r] = leaf
            leaf_group.setdefault(leaf, groups[r])
        known = set(before.values()) | set(pins.values()) | set(rename)
        next_id = max(known, default=-1) + 1
        self.new_clusters_ = []
        first_run = not before and not pins
        order = list(dict.fromkeys(groups[r] for r in np.flatnonzero(valid)))
        fresh_leaves = []
        for group in order:
            rows = np.flatnonzero(valid & (labels < 0) & _equals(groups, group))
            if not len(rows):
                continue
            leaves = sorted({int(c) for c in labels[_equals(groups, group)] if c >= 0})
            rows = self._join_existing(X, labels, rows, leaves)
            if not len(rows):
                continue
            split = self._split(
                X[rows], minimum, self.n_clusters if first_run else "auto"
            )
            sizes = np.bincount(split)
            if leaves:
                fits = sizes >= minimum
                if not fits.all():
                    # Too few to stand alone: they join the nearest leaf.
                    loose = rows[~fits[split]]
                    centres = _centres(X, labels, leaves)
                    labels[loose] = np.array(leaves)[
                        (X[loose] @ centres.T).argmax(axis=1)
                    ]
                    rows, split = rows[fits[split]], split[fits[split]]
            for part in np.unique(split):
                fresh_leaves.append((group, rows[split == part]))
        # Leaves are numbered by size (largest first), so the same data
        # gives the same ids whatever the order of the computation.
        fresh_leaves.sort(key=lambda item: (-len(item[1]), int(item[1][0])))
        for group, members in fresh_leaves:
            labels[members] = next_id
            leaf_group[next_id] = group
            if not first_run:
                self.new_clusters_.append(next_id)
            next_id += 1

        self.labels_ = labels
        ids_ = sorted(set(labels[labels >= 0].tolist()))
        self.cluster_ids_ = np.array(ids_, dtype=np.int64)
        self.cluster_groups_ = [leaf_group[c] for c in ids_]
        self.cluster_centers_ = (
            _centres(X, labels, ids_)
            if ids_
            else np.zeros((0, X.shape[1]), dtype=np.float32)
        )
        self.central_ = {}
        for c, centre in zip(ids_, self.cluster_centers_, strict=True):
            rows = np.flatnonzero(labels == c)
            self.central_[c] = int(rows[np.argmax(X[rows] @ centre)])
        self.n_clusters_ = len(ids_)
        return self

    def _join_existing(self, X, labels, rows, leaves):
        """Put the rows that fit an existing leaf there; return the others."""
        if not leaves:
            return rows
        means = np.stack([X[labels == c].mean(axis=0) for c in leaves])
        # A leaf's reach: the similarity to its mean of all but the farthest
        # tenth of its own ideas (x @ mean is one minus the mean distance).
        reach = np.array(
            [
                np.quantile(X[labels == c] @ mean, 0.1)
                for c, mean in zip(leaves, means, strict=True)
            ]
        )
        scores = X[rows] @ means.T
        best = scores.argmax(axis=1)
        fits = scores[np.arange(len(rows)), best] >= reach[best]
        labels[rows[fits]] = np.array(leaves)[best[fits]]
        return rows[~fits]


def _equals(values, value) -> np.ndarray:
    return np.array([v == value for v in values], dtype=bool)


def _centres(X, labels, leaves) -> np.ndarray:
    return l2_normalize(np.stack([X[labels == c].mean(axis=0) for c in leaves])).astype(
        np.float32
    )
