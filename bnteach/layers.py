"""One layer of a random network, taken apart into its batch-norm components.

A representation ``X`` has shape ``(d, n)`` = (width, batch): samples are
columns, neurons are rows, and batch norm acts on each row across the batch.
A layer computes ``Z = W @ X`` and then, in this fixed order,

1. **RC** (recentering): subtract each neuron's batch mean, ``Z @ P`` with
   ``P = I_n - 11ᵀ/n``;
2. **RS** (rescaling): divide each neuron by its batch root-mean-square, which
   after RC is its batch standard deviation. RC then RS is batch norm at
   initialization (no γ, β); RS alone is the normalization of Daneshmand,
   Joudaki and Bach (2021), up to a factor √n;
3. **NL**: a non-linearity, ``relu``, ``tanh`` or ``linear`` (none).

The decomposition into RC, RS and NL is the one of Nachum, Bondaschi, Gastpar
and Khina, "Batch Normalization Decomposed" (arXiv 2412.02843, abstract).
None of these functions modifies its input.
"""

from __future__ import annotations

import numpy as np

from bnteach import _kernels, _validation

__all__ = ["recenter", "rescale", "relu", "bn_layer", "centering_matrix", "centered_gram"]


def centering_matrix(n: int) -> np.ndarray:
    """The centering matrix ``P = I_n - 11ᵀ/n``.

    Parameters
    ----------
    n : int
        Batch size, ``n >= 1``.

    Returns
    -------
    ndarray of shape (n, n)
        ``P``. ``Z @ P`` subtracts each row's mean, which is recentering (RC,
        :func:`recenter`); ``P`` is a symmetric projection (``P @ P == P``) onto the
        vectors orthogonal to ``1``. Introduced in ``lessons/02_recentering.ipynb``.

    Examples
    --------
    >>> np.round(centering_matrix(3), 3)
    array([[ 0.667, -0.333, -0.333],
           [-0.333,  0.667, -0.333],
           [-0.333, -0.333,  0.667]])
    """
    n = _validation.check_int(n, "n", low=1)
    return np.eye(n) - 1.0 / n


def centered_gram(G) -> np.ndarray:
    """RC seen on the Gram matrix: ``P G P``, the Gram matrix of the recentered batch.

    If ``G = X.T @ X``, then ``recenter(X) = X @ P`` has Gram matrix ``P G P``
    (``P`` is symmetric). The wide network (:mod:`bnteach.meanfield`) applies RC
    this way, and :func:`bnteach.metrics.centered_norms` reads its diagonal.
    Computed without forming ``P``: subtract the column means, then the row means.

    Parameters
    ----------
    G : array_like of shape (n, n)
        A Gram matrix (any real square matrix is accepted: ``P G P`` is defined).

    Returns
    -------
    ndarray of shape (n, n)
        ``P G P`` with ``P = I_n - 11ᵀ/n`` (:func:`centering_matrix`): every row and
        every column sums to zero. Introduced in ``lessons/03_relu.ipynb``.

    Raises
    ------
    ValueError
        If ``G`` is not square or not finite, or centering overflows float64 (divide
        ``G`` by a constant first).

    Examples
    --------
    Two orthogonal unit vectors are ``±(e_0 − e_1)/2`` after recentering:

    >>> print(centered_gram(np.eye(2)))
    [[ 0.5 -0.5]
     [-0.5  0.5]]
    >>> G = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 1.0]])
    >>> P = centering_matrix(3)
    >>> print(np.allclose(centered_gram(G), P @ G @ P))
    True
    """
    G = _validation.as_float_array(G, "G")
    if G.ndim != 2 or G.shape[0] != G.shape[1] or G.shape[0] < 1:
        raise ValueError(f"G must be a square matrix of shape (n, n), e.g. a Gram matrix "
                         f"X.T @ X; got shape {G.shape}.")
    _validation.check_finite(G, "G")
    with np.errstate(over="ignore", invalid="ignore"):
        C = _kernels.centered_gram(G)
    if not np.all(np.isfinite(C)):
        raise ValueError("centering G overflows float64: its entries are too large (near "
                         "1e308). Divide G by a constant first; angles and norm ratios do not "
                         "depend on the scale.")
    return C


def recenter(Z) -> np.ndarray:
    """Subtract each neuron's batch mean (RC).

    Parameters
    ----------
    Z : array_like of shape (d, n)
        Pre-normalization ``W @ X``; samples are columns, ``n >= 2``.

    Returns
    -------
    ndarray of shape (d, n)
        ``Z @ P`` with ``P = I_n - 11ᵀ/n`` (:func:`centering_matrix`): every row has
        mean zero. ``Z`` itself is not modified. Introduced in
        ``lessons/02_recentering.ipynb``.

    Examples
    --------
    Each row (a neuron) loses its mean over the batch (the row):

    >>> Z = np.array([[1.0, 2.0, 3.0],
    ...               [0.0, 0.0, 6.0]])
    >>> recenter(Z)
    array([[-1.,  0.,  1.],
           [-2., -2.,  4.]])
    >>> np.allclose(recenter(Z), Z @ centering_matrix(3))
    True
    """
    Z = _validation.check_batch(Z, "Z")
    with np.errstate(over="ignore", invalid="ignore"):      # near 1e308 the mean overflows
        return _check_overflow(_kernels.recenter(Z), "Z", "recentering")


