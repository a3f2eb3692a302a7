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

from dataclasses import dataclass, field

import numpy as np

from bnteach import _validation, layers

__all__ = ["NetConfig", "Trajectory", "run", "random_batch", "batch_from_gram", "nearly_rank_one",
           "cluster_outlier"]

#: Refuse runs with more than this many multiply-adds' worth of work (depth × width × n).
MAX_WORK = 10 ** 9
#: Refuse ``keep="reps"`` above this many bytes.
MAX_REPS_BYTES = 256 * 2 ** 20


@dataclass(frozen=True)
class NetConfig:
    """The network a :class:`Trajectory` came from (a frozen record; :func:`run` fills it).

    Attributes
    ----------
    width : int
        Neurons per layer, ``d``.
    d_in : int
        Width of the input batch ``X0``.
    n : int
        Batch size.
    depth : int
        Number of layers.
    components : tuple of str
        Canonical, e.g. ``("rc", "relu")`` or ``("rc", "rs", "linear")``: any of
        ``"rc"``, ``"rs"`` in that order, then the non-linearity.
    weights : str
        ``"gaussian"`` or ``"uniform"``.
    weight_var : float
        Weight variance times fan-in (2.0 = He initialization).
    """

    width: int                    #: neurons per layer, d
    d_in: int                     #: width of the input batch X0
    n: int                        #: batch size
    depth: int                    #: number of layers
    components: tuple[str, ...]   #: canonical, e.g. ("rc", "relu") or ("rc", "rs", "linear")
    weights: str                  #: "gaussian" or "uniform"
    weight_var: float             #: weight variance times fan-in (2.0 = He initialization)


@dataclass(frozen=True)
class Trajectory:
    """What a run of :func:`run` recorded; arrays are read-only.

    Attributes
    ----------
    grams : ndarray of shape (depth + 1, n, n)
        ``grams[0]`` is ``X0.T @ X0`` and ``grams[l]`` the Gram matrix after ``l``
        layers, each scaled to trace n.
    log_scale : ndarray of shape (depth + 1,)
        Natural log of the factor removed from each layer's representation by that
        scaling: the raw network's Gram matrix at layer ``l`` is
        ``exp(2 * log_scale[l]) * grams[l]``. See :meth:`raw_norms`.
    config : NetConfig
        The network: width, input width, batch, depth, components, weights.
    seed : int or None
        The integer seed passed as ``rng``, if one was.
    reps : ndarray of shape (depth, width, n) or None
        With ``keep="reps"``: the representations after layers 1..depth, scaled like
        ``grams`` (for tanh, unscaled: tanh is bounded and scale-sensitive).
    """

    grams: np.ndarray
    log_scale: np.ndarray
    config: NetConfig
    seed: int | None = None
    reps: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self):
        for arr in (self.grams, self.log_scale, self.reps):
            if arr is not None:
                arr.setflags(write=False)  # frozen blocks rebinding; this blocks writes

    def raw_norms(self) -> np.ndarray:
        """Norms of every sample at every layer of the raw (never renormalized) network.

        Lesson 4 uses them to show that weights of variance ``2α/d`` keep the
        cluster+outlier norms fixed in expectation.

        Returns
        -------
        ndarray of shape (depth + 1, n)
            ``exp(log_scale[l]) * sqrt(diag(grams[l]))``: row ``l`` holds the sample norms
            after ``l`` layers.
        """
        diag = np.sqrt(np.einsum("lii->li", self.grams))
        return np.exp(self.log_scale)[:, None] * diag

    def __repr__(self) -> str:
        c = self.config
        return (f"Trajectory(components={c.components}, width={c.width}, n={c.n}, "
                f"depth={c.depth}, weights={c.weights!r}, weight_var={c.weight_var}, "
                f"seed={self.seed})")


def batch_from_gram(G, *, width=None) -> np.ndarray:
    """A representation ``X`` whose Gram matrix ``X.T @ X`` is ``G``.

    Built from the eigendecomposition of ``G``: one row per positive eigenvalue
    (those above 1e-12 of the largest), padded with zero rows to ``width``. Use it
    to start a network from a prescribed geometry, e.g.
    ``batch_from_gram(theory.invariant_gram(16))``. Identical samples in ``G``
    (equal columns) come out exactly identical.

    Parameters
    ----------
    G : array_like of shape (n, n)
        A Gram matrix (symmetric positive semidefinite).
    width : int, optional
        Number of rows of ``X``, at least the rank of ``G``; default ``n``.

    Returns
    -------
    ndarray of shape (width, n)
        ``X``, samples as columns, with ``X.T @ X == G`` up to rounding.

    Examples
    --------
    >>> from bnteach import metrics, theory
    >>> G = theory.invariant_gram(4)
    >>> X = batch_from_gram(G, width=10)
    >>> X.shape, np.allclose(metrics.gram(X), G)
    ((10, 4), True)
    """
    G = _validation.check_gram(G)
    n = len(G)
    # Identical samples have identical Gram columns: factor the distinct ones, then copy,
    # so that they come out bitwise identical (RS amplifies even rounding differences).
    _, first, inverse = np.unique(G, axis=1, return_index=True, return_inverse=True)
    eig, vec = np.linalg.eigh(G[np.ix_(first, first)])
    keep = eig > 1e-12 * max(eig[-1], 0.0)
    X = (vec[:, keep] * np.sqrt(eig[keep])).T[:, inverse.ravel()]  # (r, n): XᵀX = G
    width = n if width is None else _validation.check_int(width, "width", low=1)
    if width < len(X):
        raise ValueError(f"The 'width' parameter must be at least the rank of G ({len(X)}) to "
                         f"hold the batch; got {width}.")
    return np.vstack([X, np.zeros((width - len(X), n))])


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
    >>> from bnteach import simulate
    >>> X0 = simulate.random_batch(64, 8, rng=0)      # d_in = 64, n = 8
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
            X = layers.apply_components(Z if copies is None else Z[:, copies], components)
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


