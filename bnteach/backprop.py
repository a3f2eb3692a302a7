"""The backward pass of the course's network: exact gradients through batch statistics.

A hidden layer computes ``Z = W @ X`` and then, in the course's order, RC (subtract
each neuron's batch mean), RS (divide by its batch root-mean-square) and ReLU;
samples are columns, so the statistics are taken over each row (``axis=1``). In
training mode they are the batch's own, so every sample's output depends on every
other sample of the batch, and the gradient must flow through the mean and the
variance too. For ``Y = RS(RC(Z))`` and an upstream gradient ``dY`` (both
``(d, n)``), with ``r`` the rows' root-mean-square after RC:

* through RS, ``Y = Zc / r``: ``dZc = (dY − Y · mean(dY ⊙ Y)) / r`` (row means);
* through RC, ``Zc = Z − mean(Z)``: ``dZ = dZc − mean(dZc)``.

The read-out is a linear map to ``k`` class scores and the loss the mean softmax
cross-entropy over the batch; there are no biases (RC would remove them anyway).
:func:`grad_check` compares :func:`loss_and_grads` with central finite differences.
:mod:`bnteach.training` trains the network with these gradients (lesson 7).
"""

from __future__ import annotations

import numpy as np

from bnteach import _kernels, _validation

__all__ = ["bn_backward", "forward", "loss_and_grads", "grad_check"]


def check_hidden_components(components) -> tuple[str, ...]:
    """``components`` of a trainable hidden layer: a subset of {"rc", "rs"}, then "relu"."""
    comps = _validation.check_components(components)
    if comps[-1] != "relu":
        raise ValueError(f"The 'components' parameter of a trainable layer must be any subset of "
                         f"{{'rc', 'rs'}} followed by 'relu', e.g. ('rc', 'relu') or "
                         f"('rc', 'rs', 'relu'); got {_validation.describe_value(components)}.")
    return comps


def check_params(params, d_in: int) -> list[np.ndarray]:
    """A list of weight matrices ``(d_out, d_in)`` whose shapes chain from ``d_in``."""
    if isinstance(params, np.ndarray) or not isinstance(params, (list, tuple)) or not params:
        raise TypeError(f"The 'params' parameter must be a non-empty list of weight matrices "
                        f"of shape (d_out, d_in), the last one the read-out; got "
                        f"{_validation.describe_value(params)}.")
    out = []
    for i, W in enumerate(params):
        W = _validation.as_float_array(W, f"params[{i}]")
        expected = out[-1].shape[0] if out else d_in
        if W.ndim != 2 or W.shape[1] != expected:
            raise ValueError(f"params[{i}] must have shape (d_out, {expected}) so that it applies "
                             f"to the {'input X' if i == 0 else f'output of params[{i - 1}]'}; "
                             f"got shape {W.shape}. Weights are (d_out, d_in): did you mean W.T?")
        _validation.check_finite(W, f"params[{i}]")
        out.append(W)
    return out


def check_labels(y, n: int, k: int) -> np.ndarray:
    """Integer class labels of shape ``(n,)`` in ``0 .. k - 1``."""
    arr = np.asarray(y)
    if arr.dtype == bool or arr.dtype.kind not in "iu":
        raise TypeError(f"The 'y' parameter must hold integer class labels 0 .. {k - 1}; got "
                        f"{_validation.describe_value(y)}. Convert with y.astype(int).")
    if arr.shape != (n,):
        raise ValueError(f"The 'y' parameter must have shape (n,) = ({n},), one label per column "
                         f"of X; got shape {arr.shape}.")
    if arr.min() < 0 or arr.max() >= k:
        raise ValueError(f"The 'y' parameter must hold labels in 0 .. {k - 1} (the read-out "
                         f"params[-1] has {k} rows); got labels from {arr.min()} to {arr.max()}.")
    return arr.astype(np.intp)


def _row_mean(A):     # each row's mean over the batch, (d, 1); cheaper than np.mean
    return A.sum(axis=1, keepdims=True) * (1.0 / A.shape[1])


def _divide_rows(A, r):     # A / r for row scales r of shape (d, 1); rows with r = 0 give 0
    if np.all(r > 0):
        return A / r
    return np.divide(A, r, out=np.zeros_like(A), where=r > 0)


def _normalize(Z, comps):
    """RC then RS as the components say; returns (output, root-mean-square or None)."""
    Zc = Z - _row_mean(Z) if "rc" in comps else Z        # RC, as _kernels.recenter
    if "rs" not in comps:
        return Zc, None
    r = np.sqrt(_row_mean(Zc * Zc))                       # (d, 1)
    return _divide_rows(Zc, r), r


def _bn_backward(Y, r, dY, comps):
    """Gradient through RS (Y, r from the forward pass) then RC; rows with r = 0 get 0."""
    dZ = dY
    if "rs" in comps:
        dZ = _divide_rows(dY - Y * _row_mean(dY * Y), r)
    if "rc" in comps:
        dZ = dZ - _row_mean(dZ)
    return dZ


