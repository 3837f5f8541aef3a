"""Row normalisation shared by the encoders, the theme mapper and clustering."""

import numpy as np

__all__ = ["l2_normalize"]


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