def rescale(Z, eps: float = 0.0) -> np.ndarray:
    """Divide each neuron by its batch root-mean-square (RS).

    Parameters
    ----------
    Z : array_like of shape (d, n)
        Samples are columns, ``n >= 2``.
    eps : float, default 0.0
        Added to the mean square, as in ``torch.nn.BatchNorm1d``: each row is divided
        by ``sqrt(mean(z**2) + eps)``.

    Returns
    -------
    ndarray of shape (d, n)
        ``diag(Z Zᵀ/n)^(-1/2) Z``: every row has mean square 1 (for ``eps = 0``).
        After :func:`recenter` the root-mean-square is the batch standard deviation,
        so ``rescale(recenter(Z))`` is batch norm at initialization; alone, it is the
        rescaling of Daneshmand et al. (2021), whose ``diag(Z Zᵀ)^(-1/2) Z`` differs
        from it by a factor √n. Introduced in ``lessons/01_linear_networks.ipynb``.

    Raises
    ------
    ValueError
        If a row is all zeros and ``eps == 0``: its scale is undefined.

    Examples
    --------
    The second row has root-mean-square ``sqrt(9/4) = 1.5``; the first is already 1:

    >>> rescale(np.array([[1.0, -1.0, 1.0, -1.0],
    ...                   [3.0,  0.0, 0.0,  0.0]]))
    array([[ 1., -1.,  1., -1.],
           [ 2.,  0.,  0.,  0.]])
    """
    Z = _validation.check_batch(Z, "Z")
    eps = _validation.check_real(eps, "eps", low=0.0)
    if eps == 0.0:
        zero = np.flatnonzero(~np.any(Z, axis=1))
        if zero.size:
            shown = zero[:5].tolist() + (["..."] if zero.size > 5 else [])
            raise ValueError(f"rescale: row(s) {shown} of Z are all zero, so their batch "
                             f"root-mean-square is 0 and dividing by it is undefined. Pass "
                             f"eps > 0 (e.g. eps=1e-5, as in torch.nn.BatchNorm1d).")
    return _kernels.rescale(Z, eps)


def relu(Z) -> np.ndarray:
    """The rectifier ``max(Z, 0)``, elementwise (the non-linearity NL of the course).

    Parameters
    ----------
    Z : array_like of shape (d, n)
        Pre-activations, samples as columns.

    Returns
    -------
    ndarray of shape (d, n)
        ``max(Z, 0)``. A neuron is active on a sample when its entry is > 0
        (:func:`bnteach.metrics.active_counts`). Introduced in ``lessons/03_relu.ipynb``.

    Examples
    --------
    >>> relu(np.array([[-1.0, 2.0],
    ...                [0.5, -3.0]]))
    array([[0. , 2. ],
           [0.5, 0. ]])
    """
    return _kernels.relu(_validation.check_batch(Z, "Z"))


def bn_layer(X, W, components=("rc", "relu")) -> np.ndarray:
    """One layer: ``Z = W @ X``, then the named components in the order rc, rs, NL.

    Parameters
    ----------
    X : array_like of shape (d_in, n)
        The incoming representation, samples as columns.
    W : array_like of shape (d, d_in)
        The weights.
    components : iterable of str, default ("rc", "relu")
        Any subset of ``{"rc", "rs"}`` plus at most one non-linearity from
        ``{"relu", "tanh", "linear"}`` (none means linear). The order given is
        ignored: the layer always applies rc, then rs, then the non-linearity.

    Returns
    -------
    ndarray of shape (d, n)
        The outgoing representation, e.g. ``relu(recenter(W @ X))`` for the default
        RC+ReLU. With ``("rc", "rs", ...)`` it is batch norm at initialization (no γ,
        β, ε). The decomposition is the one of Nachum et al. (arXiv 2412.02843,
        abstract); :func:`bnteach.simulate.run` stacks such layers. Used from
    ``lessons/02_recentering.ipynb`` on.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((8, 4))          # d_in = 8, a batch of n = 4
    >>> W = rng.standard_normal((16, 8))         # width d = 16
    >>> bn_layer(X, W, components=("rc", "rs", "relu")).shape
    (16, 4)

    Without the non-linearity, every neuron has batch mean 0 and mean square 1:

    >>> Y = bn_layer(X, W, components=("rc", "rs", "linear"))
    >>> np.allclose(Y.mean(axis=1), 0), np.allclose((Y ** 2).mean(axis=1), 1)
    (True, True)
    """
    X = _validation.check_batch(X, "X")
    W = _validation.as_float_array(W, "W")
    if W.ndim != 2 or W.shape[1] != X.shape[0]:
        raise ValueError(f"W must have shape (d, d_in) with d_in = X.shape[0] = {X.shape[0]} "
                         f"so that W @ X is defined; got W of shape {W.shape}. Did you mean W.T?")
    _validation.check_finite(W, "W")
    components = _validation.check_components(components)
    with np.errstate(over="ignore", invalid="ignore"):   # refused below if it overflows
        Z = _check_overflow(W @ X, "W and X", "W @ X")  # (d, d_in) @ (d_in, n) -> (d, n)
        if "rs" in components:
            # A zero row would be an error in rescale(); report it in the layer's terms.
            if not np.all(np.any(_kernels.recenter(Z) if "rc" in components else Z, axis=1)):
                raise ValueError("bn_layer: a neuron's pre-activations are constant over the "
                                 "batch, so rescaling divides by zero. This happens when W has a "
                                 "zero row or the batch's samples are identical; use "
                                 "rescale(Z, eps=...) by hand if you need an epsilon.")
        return _check_overflow(_kernels.apply_components(Z, components), "W and X",
                               "the layer")


def _check_overflow(out: np.ndarray, name: str, what: str) -> np.ndarray:
    """Refuse a result that left float64's range (inputs were finite, so it overflowed)."""
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{what} overflows float64: the entries of {name} are too large "
                         f"(near 1e308). Divide by a constant first; angles and ranks do not "
                         f"depend on the scale.")
    return out
