"""Finite-width random networks: push a batch through ``depth`` random layers.

:func:`run` draws fresh random weights at every layer, applies the chosen
batch-norm components (see :mod:`bnteach.layers`) and records the batch's Gram
matrix after each layer in a frozen :class:`Trajectory`. The representations are
renormalized after every layer (cluster+outlier runs leave float range
otherwise); angles and norm ratios are unchanged, and the removed scale is kept
in ``log_scale`` so raw norms can be recovered.

**The Gram sampler.** With i.i.d. Gaussian weights of variance ``σ²/d_in``, the
rows of ``W @ X`` given ``X`` are i.i.d. ``N(0, σ² XᵀX / d_in)``. So
``Z = randn(width, k) @ (σ/√d_in) R`` has exactly the law of ``W @ X`` for any
``R`` of shape ``(k, n)`` with ``RᵀR = XᵀX``, at cost O(width·n²) per layer
instead of O(width·d_in·n). We take ``R`` from the QR decomposition ``X = QR``
(then ``W @ X = (W Q) R`` and ``W Q`` is again i.i.d. Gaussian). Unlike a square
root of ``XᵀX`` computed by ``eigh``, which loses singular values of ``X`` below
about 1e-8 of the largest (it squares the condition number), the QR factor keeps
them to rounding error, and identical samples stay exactly identical. The
sampler is exact in distribution only for Gaussian weights drawn fresh at each
layer; for uniform weights the explicit weight matrices are used.
"""

from __future__ import annotations

import numpy as np

from bnteach import _kernels, _validation, layers
from bnteach.trajectory import NetConfig, Trajectory

__all__ = ["NetConfig", "Trajectory", "run"]

#: Refuse runs with more than this many multiply-adds' worth of work (depth × width × n).
MAX_WORK = 10 ** 9
#: Refuse ``keep="reps"`` above this many bytes.
MAX_REPS_BYTES = 256 * 2 ** 20


def _check_run_args(X0, depth, width, components, weights, weight_var, keep):
    X0 = _validation.check_batch(X0, "X0")
    depth = _validation.check_int(depth, "depth", low=0)
    d_in, n = X0.shape
    width = d_in if width is None else _validation.check_int(width, "width", low=1)
    components = _validation.check_components(components)
    weights = _validation.check_choice(weights, "weights", ("gaussian", "uniform"))
    weight_var = _validation.check_real(weight_var, "weight_var", strict=True)
    keep = _validation.check_choice(keep, "keep", ("gram", "reps"))
    # The Gram sampler costs about depth·width·n², explicit weights depth·width·d_in·n.
    explicit = weights == "uniform" and depth * width * max(width, d_in) > 10 * MAX_WORK
    if depth * width * n > MAX_WORK or explicit:
        raise ValueError(f"run: depth × width × n = {depth} × {width} × {n} is too much work to "
                         f"finish in a lesson (limit {MAX_WORK:.0e}). Use fewer layers, a "
                         f"smaller width, or the wide limit bnteach.meanfield.run.")
    if keep == "reps" and depth * width * n * 8 > MAX_REPS_BYTES:
        raise ValueError(f"run: keep='reps' would store {depth * width * n * 8 / 2**20:.0f} MB "
                         f"(depth × width × n = {depth} × {width} × {n} floats; limit "
                         f"{MAX_REPS_BYTES // 2**20} MB). Use keep='gram', or fewer layers.")
    if not np.any(X0):
        raise ValueError("X0 is all zeros: the batch has no direction to follow.")
    if "rc" in components and not np.any(np.abs(layers.recenter(X0)) >
                                         1e-12 * np.abs(X0).max()):
        raise ValueError("X0's columns are all identical, so recentering maps the batch to "
                         "zero. Give the samples different directions or norms.")
    return X0, depth, width, components, weights, weight_var, keep