def bn_backward(Z, dY, components=("rc", "rs")) -> np.ndarray:
    """Backpropagate ``dY`` through RC and/or RS with batch statistics (exercise 7.1).

    Parameters
    ----------
    Z : array_like of shape (d, n)
        The input of the normalization, ``W @ X``; samples are columns.
    dY : array_like of shape (d, n)
        The gradient of the loss with respect to the output ``Y``.
    components : iterable of str, default ("rc", "rs")
        Any subset of ``{"rc", "rs"}`` (applied in that order); a non-linearity
        listed too is ignored here.

    Returns
    -------
    ndarray of shape (d, n)
        ``dZ``, the gradient with respect to ``Z`` of ``sum(dY * Y(Z))``. Each row
        gets ``dZc = (dY − Y·mean(dY⊙Y))/r`` through RS and ``dZc − mean(dZc)``
        through RC (derived in this course, checked numerically). Introduced in
        ``lessons/07_training.ipynb``.

    Examples
    --------
    Recentering's gradient is recentered (a constant upstream gradient gives 0), and full
    batch norm is invariant to scaling a row, so its gradient is orthogonal to each row:

    >>> Z = np.array([[1.0, 2.0, 4.0], [0.0, 3.0, -1.0]])
    >>> print(np.abs(bn_backward(Z, np.ones((2, 3)), ("rc",))).max())
    0.0
    >>> dZ = bn_backward(Z, np.array([[1.0, 0.0, 0.5], [2.0, -1.0, 0.0]]))
    >>> print(np.abs((dZ * Z).sum(axis=1)).max() < 1e-12)
    True
    """
    Z = _validation.check_batch(Z, "Z")
    dY = _validation.as_float_array(dY, "dY")
    if dY.shape != Z.shape:
        raise ValueError(f"dY must have the shape of Z, {Z.shape}; got {dY.shape}.")
    _validation.check_finite(dY, "dY")
    comps = _validation.check_components(components)
    Y, r = _normalize(Z, comps)
    return _bn_backward(Y, r, dY, comps)


def forward_pass(params, X, comps):
    """Unchecked forward pass: (cache for the backward pass, last hidden rep, logits)."""
    cache, A = [], X
    for W in params[:-1]:
        Y, r = _normalize(W @ A, comps)          # (d, d_in) @ (d_in, n) -> (d, n)
        cache.append((A, Y, r))
        A = _kernels.relu(Y)
    return cache, A, params[-1] @ A              # logits (k, n)


def cross_entropy(logits, y):
    """Mean softmax cross-entropy and its gradient with respect to the logits."""
    shifted = logits - logits.max(axis=0, keepdims=True)              # (k, n), stable
    log_p = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    n = logits.shape[1]
    loss = -log_p[y, np.arange(n)].mean()
    d_logits = np.exp(log_p)
    d_logits[y, np.arange(n)] -= 1.0
    return float(loss), d_logits / n


def forward(params, X, components=("rc", "relu")) -> tuple[list[np.ndarray], np.ndarray]:
    """Run the network on one batch, with that batch's statistics.

    Parameters
    ----------
    params : list of ndarray
        Weight matrices of shape ``(d_out, d_in)``; the last one is the read-out.
    X : array_like of shape (d_in, n)
        The input batch, samples as columns.
    components : iterable of str, default ("rc", "relu")
        Any subset of ``{"rc", "rs"}`` followed by ``"relu"``.

    Returns
    -------
    reps : list of ndarray of shape (d, n)
        The hidden representations, one per hidden layer (their Gram matrices are
        what lessons 1–4 measure).
    logits : ndarray of shape (k, n)
        The read-out's class scores.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> params = [rng.standard_normal((8, 4)), rng.standard_normal((3, 8))]
    >>> reps, logits = forward(params, rng.standard_normal((4, 5)))
    >>> [R.shape for R in reps], logits.shape
    ([(8, 5)], (3, 5))
    """
    X = _validation.check_batch(X, "X")
    params = check_params(params, X.shape[0])
    cache, _, logits = forward_pass(params, X, check_hidden_components(components))
    return [_kernels.relu(Y) for _, Y, _ in cache], logits


