"""The batch-norm components as bare array maps, for the package's inner loops.

Package-private: these trust their inputs (no validation, no copies beyond what
numpy makes), so that :func:`bnteach.simulate.run` and :mod:`bnteach.meanfield`
pay nothing per layer for checks done once at the boundary. Learners use the
checked versions in :mod:`bnteach.layers`, which call these.
"""

from __future__ import annotations

import numpy as np


def recenter(Z: np.ndarray) -> np.ndarray:
    """``Z @ P``: each row minus its mean over the batch; Z of shape (..., d, n)."""
    # np.add.reduce(...) / n is Z.mean(...) bit for bit, without mean's Python overhead
    return Z - np.add.reduce(Z, axis=-1, keepdims=True) / Z.shape[-1]


def centered_gram(G: np.ndarray) -> np.ndarray:
    """``P G P`` for a Gram matrix G of shape (n, n)."""
    C = G - G.mean(axis=0, keepdims=True)        # P G P, with P symmetric
    return C - C.mean(axis=1, keepdims=True)


def rescale(Z: np.ndarray, eps: float = 0.0) -> np.ndarray:
    """Divide rows by their root-mean-square; all-zero rows stay zero (a dead neuron)."""
    rms = np.sqrt(np.add.reduce(Z * Z, axis=-1, keepdims=True) / Z.shape[-1] + eps)  # (..., d, 1)
    if rms.all():                                   # the usual case: no dead neuron
        return Z / rms
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
