"""Near-duplicate ideas, across languages, in memory linear in n."""

import numpy as np
from sklearn.base import BaseEstimator

from ml._blas import few_rows
from ml._linalg import kmeans_cells

__all__ = ["Duplicates", "nearest_neighbors"]

# Rows compared at once: the block of similarities is block x n floats, so
# memory grows with n, never with n squared.
_BLOCK = 1024


def nearest_neighbors(embeddings, k: int = 1, *, queries=None, block: int = _BLOCK):
    """Find the ``k`` most similar rows by cosine, block by block.

    Parameters
    ----------
    embeddings : ndarray of shape (n, d)
        L2-normalised rows searched.
    k : int, default=1
        Neighbours per query.
    queries : ndarray of shape (m, d), optional
        Rows to look up; when omitted every row of ``embeddings`` is looked up
        and never returned as its own neighbour.
    block : int, default=1024
        Queries compared at once.

    Returns
    -------
    indices : ndarray of shape (m, k), int
        Neighbours, most similar first; -1 where there are fewer than k.
    similarities : ndarray of shape (m, k), float32
        Their cosine similarities (-inf where the index is -1).
    """
    embeddings = np.asarray(embeddings, dtype=np.float32)
    self_search = queries is None
    queries = embeddings if self_search else np.asarray(queries, dtype=np.float32)
    n, m = len(embeddings), len(queries)
    available = n - 1 if self_search else n
    kk = max(0, min(k, available))
    indices = np.full((m, k), -1, dtype=np.int64)
    sims = np.full((m, k), -np.inf, dtype=np.float32)
    if kk == 0:
        return indices, sims
    for start in range(0, m, block):
        with few_rows(m):
            chunk = queries[start : start + block] @ embeddings.T
        if self_search:
            rows = np.arange(len(chunk))
            chunk[rows, start + rows] = -np.inf
        top = np.argpartition(-chunk, kk - 1, axis=1)[:, :kk]
        top_sims = np.take_along_axis(chunk, top, axis=1)
        order = np.argsort(-top_sims, axis=1, kind="stable")
        indices[start : start + block, :kk] = np.take_along_axis(top, order, axis=1)
        sims[start : start + block, :kk] = np.take_along_axis(top_sims, order, axis=1)
    return indices, sims


class Duplicates(BaseEstimator):
    """Near-duplicate pairs and groups from embeddings.

    Up to ``exact_below`` rows every pair is compared. Above, the rows are
    split into k-means cells (about the square root of n of them) and each
    cell is compared with the ``n_probe`` cells whose centres are nearest
    its own, so the work grows with n times its square root instead of n
    squared: two ideas similar enough to be duplicates lie in one cell or
    in neighbouring ones.

    Parameters
    ----------
    threshold : float, default=0.8
        Cosine similarity at or above which two ideas count as duplicates.
        Encoders expose a measured value as ``duplicate_threshold``.
    k : int, default=10
        Neighbours examined per idea; a group can still be larger, through
        chains of pairs.
    exact_below : int, default=5000
    n_probe : int, default=8
        Cells each cell is compared with (itself included) above
        ``exact_below``.
    random_state : int, default=0
        Seed of the cells.

    Attributes
    ----------
    pairs_ : list of tuple (int, int, float)
        ``(i, j, similarity)`` with ``i < j``, most similar first.
    groups_ : list of list of int
        Connected groups of two or more rows, each sorted, largest first.
    """

    def __init__(
        self,
        *,
        threshold: float = 0.8,
        k: int = 10,
        exact_below: int = 5000,
        n_probe: int = 8,
        random_state: int = 0,
    ):
        self.threshold = threshold
        self.k = k
        self.exact_below = exact_below
        self.n_probe = n_probe
        self.random_state = random_state

    def _blocks(self, X):
        """(rows, columns, similarities) blocks covering the pairs to compare."""
        n = len(X)
        if n <= self.exact_below:
            for start in range(0, n, _BLOCK):
                rows = np.arange(start, min(start + _BLOCK, n))
                yield rows, None, X[rows] @ X.T
            return
        cell_of = kmeans_cells(
            X, int(np.ceil(np.sqrt(n))), random_state=self.random_state
        )
        cells = int(cell_of.max()) + 1
        members = [np.flatnonzero(cell_of == c) for c in range(cells)]
        centres = np.stack(
            [
                X[m].mean(axis=0) if len(m) else np.zeros(X.shape[1], X.dtype)
                for m in members
            ]
        )
        probe = min(self.n_probe, cells)
        near = np.argsort(-(centres @ centres.T), axis=1, kind="stable")[:, :probe]
        for c in range(cells):
            rows = members[c]
            if not len(rows):
                continue
            columns = np.concatenate([members[other] for other in near[c]])
            yield rows, columns, X[rows] @ X[columns].T

    def fit(self, X, y=None):
        """Find the duplicates among the rows of ``X`` (n, d); returns self."""
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        X = np.asarray(X, dtype=np.float32)
        n = len(X)
        found_i, found_j, found_s = [], [], []
        for rows, columns, chunk in self._blocks(X):
            cols = np.arange(n) if columns is None else columns
            chunk[cols[None, :] == rows[:, None]] = -np.inf
            # Only pairs above the threshold matter, so a comparison and a
            # small sort replace a full nearest-neighbour search per row.
            # Zero rows (empty texts) have similarity 0 and never pass a
            # positive threshold; identical rows do, as they should.
            passed = chunk >= self.threshold
            if passed.sum() > 4 * self.k * len(chunk):
                # Masses of identical ideas: keep each row's k best first so
                # the list of hits stays linear in n.
                kk = min(self.k, chunk.shape[1] - 1)
                top = np.argpartition(-chunk, kk - 1, axis=1)[:, :kk]
                passed = np.zeros_like(passed)
                np.put_along_axis(passed, top, True, axis=1)
                passed &= chunk >= self.threshold
            hit_rows, hit_cols = np.nonzero(passed)
            sims = chunk[hit_rows, hit_cols]
            order = np.lexsort((-sims, hit_rows))
            hit_rows, hit_cols, sims = hit_rows[order], hit_cols[order], sims[order]
            first = np.searchsorted(hit_rows, hit_rows, side="left")
            keep = np.arange(len(hit_rows)) - first < self.k
            found_i.append(rows[hit_rows[keep]])
            found_j.append(cols[hit_cols[keep]])
            found_s.append(sims[keep])
        i = np.concatenate(found_i) if found_i else np.zeros(0, np.int64)
        j = np.concatenate(found_j) if found_j else np.zeros(0, np.int64)
        sims = np.concatenate(found_s) if found_s else np.zeros(0, np.float32)
        low, high = np.minimum(i, j), np.maximum(i, j)
        # Each pair is usually found from both ends: keep it once.
        order = np.lexsort((high, low, -sims))
        low, high, sims = low[order], high[order], sims[order]
        _, unique = np.unique(low.astype(np.int64) * n + high, return_index=True)
        unique = np.sort(unique)
        low, high, sims = low[unique], high[unique], sims[unique]
        self.pairs_ = list(
            zip(low.tolist(), high.tolist(), sims.astype(float).tolist(), strict=True)
        )
        graph = coo_matrix((np.ones(len(low)), (low, high)), shape=(n, n))
        _, component = connected_components(graph, directed=False)
        in_pair = np.zeros(n, dtype=bool)
        in_pair[low] = in_pair[high] = True
        groups = {}
        for row in np.flatnonzero(in_pair).tolist():
            groups.setdefault(int(component[row]), []).append(row)
        self.groups_ = sorted(groups.values(), key=lambda g: (-len(g), g[0]))
        return self
