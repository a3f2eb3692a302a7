"""Finite-width random networks: push a batch through ``depth`` random layers.

:func:`run` draws fresh random weights at every layer, applies the chosen
batch-norm components (see :mod:`bnteach.layers`) and records the batch's Gram
matrix after each layer in a frozen :class:`Trajectory`. The representations are
renormalized after every layer (cluster+outlier runs leave float range
otherwise); angles and norm ratios are unchanged, and the removed scale is kept
in ``log_scale`` so raw norms can be recovered. :func:`run_many` advances many
runs (seeds) of one configuration together, one vectorized step per layer, and
returns the same trajectories as :func:`run` would, one per seed.

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

from bnteach import _validation, layers
from bnteach._sampler import advance, pattern
from bnteach.trajectory import NetConfig, Trajectory

__all__ = ["NetConfig", "Trajectory", "run", "run_many"]

#: Refuse runs with more than this many multiply-adds' worth of work (depth × width × n).
MAX_WORK = 10 ** 9
#: Refuse ``keep="reps"`` above this many bytes.
MAX_REPS_BYTES = 256 * 2 ** 20


def _check_run_args(X0, depth, width, components, weights, weight_var, keep, runs=None):
    if runs is None:                                          # run: one batch
        X0, runs = _validation.check_batch(X0, "X0"), 1
        stack = [(X0, "X0")]
    else:                            # run_many: one batch shared by all runs, or one per run
        X0 = _validation.as_float_array(X0, "X0")
        if X0.ndim not in (2, 3) or X0.ndim == 3 and len(X0) != runs:
            raise ValueError(f"X0 must be one batch of shape (d_in, n) shared by all runs, or a "
                             f"stack of shape (runs, d_in, n), one batch per seed; got shape "
                             f"{X0.shape} for {runs} seeds in 'seeds'. Give one seed per batch.")
        names = ["X0"] if X0.ndim == 2 else [f"X0[{i}]" for i in range(runs)]
        stack = [(_validation.check_batch(x, name), name)
                 for x, name in zip([X0] if X0.ndim == 2 else X0, names)]
    depth = _validation.check_int(depth, "depth", low=0)
    d_in, n = X0.shape[-2:]
    width = d_in if width is None else _validation.check_int(width, "width", low=1)
    components = _validation.check_components(components)
    weights = _validation.check_choice(weights, "weights", ("gaussian", "uniform"))
    weight_var = _validation.check_real(weight_var, "weight_var", strict=True)
    keep = _validation.check_choice(keep, "keep", ("gram", "reps"))
    # The Gram sampler costs about depth·width·n², explicit weights depth·width·d_in·n.
    # run_many's limits hold for all its runs together.
    name, times = ("run", "") if runs == 1 else ("run_many", f"{runs} runs × ")
    explicit = weights == "uniform" and runs * depth * width * max(width, d_in) > 10 * MAX_WORK
    if runs * depth * width * n > MAX_WORK or explicit:
        raise ValueError(f"{name}: {times}depth × width × n = {times}{depth} × {width} × {n} is "
                         f"too much work to finish in a lesson (limit {MAX_WORK:.0e}). Use fewer "
                         f"layers, a smaller width, or the wide limit bnteach.meanfield.run.")
    if keep == "reps" and runs * depth * width * n * 8 > MAX_REPS_BYTES:
        raise ValueError(f"{name}: keep='reps' would store "
                         f"{runs * depth * width * n * 8 / 2**20:.0f} MB ({times}depth × width × "
                         f"n = {times}{depth} × {width} × {n} floats; limit "
                         f"{MAX_REPS_BYTES // 2**20} MB). Use keep='gram', or fewer layers.")
    for x, label in stack:
        if not np.any(x):
            raise ValueError(f"{label} is all zeros: the batch has no direction to follow.")
        if "rc" in components and not np.any(np.abs(layers.recenter(x)) >
                                             1e-12 * np.abs(x).max()):
            raise ValueError(f"{label}'s columns are all identical, so recentering maps the "
                             f"batch to zero. Give the samples different directions or norms.")
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
    (traj,) = advance(X0, depth, width, components, weights, weight_var,
                       [_validation.as_generator(rng)], [seed], keep, "run", [0])
    return traj


def run_many(X0, depth, *, seeds, width=None, components=("rc", "relu"), weights="gaussian",
             weight_var=2.0, keep="gram") -> list[Trajectory]:
    """Many independent runs of one network, advanced together layer by layer.

    The same as ``[run(X0, depth, rng=s, ...) for s in seeds]`` (with one batch per run:
    ``run(X0[i], depth, rng=seeds[i], ...)``), bit for bit, and faster for many small
    runs: every layer is one vectorized step over the stacked runs (one stacked QR
    factorization, one stacked product) instead of one Python step per run and layer.
    Each run draws from its own generator exactly as :func:`run` would, so
    ``run_many(X0, depth, seeds=s)[i]`` equals ``run(X0, depth, rng=s[i])``.

    Parameters
    ----------
    X0 : array_like of shape (d_in, n) or (runs, d_in, n)
        The input batch, shared by every run; or a stack of batches, ``X0[i]`` for
        ``seeds[i]`` (e.g. each drawn from its run's generator before the weights).
    depth : int
        Number of layers, ``>= 0``.
    seeds : sequence of int or numpy.random.Generator
        One per run: an int seed (stored as ``Trajectory.seed``) or a generator of its
        own (the same generator twice is refused: its draws would interleave).
    width, components, weights, weight_var : optional
        As in :func:`run`.
    keep : {"gram", "reps"}, default "gram"
        As in :func:`run`. The limits on work and memory apply to all runs together.

    Returns
    -------
    list of Trajectory
        One per seed, in order.

    Raises
    ------
    ValueError
        As :func:`run`, naming the run (its position in ``seeds``) that failed.

    Examples
    --------
    >>> from bnteach import batches, simulate
    >>> X0 = batches.gaussian(d=64, n=4, rng=0)
    >>> trajs = simulate.run_many(X0, 20, seeds=range(8), components=("rs", "linear"))
    >>> len(trajs), trajs[3].seed
    (8, 3)
    >>> bool(np.allclose(trajs[3].grams, simulate.run(X0, 20, components=("rs", "linear"),
    ...                                                   rng=3).grams))
    True
    >>> rngs = [np.random.default_rng(s) for s in range(8)]     # one input per run, then
    >>> X0 = np.stack([r.standard_normal((64, 4)) for r in rngs])   # weights from the same rng
    >>> trajs, r = simulate.run_many(X0, 20, seeds=rngs), np.random.default_rng(5)
    >>> bool(np.allclose(trajs[5].grams,
    ...                  simulate.run(r.standard_normal((64, 4)), 20, rng=r).grams))
    True
    """
    if isinstance(seeds, (int, np.integer, np.random.Generator)) or not hasattr(seeds, "__len__"):
        if not hasattr(seeds, "__iter__") or isinstance(seeds, np.random.Generator):
            raise TypeError(f"The 'seeds' parameter must be a sequence of int seeds or "
                            f"Generators, one per run (e.g. range(20)); got "
                            f"{type(seeds).__name__}.")
        seeds = list(seeds)
    if len(seeds) == 0:
        raise ValueError("The 'seeds' parameter is empty: give one seed per run, e.g. "
                         "seeds=range(20).")
    ids = [id(s) for s in seeds if isinstance(s, np.random.Generator)]
    if len(set(ids)) != len(ids):
        raise ValueError("The 'seeds' parameter holds the same Generator twice: its runs would "
                         "share (and interleave) one stream. Give each run its own seed, e.g. "
                         "seeds=range(20), or Generators from rng.spawn(runs).")
    for s in seeds:
        if s is None or isinstance(s, bool) or not isinstance(
                s, (int, np.integer, np.random.Generator)):
            raise TypeError(f"The 'seeds' parameter must hold int seeds or Generators; got "
                            f"{s!r} ({type(s).__name__}).")
        if not isinstance(s, np.random.Generator) and s < 0:
            raise ValueError(f"The 'seeds' parameter must hold non-negative int seeds; got {s}.")
    X0, depth, width, components, weights, weight_var, keep = _check_run_args(
        X0, depth, width, components, weights, weight_var, keep, len(seeds))
    ints = [int(s) if isinstance(s, (int, np.integer)) else None for s in seeds]
    rngs = [_validation.as_generator(s) for s in seeds]
    # Runs advance together if their batches repeat samples in the same places
    # (see _sampler.advance).
    groups = {0: range(len(seeds))} if X0.ndim == 2 else {}
    for i, x in enumerate(X0 if X0.ndim == 3 else ()):
        distinct, copies = pattern(x)
        key = copies if copies is None else (distinct.tobytes(), copies.tobytes())
        groups.setdefault(key, []).append(i)
    trajs = {}                                                   # run number -> Trajectory
    for runs in groups.values():
        trajs.update(zip(runs, advance(
            X0 if len(groups) == 1 else X0[runs], depth, width, components, weights,
            weight_var, [rngs[i] for i in runs], [ints[i] for i in runs], keep, "run_many", runs)))
    return [trajs[i] for i in range(len(seeds))]
