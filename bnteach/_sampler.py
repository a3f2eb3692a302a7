"""The loop over layers behind :func:`bnteach.simulate.run` and :func:`~bnteach.simulate.run_many`.

Package-private: :mod:`bnteach.simulate` checks the arguments once and calls
:func:`advance`, which trusts them. Its Gaussian draws follow the Gram sampler of
:mod:`bnteach.simulate`'s docstring; each run draws from its own generator, in the
order :func:`~bnteach.simulate.run` would, so a run's numbers do not depend on how
many runs advance with it.
"""

from __future__ import annotations

import numpy as np

from bnteach import _kernels
from bnteach.trajectory import NetConfig, Trajectory

#: Gaussian numbers drawn ahead per run (a few layers' worth at small widths).
DRAW_AHEAD = 4096


def pattern(X0):
    """The identical samples (columns) of a batch: ``X0[:, distinct]`` are its distinct ones and
    ``X0[:, distinct][:, copies]`` is ``X0``; ``copies`` is None when all are distinct."""
    columns = np.ascontiguousarray(X0.T)                         # (n, d_in): one row per sample
    keys = columns.view(np.dtype((np.void, columns.itemsize * X0.shape[0]))).ravel()
    _, distinct, copies = np.unique(keys, return_index=True, return_inverse=True)
    return distinct, (None if len(distinct) == X0.shape[1] else copies.ravel())


def r_factor(X, upper):
    """``np.linalg.qr(X, mode="r")`` for X of shape (..., d, m), bit for bit (zeros included),
    C-contiguous whatever the stack's size, and faster for small matrices: LAPACK's raw result
    with its Householder vectors replaced by zeros where ``upper`` (the boolean upper triangle
    of shape (m, m)) is False, instead of building :func:`numpy.triu`'s mask at every call."""
    h = np.linalg.qr(X, mode="raw")[0]                 # (..., m, d): LAPACK's array, transposed
    k = min(X.shape[-2:])
    return np.ascontiguousarray(np.where(upper[:k], np.swapaxes(h, -1, -2)[..., :k, :], 0.0))


def fail(name, layer, ms, runs, scale_free, stacked):
    """Raise the error of the first run whose layer left float range or became zero;
    ``ms`` is each run's ‖X‖_F² / n at that layer; ``stacked``: one X0 per run."""
    bad = int(np.flatnonzero(~(ms > 0) | ~(ms < np.inf))[0])          # nan fails both
    i = runs[bad]
    where = f"{name}: layer {layer}" + (f" of run {i} (seeds[{i}])" if name == "run_many" else "")
    overflow = not ms[bad] < np.inf
    if layer == 0:
        raise ValueError(f"X0{f'[{i}]' if stacked else ''} is "
                         f"too {'large' if overflow else 'small'}: the sum of its squares "
                         f"{'overflows float64' if overflow else 'underflows to zero'}. "
                         f"{'Divide' if overflow else 'Multiply'} X0 by a constant.")
    if overflow:
        raise ValueError(f"{where} overflows float64: weight_var is too large"
                         + ("" if scale_free else " for X0 (a tanh network sees the raw scale of "
                            "its input)") + ". Pass a smaller weight_var"
                         + ("." if scale_free else ", or divide X0 by a constant."))
    raise ValueError(f"{where} mapped the whole batch to zero (every neuron was inactive on "
                     f"every sample), so there is nothing to follow. Use a wider network "
                     f"(width) or another seed ({'rng' if name == 'run' else 'seeds'}).")


