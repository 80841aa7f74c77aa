"""How many threads the numerical libraries may use while the indicators are computed."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

__all__ = ["one_blas_thread"]


def one_blas_thread() -> AbstractContextManager[Any]:
    """The indicators run on one BLAS thread. Their matrices are small (items x items, and the
    bootstrap's thousands of tiny eigen decompositions and optimisations): OpenBLAS's threads
    only wait on each other there, and on a busy machine they made a small evaluation's
    bootstrap 20 times slower (2.6 s against 0.12 s for one omega with 16 responses)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")
