"""Checkers of Lesson 3 (ReLU): the ReLU's cosine map and κ(n).

Each ``check_<name>(your_function)`` follows the protocol of
:mod:`bnteach.exercises.harness`: True when it passes, False while pending, an
``AssertionError`` with a hint when it fails.
"""

from __future__ import annotations

import re

import numpy as np

from bnteach import layers, meanfield, theory
from bnteach.exercises.harness import (RTOL, as_array, as_number, call, exercise,
                                       reject_known_mistakes)

__all__ = ["check_relu_cosine", "check_kappa", "check_wide_layer"]

LESSON = "03_relu.ipynb"


@exercise("relu_cosine", "3.1", "implement the ReLU cosine map", LESSON)
def check_relu_cosine(relu_cosine) -> str:
    """Check your ``relu_cosine(c)``: the cosine after a wide ReLU layer, given the cosine ``c``.

    Exercise 3.1 of ``lessons/03_relu.ipynb``. ``(sin θ + (π − θ) cos θ) / π``
    with ``θ = arccos c``, elementwise: the normalized degree-1 arc-cosine kernel
    (Cho and Saul, 2009). Reference: :func:`bnteach.theory.relu_cosine`, at relative
    tolerance 1e-10. The inputs include cosines one rounding step outside [−1, 1],
    as computed cosines can be.

    Parameters
    ----------
    relu_cosine : callable
        Your function, ``relu_cosine(c) -> ndarray of the shape of c``;
        pass the function itself, without calling it.

    Returns
    -------
    Result
        True when your function passes (a line says so), False while it still raises
        ``NotImplementedError`` (the exercise is pending).

    Raises
    ------
    AssertionError
        When it fails, with the exercise number and a hint saying what to fix.
    """
    c = np.array([-1.0, -0.75, -0.5, -0.3, 0.0, 0.25, 0.37, 0.5, 0.8, 0.95, 1.0])
    out = as_array(call(relu_cosine, c, cause=_elementwise_cause), c.shape,
                   "one output cosine per input cosine")
    expected = theory.relu_cosine(c)
    if not np.allclose(out, expected, rtol=RTOL, atol=1e-12):
        theta, deg = np.arccos(c), np.degrees(np.arccos(c))
        variants = [
            ((np.pi - theta) * c / np.pi,
             "you left out the sin θ term: E[relu(u) relu(v)] = (sin θ + (π − θ) cos θ)/(2π)."),
            ((np.sin(theta) + theta * c) / np.pi,
             "use π − θ, not θ. Check the ends: at c = −1 (θ = π) the output must be 0, since "
             "u and −u are never positive together."),
            ((np.sin(theta) + (np.pi - theta) * c) / (2 * np.pi),
             "that is E[relu(u) relu(v)] for unit-variance u, v, not a cosine: divide by "
             "E[relu(u)²] = 1/2, i.e. divide by π instead of 2π (the output at c = 1 must be 1)."),
            (np.sin(theta) + (np.pi - theta) * c,
             "divide by π: a cosine of 1 must stay 1."),
            ((np.sin(deg) + (np.pi - deg) * c) / np.pi,
             "np.arccos returns radians and np.sin expects radians: do not convert to degrees."),
            ((np.sin(np.radians(deg)) + (180 - deg) * c) / 180,
             "np.arccos returns radians and np.sin expects radians: do not convert to degrees."),
            (np.arcsin(c) / np.pi + 0.5,
             "that is 1 − θ/π (the same as 1/2 + arcsin(c)/π): the cosine after a step "
             "function (the degree-0 arc-cosine kernel), not after a ReLU. The ReLU's adds the "
             "sizes of the outputs: (sin θ + (π − θ) cos θ)/π."),
            (np.maximum(c, 0.0),
             "you applied the ReLU to the cosine itself; the cosine after the layer is the "
             "arc-cosine kernel of the input cosine, (sin θ + (π − θ) cos θ)/π."),
        ]
        reject_known_mistakes(out, variants)
        raise AssertionError(f"for c = {c.tolist()} expected {np.round(expected, 4).tolist()}, "
                             f"got {np.round(out, 4).tolist()}. With theta = np.arccos(c), return "
                             f"(np.sin(theta) + (np.pi - theta) * c) / np.pi.")
    edge = np.array([np.nextafter(1.0, 2.0), np.nextafter(-1.0, -2.0)])   # 1 + 2e-16, -1 - 2e-16
    out = as_array(call(relu_cosine, edge, cause=_elementwise_cause), edge.shape,
                   "one cosine per input")
    assert np.all(np.isfinite(out)), (
        "your function returns nan for cosines a rounding step outside [−1, 1] (1 + 2e-16 and "
        "−1 − 2e-16, as cosines computed in floating point can be): np.arccos is undefined "
        "there. Clip first: c = np.clip(c, -1, 1).")
    assert np.allclose(out, [1.0, 0.0], atol=1e-7), (
        f"at c = 1 + 2e-16 and −1 − 2e-16 expected about 1 and 0, got {out.tolist()}. "
        f"Clip first: c = np.clip(c, -1, 1).")
    return "0 at c = −1, 1/π at c = 0, 1 at c = 1, and safe at the ends."


