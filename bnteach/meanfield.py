"""The infinitely wide network: a deterministic map on the batch's Gram matrix.

With weights i.i.d. N(0, σ²/d_in), the rows of ``W @ X`` are i.i.d. Gaussian
vectors with covariance ``σ² G / d_in``, where ``G = X.T @ X`` is the ``(n, n)``
Gram matrix. As the width ``d → ∞`` the next layer's Gram matrix, divided by
``d``, is an expectation over one such row, so the whole network becomes a
deterministic map ``G ↦ F(G)`` on n×n matrices:

* RC replaces ``G`` by ``P G P`` (``P = I_n − 11ᵀ/n``);
* ReLU maps a covariance ``C`` to the degree-1 arc-cosine kernel
  ``K(C)_ij = (s_i s_j / 2π) [sin θ_ij + (π − θ_ij) cos θ_ij]``, with
  ``s_i² = C_ii`` and ``cos θ_ij = C_ij / (s_i s_j)`` (Cho and Saul, 2009);
* linear keeps ``C``; tanh is computed by Gauss–Hermite quadrature.

RS has no closed form (it divides by a random per-neuron statistic), so
components with ``"rs"`` are refused here: use :func:`bnteach.simulate.run`.
A finite width adds fluctuations of order ``1/√d`` per layer.

Source: the map is standard (the "NNGP" or mean-field limit); its use for RC +
ReLU is derived in this course and checked against wide simulations in the tests.
"""

from __future__ import annotations

import numpy as np

from bnteach import _validation, layers
from bnteach.trajectory import NetConfig, Trajectory

__all__ = ["step", "run"]

_HERMITE_NODES = 48
#: run() refuses to store more Gram-matrix entries than this (256 MB of float64).
MAX_ENTRIES = 32 * 2 ** 20


def _relu_kernel(C: np.ndarray) -> np.ndarray:
    """E[relu(u_i) relu(u_j)] for u ~ N(0, C); zero-variance samples give zero rows."""
    s = np.sqrt(np.clip(np.diag(C), 0.0, None))
    ss = np.outer(s, s)
    cos = np.clip(np.divide(C, ss, out=np.zeros_like(C), where=ss > 0), -1.0, 1.0)
    theta = np.arccos(cos)
    return ss * (np.sin(theta) + (np.pi - theta) * cos) / (2 * np.pi)


def _tanh_kernel(C: np.ndarray) -> np.ndarray:
    """E[tanh(u_i) tanh(u_j)] for u ~ N(0, C), by 2-D Gauss–Hermite quadrature."""
    x, w = np.polynomial.hermite_e.hermegauss(_HERMITE_NODES)  # weight exp(-x²/2)
    w = w / w.sum()
    s = np.sqrt(np.clip(np.diag(C), 0.0, None))
    ss = np.outer(s, s)
    rho = np.clip(np.divide(C, ss, out=np.zeros_like(C), where=ss > 0), -1.0, 1.0)
    # u = s_i z1, v = s_j (rho z1 + sqrt(1 - rho²) z2), z1, z2 independent N(0, 1)
    u = np.tanh(s[:, None, None, None] * x[:, None])                       # (n, 1, q, 1)
    v = np.tanh(s[None, :, None, None] * (rho[:, :, None, None] * x[:, None]
                                          + np.sqrt(1 - rho ** 2)[:, :, None, None] * x))
    K = np.einsum("ijab,a,b->ij", u * v, w, w)                              # (n, n)
    return (K + K.T) / 2


def _normalize(G: np.ndarray) -> np.ndarray:
    return G * (len(G) / np.trace(G))


def _check_components(components) -> tuple[str, ...]:
    components = _validation.check_components(components)
    if "rs" in components:
        raise ValueError(f"meanfield has no closed form for rescaling (RS): it divides each "
                         f"neuron by a random batch statistic. Got components={components}. "
                         f"Simulate a finite width instead with bnteach.simulate.run(X0, depth, "
                         f"components={components}).")
    return components


def _step(G: np.ndarray, components: tuple[str, ...], weight_var: float) -> np.ndarray:
    """One layer on a trusted Gram matrix; the raw (unnormalized) next Gram per neuron."""
    C = weight_var * G
    if "rc" in components:
        C = layers.centered_gram(C)                # P C P
    nonlin = components[-1]
    if nonlin == "relu":
        return _relu_kernel(C)
    if nonlin == "tanh":
        return _tanh_kernel(C)
    return C


def _check_input(G0, components, weight_var, name):
    G0 = _validation.check_gram(G0, name)
    components = _check_components(components)
    weight_var = _validation.check_real(weight_var, "weight_var", strict=True)
    if np.trace(G0) <= 0:
        raise ValueError(f"{name} is all zeros: the batch has no direction to follow.")
    if "rc" in components:
        centered = layers.centered_gram(G0)
        if np.trace(centered) <= 1e-12 * np.trace(G0):
            raise ValueError(f"{name} describes a batch of identical samples: recentering maps "
                             f"it to zero. Give the samples different directions or norms.")
    if components[-1] != "tanh":
        # relu and linear layers are positively homogeneous and their output is normalized:
        # the weight variance cancels, so use the default's.
        return G0, components, 2.0
    if not np.isfinite(4 * np.sum(np.abs(weight_var * G0))):   # P C P stays finite too
        raise ValueError(f"weight_var * {name} overflows float64 (max |{name}| is "
                         f"{np.abs(G0).max():.3g}): a tanh layer depends on this scale. "
                         f"Pass a smaller {name} or weight_var.")
    return G0, components, weight_var