@np.errstate(over="ignore", invalid="ignore", divide="ignore")
def advance(X0, depth, width, components, weights, weight_var, rngs, seeds, keep, name, runs):
    """The loop over layers for ``S = len(rngs)`` stacked runs (arrays of shape (S, ...)); ``X0``
    is (d_in, n), or (S, d_in, n) with one :func:`pattern`; ``runs`` numbers runs in errors.
    Each layer's output X (distinct samples) is factorized once, ``X = QR``: R gives the recorded
    Gram matrix ``XᵀX = RᵀR`` and the next draw ``Z = g (scale R)``, the renormalization folded
    into ``scale``. Overflow and invalid operations are caught by the range check on ``‖X‖²``,
    so numpy's warnings about them are silenced."""
    S, (d_in, n) = len(rngs), X0.shape[-2:]
    scale_free = components[-1] != "tanh"  # relu, linear, rc and rs are positively homogeneous
    grams = np.empty((S, depth + 1, n, n))
    mean_sq = np.empty((S, depth + 1))         # each layer's ‖X‖_F² / n before renormalizing
    reps = np.empty((S, depth, width, n)) if keep == "reps" else None

    # Identical input samples stay identical through every layer. Compute each distinct
    # sample once and copy it, so they stay *bitwise* identical: the QR factorization would
    # otherwise round them differently, and RS amplifies even rounding differences.
    distinct, copies = pattern(X0 if X0.ndim == 2 else X0[0])

    # The loop keeps each layer's output transposed, Y = Xᵀ of shape (S, n, d): samples as
    # rows, so that the sums over samples and the QR factorization read contiguous memory.
    Y = np.broadcast_to(np.swapaxes(X0, -1, -2), (S, n, d_in))
    gaussian, apply, T = weights == "gaussian", _kernels.apply_components_rows, np.swapaxes
    pool, used = np.empty((S, 0, 0, 0)), 0           # Gaussian draws made ahead, and how many used
    m = n if copies is None else len(distinct)                # distinct samples
    upper = np.triu(np.ones((m, m), dtype=bool))
    for layer in range(depth + 1):
        if layer > 0:
            if gaussian:
                k = R.shape[1]                                    # min(fan_in, m)
                if used == pool.shape[1]:
                    # Each run's draws for the next few layers in one call: the same numbers,
                    # in the same order, as one call per layer, with less overhead per layer.
                    # Layer 1's k (from d_in) may differ from the later layers' (from width):
                    # then it draws alone.
                    ahead = (1 if k != min(width, m) else
                             min(depth + 1 - layer, max(1, DRAW_AHEAD // (width * k))))
                    pool, used = np.empty((S, ahead, width, k)), 0
                    for r, out in zip(rngs, pool):
                        r.standard_normal(out=out)                # run s's draws, as run() makes
                g, used = pool[:, used], used + 1                 # (S, d, k)
                Y = T(scale[:, None, None] * R, 1, 2) @ T(g, 1, 2)   # Zᵀ = (s R)ᵀ gᵀ: (S, m, d)
            else:
                a = np.sqrt(3 * weight_var / fan_in)
                U = np.stack([r.uniform(-a, a, size=(width, fan_in)) for r in rngs])
                # C order whatever the number of runs, so that U X is computed as for one run
                Xd = T(Yd / factor[:, None, None] if scale_free else Yd, 1, 2)
                Xd = np.ascontiguousarray(Xd)
                Y = np.ascontiguousarray(T(U @ Xd, 1, 2))         # (U X)ᵀ
            Y = apply(Y if copies is None else Y[:, copies], components)   # a new Y
        Yd = Y if copies is None else Y[:, distinct]              # (S, m, d), m distinct
        try:
            R = r_factor(T(Yd, 1, 2), upper)                      # (S, k, m), k = min(d, m)
        except np.linalg.LinAlgError:              # inf or nan in X (older numpy): fail() says
            R = np.full((S, 1, m), np.nan)
        G = T(R, 1, 2) @ R                                        # XᵀX of the distinct samples
        if copies is not None:                    # C order, as for one run: the same trace
            G = np.ascontiguousarray(G[:, copies][:, :, copies])
        ms = G.trace(axis1=1, axis2=2) / n                        # (S,): ‖X‖_F² / n
        if not 0 < ms.min() <= ms.max() < np.inf:                 # zero, inf or nan
            fail(name, layer, ms, runs, scale_free, X0.ndim == 3)
        mean_sq[:, layer] = ms
        np.divide(G, ms[:, None, None], out=grams[:, layer])      # (S, n, n), trace n
        # The next layer sees X / factor when that changes only the scale, else the raw X.
        fan_in, factor = Y.shape[2], np.sqrt(ms)
        scale = np.sqrt(weight_var / fan_in) / (factor if scale_free else np.ones(S))
        if reps is not None and layer > 0:
            reps[:, layer - 1] = T(Y / factor[:, None, None] if scale_free else Y, 1, 2)
    # The raw layer is exp(log_scale) times the recorded one: the log factors add up over
    # layers that are positively homogeneous and were fed a renormalized input; RS forgets
    # the input's scale, and tanh is fed it raw, so then each layer has its own factor.
    log_scale = np.log(np.sqrt(mean_sq))
    if scale_free and "rs" not in components:
        np.cumsum(log_scale, axis=1, out=log_scale)
    config = NetConfig(width, d_in, n, depth, components, weights, weight_var)
    return [Trajectory(grams[i], log_scale[i], config, seeds[i],
                       None if reps is None else reps[i]) for i in range(S)]