def _elementwise_cause(err):
    """relu_cosine receives an array of cosines: scalar-only code fails in two ways."""
    text = str(err)
    if "truth value" in text:
        return ("your function works on one number at a time (an `if c > 1:` or `min(c, 1)`), "
                "but it receives an array of cosines. Clip the whole array at once with "
                "np.clip(c, -1, 1), and use numpy's elementwise functions (np.arccos, np.sin).")
    if re.search(r"only (length|size)-1|only 0-dimensional|real number", text):
        return ("math.acos, math.sin and math.sqrt take one number, but your function receives "
                "an array of cosines: use np.arccos, np.sin, np.sqrt, which work elementwise.")
    return None


@exercise("kappa", "3.2", "compute kappa(n)", LESSON)
def check_kappa(kappa) -> str:
    """Check your ``kappa(n)``: the pairwise cosine after one wide RC+ReLU layer.

    Exercise 3.2 of ``lessons/03_relu.ipynb``. The input is an orthogonal batch
    of ``n`` samples, so κ(n) = relu_cosine(−1/(n−1)). Reference:
    :func:`bnteach.theory.kappa`, at relative tolerance 1e-10, for n = 2, 3, 4, 8,
    16 and 64.

    Parameters
    ----------
    kappa : callable
        Your function, ``kappa(n) -> float, n an int >= 2``;
        pass the function itself, without calling it.

    Returns
    -------
    Result
        True when your function passes (a line says so), False while it still raises
        ``NotImplementedError`` (the exercise is pending).

    Raises
    ------
    AssertionError
        When it fails, with the exercise number and a hint saying what to fix.

    Examples
    --------
    While the stub is unchanged the exercise is pending, and Run All goes on:

    >>> def kappa(n):
    ...     raise NotImplementedError("Exercise 3.2: compute kappa(n)")
    >>> check_kappa(kappa)
    Exercise 3.2 (compute kappa(n)) is pending: your function still raises
    NotImplementedError (or uses a `...` not filled in yet). Fill it in and run this cell again.
    False
    """
    relu_cos = theory.relu_cosine
    for n in (2, 3, 4, 8, 16, 64):
        out = as_number(call(kappa, n), f"for n = {n}")
        expected = theory.kappa(n)
        if np.isclose(out, expected, rtol=RTOL, atol=1e-12):
            continue
        hints = [
            (relu_cos(0.0),
             "you mapped the cosine 0 of the orthogonal input through the ReLU and skipped "
             "recentering. RC first turns the batch into a regular simplex, with cosines "
             "−1/(n−1) (bn.theory.simplex_cosine(n))."),
            (relu_cos(-1.0 / n),
             "the simplex cosine is −1/(n−1), not −1/n: n centered vectors that sum to zero."),
            (-1.0 / (n - 1),
             "that is the cosine after recentering; now map it through the ReLU's cosine map, "
             "bn.theory.relu_cosine."),
            (relu_cos(1.0 / (n - 1)),
             "mind the sign: after recentering the cosines are negative, −1/(n−1)."),
            (relu_cos(-1.0 / (n - 1)) / 2,
             "use the normalized cosine map (dividing by π, not 2π): it returns a cosine."),
        ]
        reject_known_mistakes(out, hints, f"for n = {n}: ")
        raise AssertionError(f"for n = {n} κ(n) should be {expected:.6f}; yours is {out:.6f}. "
                             f"Recenter (cosine −1/(n−1)), then apply the ReLU's cosine map.")
    return "κ(2) = 0, κ(8) ≈ 0.2501, κ(64) ≈ 0.3104, rising towards 1/π ≈ 0.3183."


def _kernel(G, cos_map):
    """Up to the factor 1/2: norms_i norms_j cos_map(cos_ij), the wide layer's Gram matrix."""
    s = np.sqrt(np.diag(G))
    return np.outer(s, s) * cos_map(G / np.outer(s, s))


def _linear(c):
    """A cosine map that keeps every cosine: with it, a wide layer returns P G P."""
    return np.clip(c, -1.0, 1.0)


def _reject_identity_centering(wide_layer, G, prefix):
    """Fail if ``wide_layer`` recenters with ``I − I/n``, which only rescales G."""
    n = len(G)
    out = np.asarray(call(lambda A: wide_layer(A, _linear), G), dtype=float)
    if out.shape != G.shape or np.allclose(out.sum(axis=1), 0, atol=1e-9 * np.abs(out).max()):
        return                                    # recentered, or another mistake
    shrunk = (1 - 1 / n) ** 2 * G                 # P G P with P = I − I/n
    assert not any(np.allclose(out, f * shrunk, rtol=1e-8, atol=1e-12) for f in (1, 0.5)), (
        prefix + "your P does not recenter: the rows of P @ G @ P should sum to 0. "
        "P = I − 11ᵀ/n uses the all-ones matrix (np.ones((n, n)) / n), not the identity.")