def random_batch(d, n, *, rank=None, rng=None) -> np.ndarray:
    """A random input batch: i.i.d. standard Gaussian entries.

    Parameters
    ----------
    d, n : int
        Width and batch size (``d >= 1``, ``n >= 2``).
    rank : int, optional
        If given, the samples lie in a random ``rank``-dimensional subspace
        (``1 <= rank <= min(d, n)``): a low-dimensional input, from which structure
        emerges fastest.
    rng : None, int or numpy.random.Generator
        Source of randomness; an int is a seed.

    Returns
    -------
    ndarray of shape (d, n)
        ``X0``, samples as columns. For large ``d`` the samples are nearly orthogonal
        with nearly equal norms.

    Examples
    --------
    >>> from bnteach import metrics
    >>> X0 = random_batch(64, 8, rank=2, rng=0)
    >>> X0.shape, metrics.numerical_rank(metrics.gram(X0))
    ((64, 8), 2)
    """
    d = _validation.check_int(d, "d", low=1)
    n = _validation.check_int(n, "n", low=2)
    rng = _validation.as_generator(rng)
    if rank is None:
        return rng.standard_normal((d, n))
    rank = _validation.check_int(rank, "rank", low=1, high=min(d, n))
    basis = rng.standard_normal((d, rank)) / np.sqrt(rank)
    return basis @ rng.standard_normal((rank, n))            # (d, r) @ (r, n)


def nearly_rank_one(d, n, *, eps=1e-6) -> np.ndarray:
    """A batch that is almost on one line: Daneshmand et al. (2021)'s input.

    The first sample is ``e_1``, and every sample ``j`` also gets ``eps`` in its own
    coordinate ``j mod d``: singular values 1 and about ``eps``. Deterministic. Their
    Fig. 2a starts rescaled linear networks from it to show the batch becoming
    orthogonal (lesson 1, ``lessons/01_linear_networks.ipynb``).

    Parameters
    ----------
    d, n : int
        Width and batch size (``d >= 1``, ``n >= 2``).
    eps : float, default 1e-6
        The small entries, ``> 0``.

    Returns
    -------
    ndarray of shape (d, n)
        ``X0``, samples as columns.

    Examples
    --------
    >>> nearly_rank_one(3, 4, eps=0.1)
    array([[1.1, 0. , 0. , 0.1],
           [0. , 0.1, 0. , 0. ],
           [0. , 0. , 0.1, 0. ]])
    """
    d = _validation.check_int(d, "d", low=1)
    n = _validation.check_int(n, "n", low=2)
    eps = _validation.check_real(eps, "eps", low=0.0, strict=True)
    X = np.zeros((d, n))
    X[0, 0] = 1.0
    X[np.arange(n) % d, np.arange(n)] += eps
    return X


def cluster_outlier(n, d=None, *, noise=0.0, rng=None) -> np.ndarray:
    """The cluster+outlier batch, optionally with the cluster perturbed.

    Samples ``0 .. n−2`` are the unit vector ``e_0`` (the cluster); sample ``n−1`` is
    ``(n−1) e_1`` (the outlier: orthogonal, ``n − 1`` times longer). Its Gram matrix is
    :func:`bnteach.theory.invariant_gram` up to scale. With ``noise > 0`` every
    cluster sample gets ``noise`` times independent standard Gaussian entries in the
    coordinates ``2 .. d−1``, orthogonal to both ``e_0`` and ``e_1``: the perturbation
    whose growth per layer is α(n) in the wide RC+ReLU network (lesson 4,
    ``lessons/04_clustering.ipynb``; derived in this course, checked numerically).

    Parameters
    ----------
    n : int
        Batch size, ``n >= 2``.
    d : int, optional
        Width, default ``n + 2``; at least 2, and at least 3 with noise.
    noise : float, default 0.0
        Standard deviation of the perturbation of the cluster, ``>= 0``.
    rng : None, int or numpy.random.Generator
        Used only when ``noise > 0``.

    Returns
    -------
    ndarray of shape (d, n)
        ``X0``, samples as columns.

    Examples
    --------
    >>> cluster_outlier(4)
    array([[1., 1., 1., 0.],
           [0., 0., 0., 3.],
           [0., 0., 0., 0.],
           [0., 0., 0., 0.],
           [0., 0., 0., 0.],
           [0., 0., 0., 0.]])
    """
    n = _validation.check_int(n, "n", low=2)
    noise = _validation.check_real(noise, "noise", low=0.0)
    d = n + 2 if d is None else _validation.check_int(d, "d", low=3 if noise else 2)
    X = np.zeros((d, n))
    X[0, :-1] = 1.0
    X[1, -1] = n - 1.0
    if noise:
        with np.errstate(over="ignore"):
            X[2:, :-1] = noise * _validation.as_generator(rng).standard_normal((d - 2, n - 1))
        if not np.all(np.isfinite(X)):
            raise ValueError(f"The 'noise' parameter is too large: noise times a Gaussian "
                             f"overflows float64; got {noise!r}.")
    return X