def run(X0, depth, *, width=None, components=("rc", "relu"), weights="gaussian",
        weight_var=2.0, rng=None, keep="gram") -> Trajectory:
    """Push the batch ``X0`` through ``depth`` layers with fresh random weights.

    Each layer is :func:`bnteach.layers.bn_layer` with fresh i.i.d. weights ``W_l``
    of shape ``(width, fan_in)`` and variance ``weight_var / fan_in``:
    ``X_l = NL(RS(RC(W_l @ X_{l-1})))``, keeping the named components (in law:
    Gaussian weights are drawn through the Gram sampler of the module docstring).
    Introduced in ``lessons/01_linear_networks.ipynb``; every later lesson runs it.

    Parameters
    ----------
    X0 : array_like of shape (d_in, n)
        The input batch, samples as columns, ``n >= 2``.
    depth : int
        Number of layers, ``>= 0``.
    width : int, optional
        Neurons per layer ``d``; default ``X0.shape[0]``.
    components : iterable of str, default ("rc", "relu")
        Any subset of ``{"rc", "rs"}`` plus at most one of ``{"relu", "tanh",
        "linear"}``, applied as rc, rs, non-linearity (see :mod:`bnteach.layers`).
    weights : {"gaussian", "uniform"}, default "gaussian"
        The law of the weights. ``"gaussian"`` uses the exact Gram sampler (module
        docstring); ``"uniform"`` draws explicit matrices ``U[±sqrt(3 weight_var / d_in)]``
        with the same variance, as in Daneshmand et al. (2020).
    weight_var : float, default 2.0
        Each weight has variance ``weight_var / d_in`` (He initialization for 2.0).
        Matters only for the raw norms and for tanh.
    rng : None, int or numpy.random.Generator
        Source of randomness; an int is a seed (stored as ``Trajectory.seed``).
    keep : {"gram", "reps"}, default "gram"
        ``"reps"`` also stores the representations (refused above 256 MB).

    Returns
    -------
    Trajectory
        ``grams`` of shape ``(depth + 1, n, n)`` (layer 0 is the input), each scaled
        to trace n; ``log_scale`` of shape ``(depth + 1,)``; the ``config``.

    Notes
    -----
    Representations are renormalized to ``‖X‖_F² = n`` after every
    layer; for tanh, which is scale-sensitive, only the recorded Gram matrices are
    renormalized and the network itself runs unscaled.

    Examples
    --------
    >>> from bnteach import batches, simulate
    >>> X0 = batches.gaussian(d=64, n=8, rng=0)       # d_in = 64, n = 8
    >>> traj = simulate.run(X0, depth=10, rng=0)
    >>> traj.grams.shape, traj.config.components
    ((11, 8, 8), ('rc', 'relu'))
    >>> traj
    Trajectory(components=('rc', 'relu'), width=64, n=8, depth=10, weights='gaussian',
               weight_var=2.0, seed=0)
    """
    X0, depth, width, components, weights, weight_var, keep = _check_run_args(
        X0, depth, width, components, weights, weight_var, keep)
    seed = int(rng) if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) else None
    rng = _validation.as_generator(rng)
    d_in, n = X0.shape
    scale_free = components[-1] != "tanh"  # relu, linear, rc and rs are positively homogeneous

    grams = np.empty((depth + 1, n, n))
    log_scale = np.empty(depth + 1)
    reps = np.empty((depth, width, n)) if keep == "reps" else None

    # Identical input samples stay identical through every layer. Compute each distinct
    # sample once and copy it, so they stay *bitwise* identical: the QR factorization would
    # otherwise round them differently, and RS amplifies even rounding differences.
    columns = np.ascontiguousarray(X0.T)                         # (n, d_in): one row per sample
    keys = columns.view(np.dtype((np.void, columns.itemsize * d_in))).ravel()  # bytes per sample
    _, distinct, copies = np.unique(keys, return_index=True, return_inverse=True)
    copies = None if len(distinct) == n else copies.ravel()   # None: all samples distinct

    X, log_s = X0, 0.0
    for layer in range(depth + 1):
        if layer > 0:
            fan_in = X.shape[0]
            Xd = X if copies is None else X[:, distinct]          # (d_in, m), m distinct samples
            if weights == "gaussian":
                R = np.linalg.qr(Xd, mode="r")                    # (k, m), k = min(d_in, m)
                g = rng.standard_normal((width, R.shape[0]))      # the law of W @ Q
                Z = g @ (np.sqrt(weight_var / fan_in) * R)        # (d, k) @ (k, m): law of W @ Xd
            else:
                a = np.sqrt(3 * weight_var / fan_in)
                Z = rng.uniform(-a, a, size=(width, fan_in)) @ Xd  # (d, d_in) @ (d_in, m)
            X = _kernels.apply_components(Z if copies is None else Z[:, copies], components)
        sq = float(np.sum(X * X))
        if not np.isfinite(sq):
            raise ValueError(f"run: layer {layer} overflows float64: X0 or weight_var is "
                             f"too large (a tanh network sees the raw scale of its input). "
                             f"Divide X0 by a constant, or pass a smaller weight_var.")
        if sq == 0.0:
            raise ValueError(f"run: layer {layer} mapped the whole batch to zero (every "
                             f"neuron was inactive on every sample), so there is nothing to "
                             f"follow. Use a wider network (width) or another seed (rng).")
        factor = np.sqrt(sq / n)
        log_factor, Xn = np.log(factor), X / factor
        # The raw layer is exp(log_s) times this one when the layer is positively homogeneous
        # in its input and was fed a rescaled input; RS forgets the input's scale, and tanh
        # layers are fed the raw input, so then the scale starts afresh.
        inherited = log_s if (layer > 0 and scale_free and "rs" not in components) else 0.0
        log_s = inherited + log_factor
        log_scale[layer] = log_s
        grams[layer] = Xn.T @ Xn                                  # (n, n), trace n
        if scale_free:
            X = Xn
        if reps is not None and layer > 0:
            reps[layer - 1] = X
    config = NetConfig(width, d_in, n, depth, components, weights, weight_var)
    return Trajectory(grams, log_scale, config, seed, reps)
