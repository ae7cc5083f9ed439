"""The number of BLAS threads, limited while the experiments (and the example scripts) run."""

from __future__ import annotations

from contextlib import contextmanager, nullcontext


@contextmanager
def blas_threads(limit: int | None = 1):
    """Run the block with at most `limit` BLAS threads (None: leave them alone).

    The matrices of the experiments and examples are small (at most about 1,400 x 256), so
    BLAS threads cost more in synchronization than they give; on a busy machine far more
    (20 epochs of examples/train_digits.py on a loaded 2-core machine: 26.8 s with OpenBLAS's
    threads, 2.4 s with one). One thread also makes float results bit-for-bit repeatable.
    Uses threadpoolctl (installed with scikit-learn) when it is there; otherwise does nothing.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        limiter = nullcontext()
    else:
        limiter = threadpool_limits(limits=limit, user_api="blas") if limit else nullcontext()
    with limiter:
        yield
