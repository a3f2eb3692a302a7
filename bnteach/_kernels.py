"""The batch-norm components as bare array maps, for the package's inner loops.

Package-private: these trust their inputs (no validation, no copies beyond what
numpy makes), so that :func:`bnteach.simulate.run` and :mod:`bnteach.meanfield`
pay nothing per layer for checks done once at the boundary. Learners use the
checked versions in :mod:`bnteach.layers`, which call these.
"""

from __future__ import annotations

import numpy as np


#: Rows shorter than this are summed column by column (see :func:`row_sum`).
SHORT_ROW = 8


def _columnwise(A: np.ndarray) -> bool:
    """Whether to work on A's rows one column at a time: short rows, and enough of them."""
    n = A.shape[-1]
    return 0 < n < SHORT_ROW and A.size >= 512 * n


def row_sum(A: np.ndarray, square: bool = False) -> np.ndarray:
    """The sum (of squares, if ``square``) over the last axis of A, keeping it as length 1.

    Bit for bit ``np.add.reduce(A, axis=-1, keepdims=True)`` (of ``A * A``). For rows
    shorter than :data:`SHORT_ROW` numpy adds in order, ``((a0 + a1) + a2) + …`` (its
    pairwise summation starts at 8 terms; numpy 1.24 to 2.x, checked by the tests), and
    so does this, one column at a time: a few operations over whole columns instead of
    one short reduction per row, which costs about five times as much for rows of 4.
    """
    if not _columnwise(A):
        return np.add.reduce(A * A if square else A, axis=-1, keepdims=True)
    a = A[..., 0:1]
    total = a * a if square else a + 0.0       # numpy starts from 0.0: -0.0 sums to +0.0
    for i in range(1, A.shape[-1]):
        a = A[..., i:i + 1]
        total += a * a if square else a
    return total


def _by_column(op, A: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``op(A, v)`` for v of shape (..., 1), broadcast along A's last axis; computed one
    column at a time for short rows (the same numbers, without numpy's per-row overhead)."""
    if not _columnwise(A):
        return op(A, v)
    out = np.empty_like(A, dtype=np.result_type(A, v))   # A's memory layout, as op(A, v) gives
    v = v[..., 0]
    for i in range(A.shape[-1]):
        op(A[..., i], v, out=out[..., i])
    return out


def recenter(Z: np.ndarray) -> np.ndarray:
    """``Z @ P``: each row minus its mean over the batch; Z of shape (..., d, n)."""
    # row_sum(...) / n is Z.mean(...) bit for bit, without mean's Python overhead
    return _by_column(np.subtract, Z, row_sum(Z) / Z.shape[-1])


def centered_gram(G: np.ndarray) -> np.ndarray:
    """``P G P`` for a Gram matrix G of shape (n, n)."""
    C = G - G.mean(axis=0, keepdims=True)        # P G P, with P symmetric
    return C - C.mean(axis=1, keepdims=True)


def rescale(Z: np.ndarray, eps: float = 0.0, axis: int = -1) -> np.ndarray:
    """Divide each neuron by its root-mean-square over the batch; all-zero neurons stay zero
    (dead). Z of shape (..., d, n), or (..., n, d) with ``axis=-2`` (samples as rows)."""
    rms = (row_sum(Z, square=True) if axis == -1 else          # a new array: update in place
           np.add.reduce(Z * Z, axis=axis, keepdims=True))
    rms /= Z.shape[axis]
    if eps:
        rms += eps
    np.sqrt(rms, out=rms)
    if rms.all():                                   # the usual case: no dead neuron
        return _by_column(np.divide, Z, rms) if axis == -1 else Z / rms
    return np.divide(Z, rms, out=np.zeros_like(Z), where=rms > 0)


def relu(Z: np.ndarray) -> np.ndarray:
    """``max(Z, 0)`` entrywise."""
    return np.maximum(Z, 0.0)


NONLINEARITY = {"relu": relu, "tanh": np.tanh, "linear": lambda Z: Z}


def apply_components(Z: np.ndarray, components: tuple[str, ...]) -> np.ndarray:
    """Apply canonical ``components`` (from ``_validation.check_components``) to ``Z = W @ X``.

    ``Z`` has shape (d, n), or (runs, d, n) for runs stacked.
    All-zero rows pass RS as zeros instead of raising.
    """
    if "rc" in components:
        Z = recenter(Z)
    if "rs" in components:
        Z = rescale(Z)
    return NONLINEARITY[components[-1]](Z)


def apply_components_rows(Y: np.ndarray, components: tuple[str, ...]) -> np.ndarray:
    """:func:`apply_components` for the transpose ``Y = Zᵀ`` of shape (runs, n, d) (samples
    as rows), **overwriting Y**: for the loop of :mod:`bnteach._sampler`, whose Y is its own.

    Fewer passes over memory than the general path: RC and RS in place, RS as a product
    with the reciprocal root-mean-square (within a unit in the last place of the quotient).
    """
    n = Y.shape[-2]
    if "rc" in components:
        Y -= np.add.reduce(Y, axis=-2, keepdims=True) / n
    if "rs" in components:
        # (not einsum: its order of summation changes with the number of runs stacked)
        ms = np.add.reduce(Y * Y, axis=-2, keepdims=True)            # (runs, 1, d)
        if 0 < ms.min() and ms.max() < np.inf:        # the usual case: no dead neuron
            ms /= n
            np.sqrt(ms, out=ms)
            Y *= np.reciprocal(ms, out=ms)
        else:                                         # a dead neuron, or squares past float range
            if not ms.max() < np.inf:                 # exact (a power of 2), and RS ignores it
                Y *= 2.0 ** -float(np.frexp(np.abs(Y).max())[1])
            Y = rescale(Y, axis=-2)
    return NONLINEARITY[components[-1]](Y)