@exercise("wide_layer", "3.3", "one infinitely wide layer on the Gram matrix", LESSON)
def check_wide_layer(wide_layer) -> str:
    """Check your ``wide_layer(G, relu_cosine=bn.theory.relu_cosine)``: F(G) = K(P G P).

    Exercise 3.3 of ``lessons/03_relu.ipynb``. The Gram matrix after one infinitely
    wide RC + ReLU layer: recenter the Gram matrix (``P G P``, ``P = I − 11ᵀ/n``),
    then map every pair through the arc-cosine kernel built from ``relu_cosine``,
    ``K(C)_ij = √(C_ii C_jj) relu_cosine(C_ij / √(C_ii C_jj))``, up to a positive
    factor. Called with one argument, compared with :func:`bnteach.meanfield.step`
    after both are scaled to trace n, at relative tolerance 1e-8; then called with
    another cosine map, to see that the function uses its ``relu_cosine``.

    Parameters
    ----------
    wide_layer : callable
        Your function, ``wide_layer(G, relu_cosine=...) -> ndarray of shape (n, n)``;
        pass the function itself, without calling it.

    Returns
    -------
    Result
        True when your function passes (a line says so), False while it still raises
        ``NotImplementedError`` (the exercise is pending).

    Raises
    ------
    AssertionError
        When it fails, with the exercise number and a hint saying what to fix.
    """
    rng = np.random.default_rng(6)
    X = rng.standard_normal((7, 5)) * rng.uniform(0.5, 2.0, 5) + 0.8
    cases = {"an orthogonal batch, 4 * I": 4.0 * np.eye(4),
             "a random batch of 5 samples with unequal norms": X.T @ X}
    for what, G in cases.items():
        n = len(G)
        out = as_array(call(wide_layer, G), G.shape, f"(n, n) = {G.shape}, the next Gram matrix")
        expected = meanfield.step(G)
        trace = np.trace(out)
        assert np.isfinite(out).all(), (
            f"for {what} your matrix has nan or inf entries: divide only by norms that are "
            f"not 0, and clip the cosines to [−1, 1] before np.arccos.")
        assert trace > 0, (
            f"for {what} your matrix has {'a negative' if trace < 0 else 'a zero'} trace: a Gram "
            f"matrix has the squared norms on its diagonal, so the factor must be positive.")
        P = layers.centering_matrix(n)
        scaled = lambda A: A * (n / np.trace(A))
        if np.allclose(scaled(out), expected, rtol=1e-8, atol=1e-10):
            continue
        _reject_identity_centering(wide_layer, G, f"for {what}: ")
        relu = theory.relu_cosine
        variants = [
            (scaled(_kernel(G, relu)), "you skipped recentering: the layer is RC + ReLU, so "
             "first recenter the Gram matrix, P @ G @ P with P = I − 11ᵀ/n "
             "(bn.layers.centering_matrix(n)), then apply the kernel."),
            (scaled(_kernel(G - G.mean(axis=1, keepdims=True), relu)) if n == 5 else None,
             "recenter both sides: P @ G @ P. Subtracting each row's mean of G recenters only "
             "one index of the Gram matrix."),
            (relu(np.clip((P @ G @ P) / np.outer(*2 * [np.sqrt(np.diag(P @ G @ P))]), -1, 1)),
             "you returned the cosines after the layer; the Gram matrix also carries the norms: "
             "K_ij = √(C_ii C_jj) · relu_cosine(C_ij / √(C_ii C_jj)) with C = P G P."),
            (scaled(np.maximum(P @ G @ P, 0.0)), "a ReLU of the Gram entries is not the Gram "
             "matrix of the ReLU's outputs: map each cosine through relu_cosine (the "
             "arc-cosine kernel) and multiply by the two norms."),
            (scaled(relu(np.clip(P @ G @ P, -1, 1))), "relu_cosine takes cosines, "
             "C_ij / √(C_ii C_jj), not the entries of the Gram matrix."),
        ]
        reject_known_mistakes(scaled(out), variants, f"for {what}: ",
                              close=lambda a, b: np.allclose(a, b, rtol=1e-6, atol=1e-9))
        i, j = np.unravel_index(np.argmax(np.abs(scaled(out) - expected)), G.shape)
        raise AssertionError(
            f"for {what}, scaled to trace n, entry ({i}, {j}) should be {expected[i, j]:.4f}; "
            f"yours is {scaled(out)[i, j]:.4f}. Recenter (C = P @ G @ P), then "
            f"K_ij = √(C_ii C_jj) · relu_cosine(C_ij / √(C_ii C_jj)).")
    G = cases["a random batch of 5 samples with unequal norms"]
    P = layers.centering_matrix(len(G))
    out = np.asarray(call(lambda A: wide_layer(A, _linear), G), dtype=float)
    assert np.allclose(out * (5 / np.trace(out)), (P @ G @ P) * (5 / np.trace(P @ G @ P)),
                       rtol=1e-8, atol=1e-10), (
        "your function ignores its relu_cosine argument: called with a cosine map that keeps "
        "every cosine, it should return P G P (up to scale). Use the relu_cosine it is given, "
        "not bn.theory.relu_cosine or a global one.")
    return "one wide RC+ReLU layer on the Gram matrix agrees with bn.meanfield.step."
