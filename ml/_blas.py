"""Matrix products for a few query rows, kept on one BLAS thread."""

import threading

__all__ = ["few_rows"]

# Up to this many query rows the product is too small to gain from threads.
SMALL = 64

_controller = None
_lock = threading.Lock()


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def few_rows(n_rows: int):
    """Return a context in which BLAS runs single-threaded when ``n_rows`` is small.

    OpenBLAS worker threads keep spinning for a while after a threaded
    product. One idea against 10,000 stored ones gains nothing from them, and
    their spinning takes the cores the sentence model needs for the next
    idea: measured on 2 cores, the next vector took 117 ms instead of 59 ms.

    Parameters
    ----------
    n_rows : int
        Query rows about to be multiplied.

    Returns
    -------
    context manager
    """
    global _controller
    if n_rows > SMALL:
        return _Nothing()
    with _lock:
        if _controller is None:
            # Scanning the loaded libraries takes milliseconds: once.
            from threadpoolctl import ThreadpoolController

            _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")
