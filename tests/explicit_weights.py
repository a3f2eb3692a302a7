"""The truth tests' independent path: one layer with an explicit Gaussian weight matrix.

The package samples each layer from the law of ``W @ X`` (``bnteach.simulate``); the
truth tests recompute their main claims without it, with a drawn ``W`` and the batch-norm
components written out in numpy here, so that a claim does not rest on the sampler alone.
"""

from __future__ import annotations

import numpy as np


def explicit_layer(X, rng, components=("rc", "relu"), width=None):
    """One layer ``X -> NL(RS(RC(W @ X)))`` with ``W`` of shape ``(width, d_in)``, i.i.d.
    N(0, 1/d_in); ``components`` as in ``bnteach.simulate.run`` (ReLU only if listed)."""
    d_in = X.shape[0]
    d = d_in if width is None else width
    W = rng.standard_normal((d, d_in)) / np.sqrt(d_in)
    Z = W @ X                                                  # (d, d_in) @ (d_in, n)
    if "rc" in components:
        Z = Z - Z.mean(axis=1, keepdims=True)
    if "rs" in components:
        Z = Z / np.sqrt((Z ** 2).mean(axis=1, keepdims=True))
    return np.maximum(Z, 0.0) if "relu" in components else Z