def loss_and_grads(params, X, y, components=("rc", "relu")) -> tuple[float, list[np.ndarray]]:
    """The mean softmax cross-entropy on one batch and its exact gradient.

    Parameters
    ----------
    params : list of ndarray
        Weight matrices of shape ``(d_out, d_in)``, the last one the read-out ``(k, d)``.
    X : array_like of shape (d_in, n)
        The batch, samples as columns.
    y : array_like of int, shape (n,)
        Class labels ``0 .. k - 1``.
    components : iterable of str, default ("rc", "relu")
        Any subset of ``{"rc", "rs"}`` followed by ``"relu"``, e.g. ``("relu",)``
        (no normalization) or ``("rc", "rs", "relu")`` (batch norm, no γ, β).

    Returns
    -------
    loss : float
        Mean cross-entropy over the batch.
    grads : list of ndarray
        ``dloss/dW`` for each matrix of ``params``, same shapes. The gradient
        flows through the batch mean and variance (training mode).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> params = [rng.standard_normal((6, 4)), rng.standard_normal((3, 6))]
    >>> loss, grads = loss_and_grads(params, rng.standard_normal((4, 5)), np.array([0, 1, 2, 0, 1]))
    >>> [g.shape for g in grads]
    [(6, 4), (3, 6)]
    """
    X = _validation.check_batch(X, "X")
    params = check_params(params, X.shape[0])
    comps = check_hidden_components(components)
    y = check_labels(y, X.shape[1], params[-1].shape[0])
    loss, grads, _ = gradients(params, X, y, comps)
    return loss, grads


def gradients(params, X, y, comps):
    """Unchecked :func:`loss_and_grads` that also returns the logits ``(k, n)``."""
    cache, A, logits = forward_pass(params, X, comps)
    loss, d_logits = cross_entropy(logits, y)
    grads = [d_logits @ A.T]                     # (k, n) @ (n, d) -> (k, d)
    dA = params[-1].T @ d_logits                 # (d, n)
    for W, (A_in, Y, r) in zip(reversed(params[:-1]), reversed(cache)):
        dZ = _bn_backward(Y, r, dA * (Y > 0), comps)
        grads.append(dZ @ A_in.T)                # (d, n) @ (n, d_in)
        dA = W.T @ dZ
    return loss, grads[::-1], logits


def grad_check(params, X, y, components=("rc", "relu"), eps=1e-6, rng=None, *,
               n_entries=10) -> float:
    """Largest relative error between :func:`loss_and_grads` and central finite differences.

    Parameters
    ----------
    params : list of ndarray
        Weight matrices ``(d_out, d_in)``, the last one the read-out, as for
        :func:`loss_and_grads`.
    X : array_like of shape (d_in, n)
        The batch, samples as columns.
    y : array_like of int, shape (n,)
        Class labels ``0 .. k - 1``.
    components : iterable of str, default ("rc", "relu")
        Any subset of ``{"rc", "rs"}`` followed by ``"relu"``.
    eps : float, default 1e-6
        The finite-difference step, ``(L(W + eps) − L(W − eps)) / (2 eps)``.
    rng : None, int or numpy.random.Generator
        Picks the entries to check.
    n_entries : int, default 10
        Entries checked per matrix, drawn at random among those whose analytic gradient
        is at least 1e-2 of the matrix's largest (all entries if that is 0): for
        smaller ones the rounding error of the differences, about 1e-10, would
        dominate the relative error.

    Returns
    -------
    float
        ``max |fd − an| / max(|fd| + |an|, 1e-12)`` over the checked entries; in
        float64 below 1e-6 when the gradient is right, 1e-2 or more for the classic
        mistakes (a dropped mean or variance term).

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> params = [rng.standard_normal((6, 4)), rng.standard_normal((6, 6)),
    ...           rng.standard_normal((3, 6))]
    >>> X, y = rng.standard_normal((4, 5)), np.array([0, 1, 2, 0, 1])
    >>> print(grad_check(params, X, y, ("rc", "rs", "relu"), rng=0) < 1e-6)
    True
    """
    X = _validation.check_batch(X, "X")
    params = check_params(params, X.shape[0])
    comps = check_hidden_components(components)
    y = check_labels(y, X.shape[1], params[-1].shape[0])
    eps = _validation.check_real(eps, "eps", strict=True)
    n_entries = _validation.check_int(n_entries, "n_entries", low=1)
    rng = _validation.as_generator(rng)
    _, grads = loss_and_grads(params, X, y, comps)
    worst = 0.0
    for i, W in enumerate(params):
        # Entries whose gradient is below 1e-2 of the matrix's largest are left out: there the
        # differences' rounding error (about 1e-10) is not small against the gradient.
        g = np.abs(grads[i]).ravel()
        checkable = np.flatnonzero(g >= 1e-2 * g.max()) if g.max() > 0 else np.arange(W.size)
        picks = rng.choice(checkable, size=min(n_entries, checkable.size), replace=False)
        for flat in picks:
            idx = np.unravel_index(flat, W.shape)
            losses = []
            for step in (eps, -eps):
                shifted = [P.copy() if j == i else P for j, P in enumerate(params)]
                shifted[i][idx] += step
                losses.append(cross_entropy(forward_pass(shifted, X, comps)[2], y)[0])
            fd, an = (losses[0] - losses[1]) / (2 * eps), grads[i][idx]
            worst = max(worst, abs(fd - an) / max(abs(fd) + abs(an), 1e-12))
    return float(worst)