def step(G, components=("rc", "relu"), *, weight_var: float = 2.0) -> np.ndarray:
    """One layer of the infinitely wide network, on the Gram matrix.

    Up to scale, ``G ↦ K(P G P)`` for RC+ReLU, with ``P = I_n − 11ᵀ/n`` and ``K``
    the degree-1 arc-cosine kernel of the module docstring; ``G ↦ K(G)`` for
    ReLU without RC, ``P G P`` or ``G`` for linear layers, and a Gauss–Hermite
    quadrature for tanh. Introduced in ``lessons/03_relu.ipynb``.

    Parameters
    ----------
    G : array_like of shape (n, n)
        Gram matrix of the incoming batch (e.g. ``metrics.gram(X)``), read as the
        per-neuron second moments ``X.T @ X / d_in``.
    components : iterable of str, default ("rc", "relu")
        As in :func:`bnteach.layers.bn_layer`, without ``"rs"``.
    weight_var : float, default 2.0
        Weight variance times the fan-in. Irrelevant for relu and linear (they are
        positively homogeneous and the output is normalized); it sets the
        pre-activation scale for tanh.

    Returns
    -------
    ndarray of shape (n, n)
        For relu and linear, the next layer's Gram matrix scaled to trace n. For
        tanh, whose output depends on the input's scale, the next layer's
        per-neuron Gram matrix itself (not rescaled), so that steps chain exactly.

    Examples
    --------
    An orthogonal batch becomes equiangular at cosine κ(4) in one wide RC+ReLU layer:

    >>> from bnteach import metrics
    >>> np.round(metrics.cosines(step(np.eye(4))), 4)
    array([[1.    , 0.1695, 0.1695, 0.1695],
           [0.1695, 1.    , 0.1695, 0.1695],
           [0.1695, 0.1695, 1.    , 0.1695],
           [0.1695, 0.1695, 0.1695, 1.    ]])
    """
    G, components, weight_var = _check_input(G, components, weight_var, "G")
    K = _step(G, components, weight_var)
    if np.trace(K) <= 0:
        raise ValueError("the layer maps the batch G to zero (every pre-activation is <= 0).")
    return K if components[-1] == "tanh" else _normalize(K)


def run(G0, depth: int, components=("rc", "relu"), *, weight_var: float = 2.0) -> Trajectory:
    """Iterate :func:`step` ``depth`` times: the wide-limit counterpart of ``simulate.run``.

    Returns the same :class:`~bnteach.trajectory.Trajectory` record as
    :func:`bnteach.simulate.run`, with no width (``config.width is None``), so that
    :func:`bnteach.metrics.describe`, the plots and the widgets take either.

    Parameters
    ----------
    G0 : array_like of shape (n, n)
        Gram matrix of the input batch.
    depth : int
        Number of layers, ``>= 0``.
    components : iterable of str, default ("rc", "relu")
        As in :func:`step`: no ``"rs"``.
    weight_var : float, default 2.0
        As in :func:`step`; matters only for tanh.

    Returns
    -------
    Trajectory
        The same record as :func:`bnteach.simulate.run` returns
        (:class:`bnteach.trajectory.Trajectory`), without a width:
        ``grams`` of shape ``(depth + 1, n, n)``, where ``grams[0]`` is ``G0`` and
        ``grams[l]`` the Gram matrix after ``l`` layers, every one scaled to trace n
        (the angles and norm ratios are unchanged); ``config.width`` and
        ``config.d_in`` are ``None`` (the wide limit) and ``log_scale`` is ``None``.

    Examples
    --------
    >>> from bnteach import meanfield, metrics
    >>> import numpy as np
    >>> traj = meanfield.run(np.eye(8), depth=1)
    >>> traj
    Trajectory(components=('rc', 'relu'), width=None, n=8, depth=1, weights='gaussian',
               weight_var=2.0, seed=None)
    >>> print(f"{metrics.cosines(traj.grams[1])[0, 1]:.4f}")   # kappa(8)
    0.2501
    """
    G0, components, used_var = _check_input(G0, components, weight_var, "G0")
    weight_var = float(weight_var)          # as given (checked above), for the record
    depth = _validation.check_int(depth, "depth", low=0)
    n = len(G0)
    if (depth + 1) * n * n > MAX_ENTRIES:
        raise ValueError(f"run: depth {depth} with a batch of {n} would store "
                         f"{(depth + 1) * n * n:.2g} Gram entries (limit {MAX_ENTRIES:.0e}, about "
                         f"{MAX_ENTRIES * 8 // 2**20} MB). Use fewer layers, or step() in a loop "
                         f"keeping only what you need.")
    grams = np.empty((depth + 1,) + G0.shape)
    grams[0] = _normalize(G0)
    G = G0
    for layer in range(1, depth + 1):
        K = _step(G, components, used_var)
        if np.trace(K) <= 0:
            raise ValueError(f"layer {layer} maps the batch G0 to zero (every pre-activation "
                             f"<= 0).")
        grams[layer] = _normalize(K)
        G = K if components[-1] == "tanh" else grams[layer]
    config = NetConfig(width=None, d_in=None, n=n, depth=depth, components=components,
                       weights="gaussian", weight_var=weight_var)
    return Trajectory(grams, None, config)
