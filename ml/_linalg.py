"""Row normalisation and k-means cells shared by the estimators."""

import numpy as np

__all__ = ["kmeans_cells", "l2_normalize"]


def l2_normalize(matrix, *, dtype=None) -> np.ndarray:
    """Scale each vector (the last axis) to unit length.

    A zero vector, such as the embedding of an empty text, stays zero rather
    than becoming NaN.

    Parameters
    ----------
    matrix : array-like of shape (..., d)
    dtype : numpy dtype, optional
        Converted to before normalising; by default the input's own.

    Returns
    -------
    ndarray of the same shape
    """
    matrix = np.asarray(matrix, dtype=dtype)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def kmeans_cells(X, n_cells: int, *, random_state: int = 0) -> np.ndarray:
    """Split rows into about ``n_cells`` small k-means cells; a cell per row.

    Mini-batch k-means from random rows: k-means++ seeding would cost more
    than everything it serves, and cells need only be small and compact.
    Cells are numbered 0.. without gaps (an empty cell takes no number).
    """
    from sklearn.cluster import MiniBatchKMeans

    labels = MiniBatchKMeans(
        n_cells, init="random", batch_size=4096, n_init=1, random_state=random_state
    ).fit_predict(X)
    return np.unique(labels, return_inverse=True)[1]
