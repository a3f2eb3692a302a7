"""Checkers of Lesson 3 (ReLU): the ReLU's cosine map and κ(n).

Each ``check_<name>(your_function)`` follows the protocol of
:mod:`bnteach.exercises.harness`: True when it passes, False while pending, an
``AssertionError`` with a hint when it fails.
"""

from __future__ import annotations

import numpy as np

from bnteach import theory
from bnteach.exercises.harness import (RTOL, as_array, as_number, call, exercise,
                                       reject_known_mistakes)

__all__ = ["check_relu_cosine", "check_kappa"]

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
    bool
        True when your function passes (a line says so), False while it still raises
        ``NotImplementedError`` (the exercise is pending).

    Raises
    ------
    AssertionError
        When it fails, with the exercise number and a hint saying what to fix.
    """
    c = np.array([-1.0, -0.75, -0.5, -0.3, 0.0, 0.25, 0.37, 0.5, 0.8, 0.95, 1.0])
    try:
        out = call(relu_cosine, c)
    except TypeError as err:
        raise AssertionError(f"your function failed on an array of cosines ({err}). Use numpy's "
                             f"functions (np.arccos, np.sin, np.sqrt), which work elementwise, "
                             f"not the math module's.") from None
    out = as_array(out, c.shape, "one output cosine per input cosine")
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
        ]
        reject_known_mistakes(out, variants)
        raise AssertionError(f"for c = {c.tolist()} expected {np.round(expected, 4).tolist()}, "
                             f"got {np.round(out, 4).tolist()}. With theta = np.arccos(c), return "
                             f"(np.sin(theta) + (np.pi - theta) * c) / np.pi.")
    edge = np.array([np.nextafter(1.0, 2.0), np.nextafter(-1.0, -2.0)])   # 1 + 2e-16, -1 - 2e-16
    out = as_array(call(relu_cosine, edge), edge.shape, "one cosine per input")
    assert np.all(np.isfinite(out)), (
        "your function returns nan for cosines a rounding step outside [−1, 1] (1 + 2e-16 and "
        "−1 − 2e-16, as cosines computed in floating point can be): np.arccos is undefined "
        "there. Clip first: c = np.clip(c, -1, 1).")
    assert np.allclose(out, [1.0, 0.0], atol=1e-7), (
        f"at c = 1 + 2e-16 and −1 − 2e-16 expected about 1 and 0, got {out.tolist()}. "
        f"Clip first: c = np.clip(c, -1, 1).")
    return "0 at c = −1, 1/π at c = 0, 1 at c = 1, and safe at the ends."


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
    bool
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
    NotImplementedError. Fill it in and run this cell again.
    False
    """
    relu_cos = theory.relu_cosine
    for n in (2, 3, 4, 8, 16, 64):
        out = as_number(call(lambda: kappa(n)), f"for n = {n}")
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
