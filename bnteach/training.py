"""Train the course's network with plain SGD, and watch a probe batch's geometry as it learns.

Lessons 1–4 study random networks at initialization; lesson 7 trains them. The
network is the one of :mod:`bnteach.backprop`: hidden layers ``W`` → any subset of
{RC, RS} → ReLU, samples as columns, no biases, and a softmax cross-entropy
read-out. :func:`init_params` draws the weights as lessons 1–4 do (variance
``weight_var / d_in``: 2 is He initialization, ``2 * theory.alpha(n)`` lesson 4's
variance), and :func:`train` runs minibatch SGD (with optional momentum) and
records a :class:`History`.

**Batch statistics, held-out set.** Every forward pass, training or evaluation,
normalizes with the statistics of the batch it is given (training mode; there are
no running averages). The held-out set is evaluated in consecutive batches of
``batch_size`` samples, each normalized with its own statistics, the same
convention as the training batches; the probe batch is one such batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bnteach import _validation, backprop

__all__ = ["History", "init_params", "evaluate", "train"]


@dataclass(frozen=True)
class History:
    """What :func:`train` records.

    Attributes
    ----------
    train_loss, train_acc : ndarray of shape (steps,)
        Loss and accuracy on the training batch of each step, before its update.
    eval_steps : ndarray of shape (m,)
        The steps at which the held-out set was evaluated (0 = before training).
    test_loss, test_acc : ndarray of shape (m,)
        Mean loss and accuracy on the held-out set at ``eval_steps``.
    probe_steps : ndarray of shape (p,)
        The steps at which the probe batch's Gram matrix was recorded.
    probe_grams : ndarray of shape (p, n_probe, n_probe)
        Gram matrix of the probe batch's last hidden representation at ``probe_steps``.
    params : list of ndarray
        The trained weights.
    """

    train_loss: np.ndarray
    train_acc: np.ndarray
    eval_steps: np.ndarray
    test_loss: np.ndarray
    test_acc: np.ndarray
    probe_steps: np.ndarray
    probe_grams: np.ndarray
    params: list


def init_params(d_in: int, width: int, depth: int, n_classes: int, *, weight_var=2.0,
                rng=None) -> list[np.ndarray]:
    """Gaussian weights for ``depth`` hidden layers of ``width`` neurons and a read-out.

    Parameters
    ----------
    d_in : int
        Input dimension (64 for the 8×8 digits).
    width : int
        Neurons per hidden layer, d.
    depth : int
        Number of hidden layers, L >= 1.
    n_classes : int
        Rows of the read-out, k >= 2.
    weight_var : float, default 2.0
        Hidden weights have variance ``weight_var / d_in`` of their layer: 2 is He
        initialization; ``2 * bn.theory.alpha(n)`` the variance of lesson 4.
        The read-out has variance ``1 / width``.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    list of ndarray
        ``depth + 1`` matrices of shapes ``(width, d_in)``, ``(width, width)``, ...,
        ``(n_classes, width)``.

    Examples
    --------
    >>> [W.shape for W in init_params(64, 32, 3, 10, rng=0)]
    [(32, 64), (32, 32), (32, 32), (10, 32)]
    """
    d_in = _validation.check_int(d_in, "d_in", low=1)
    width = _validation.check_int(width, "width", low=1)
    depth = _validation.check_int(depth, "depth", low=1)
    n_classes = _validation.check_int(n_classes, "n_classes", low=2)
    weight_var = _validation.check_real(weight_var, "weight_var", strict=True)
    rng = _validation.as_generator(rng)
    sizes = [d_in] + [width] * depth
    params = [rng.standard_normal((d_out, d)) * np.sqrt(weight_var / d)
              for d, d_out in zip(sizes[:-1], sizes[1:])]
    return params + [rng.standard_normal((n_classes, width)) / np.sqrt(width)]


def _evaluate(params, X, y, comps, batch_size):
    """Mean loss and accuracy over consecutive batches, each with its own statistics."""
    n = X.shape[1]
    starts = range(0, n - batch_size + 1, batch_size) if n >= batch_size else [0]
    losses, correct, seen = [], 0, 0
    for s in starts:
        stop = n if n < batch_size else s + batch_size
        logits = backprop.forward_pass(params, X[:, s:stop], comps)[2]
        losses.append(backprop.cross_entropy(logits, y[s:stop])[0] * (stop - s))
        correct += int(np.sum(np.argmax(logits, axis=0) == y[s:stop]))
        seen += stop - s
    return float(np.sum(losses) / seen), correct / seen


def evaluate(params, X, y, components=("rc", "relu"), batch_size=32) -> tuple[float, float]:
    """Mean loss and accuracy on ``X``, in batches of ``batch_size`` with their own statistics.

    Parameters
    ----------
    params : list of ndarray
        The weights, as for :func:`bnteach.backprop.loss_and_grads`.
    X : array_like of shape (d_in, n)
        Samples as columns.
    y : array_like of int, shape (n,)
        Class labels.
    components : iterable of str, default ("rc", "relu")
        Any subset of ``{"rc", "rs"}`` followed by ``"relu"``.
    batch_size : int, default 32
        Consecutive batches of this size are normalized with their own statistics;
        a remainder smaller than a batch is left out (all of ``X`` if ``n < batch_size``).

    Returns
    -------
    loss : float
        Mean cross-entropy over the samples evaluated.
    accuracy : float
        Fraction classified correctly (argmax of the read-out).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> params = init_params(4, 8, 2, 3, rng=rng)
    >>> loss, acc = evaluate(params, rng.standard_normal((4, 20)), np.arange(20) % 3, batch_size=10)
    >>> 0 <= acc <= 1
    True
    """
    X = _validation.check_batch(X, "X")
    params = backprop.check_params(params, X.shape[0])
    comps = backprop.check_hidden_components(components)
    y = backprop.check_labels(y, X.shape[1], params[-1].shape[0])
    batch_size = _validation.check_int(batch_size, "batch_size", low=2)
    return _evaluate(params, X, y, comps, batch_size)


def train(params, X, y, *, components=("rc", "relu"), steps=100, lr=0.1, momentum=0.0,
          batch_size=32, X_test=None, y_test=None, eval_every=1, probe=None,
          probe_steps=(), rng=None) -> History:
    """Minibatch SGD on the mean cross-entropy, recording losses and a probe batch's Gram matrix.

    Parameters
    ----------
    params : list of ndarray
        Initial weights (e.g. from :func:`init_params`); not modified.
    X : array_like of shape (d_in, n)
        Training samples as columns; ``y`` their labels, shape ``(n,)``.
    y : array_like of int, shape (n,)
        Training labels ``0 .. k - 1``.
    components : iterable of str, default ("rc", "relu")
        Any subset of ``{"rc", "rs"}`` followed by ``"relu"``.
    steps : int, default 100
        Number of SGD updates.
    lr : float, default 0.1
        Learning rate.
    momentum : float, default 0.0
        Heavy-ball momentum in ``[0, 1)``: ``v ← momentum·v − lr·grad``, ``W ← W + v``.
    batch_size : int, default 32
        Samples per step, drawn without replacement (a new permutation every epoch).
    X_test, y_test : array_like, optional
        A held-out set, evaluated at step 0 and every ``eval_every`` steps, in
        batches of ``batch_size`` with their own statistics (module docstring).
    eval_every : int, default 1
        Steps between evaluations of the held-out set.
    probe : array_like of shape (d_in, n_probe), optional
        A fixed batch whose last hidden representation's Gram matrix is recorded.
    probe_steps : iterable of int, default ()
        Steps (0 … steps) at which to record it; step s is after s updates.
    rng : None, int or numpy.random.Generator
        Draws the minibatches.

    Returns
    -------
    History
        Losses, accuracies, probe Gram matrices and the trained weights.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.standard_normal((4, 60)), np.arange(60) % 3
    >>> h = train(init_params(4, 8, 2, 3, rng=rng), X, y, steps=20, batch_size=10,
    ...           probe=X[:, :6], probe_steps=[0, 20], rng=rng)
    >>> h.train_loss.shape, h.probe_grams.shape
    ((20,), (2, 6, 6))
    """
    X = _validation.check_batch(X, "X")
    params = [W.copy() for W in backprop.check_params(params, X.shape[0])]
    comps = backprop.check_hidden_components(components)
    y = backprop.check_labels(y, X.shape[1], params[-1].shape[0])
    steps = _validation.check_int(steps, "steps", low=1)
    lr = _validation.check_real(lr, "lr", strict=True)
    momentum = _validation.check_real(momentum, "momentum")
    if momentum >= 1:
        raise ValueError(f"The 'momentum' parameter must be in [0, 1); got {momentum!r}.")
    batch_size = _validation.check_int(batch_size, "batch_size", low=2, high=X.shape[1])
    eval_every = _validation.check_int(eval_every, "eval_every", low=1)
    if (X_test is None) != (y_test is None):
        raise ValueError("Pass both X_test and y_test, or neither.")
    if X_test is not None:
        X_test = _validation.check_batch(X_test, "X_test")
        if X_test.shape[0] != X.shape[0]:
            raise ValueError(f"X_test must have d_in = {X.shape[0]} rows like X; got shape "
                             f"{X_test.shape}.")
        y_test = backprop.check_labels(y_test, X_test.shape[1], params[-1].shape[0])
    probe_at = sorted({_validation.check_int(s, "probe_steps", high=steps) for s in probe_steps})
    if probe_at and probe is None:
        raise ValueError("probe_steps needs a probe batch: pass probe=X_probe of shape "
                         "(d_in, n_probe).")
    if probe is not None:
        probe = _validation.check_batch(probe, "probe")
        if probe.shape[0] != X.shape[0]:
            raise ValueError(f"probe must have d_in = {X.shape[0]} rows like X; got shape "
                             f"{probe.shape}.")
    rng = _validation.as_generator(rng)

    velocity = [np.zeros_like(W) for W in params]
    train_loss, train_acc, evals, grams = [], [], [], []
    order, pos = rng.permutation(X.shape[1]), 0
    for step in range(steps + 1):
        if X_test is not None and (step % eval_every == 0 or step == steps):
            evals.append((step, *_evaluate(params, X_test, y_test, comps, batch_size)))
        if step in probe_at:
            rep = backprop.forward_pass(params, probe, comps)[1]        # (d, n_probe)
            grams.append(rep.T @ rep)
        if step == steps:
            break
        if pos + batch_size > len(order):
            order, pos = rng.permutation(X.shape[1]), 0
        idx = order[pos:pos + batch_size]
        pos += batch_size
        loss, grads, logits = backprop.gradients(params, X[:, idx], y[idx], comps)
        train_loss.append(loss)
        train_acc.append(float(np.mean(np.argmax(logits, axis=0) == y[idx])))
        for W, v, g in zip(params, velocity, grads):
            v *= momentum
            v -= lr * g
            W += v
    ev = np.array(evals, dtype=float).reshape(-1, 3)
    n_probe = 0 if probe is None else probe.shape[1]
    return History(np.array(train_loss), np.array(train_acc), ev[:, 0].astype(int), ev[:, 1],
                   ev[:, 2], np.array(probe_at, dtype=int),
                   np.array(grams).reshape(len(grams), n_probe, n_probe), params)
