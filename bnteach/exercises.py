"""Checkers for the lessons' exercises: they test your function and tell you what to fix.

Each exercise in a lesson has a stub cell (a function raising
``NotImplementedError``), a check cell calling ``check_<name>(your_function)``
and a hidden solution. A checker

* takes your function as an argument (it never reads your notebook's variables),
* runs it on its own small seeded inputs and compares with the package's reference
  at a stated tolerance,
* returns True and says so when it passes,
* raises ``AssertionError`` with a hint when it does not (wrong shape, wrong axis,
  wrong normalization, modified input, ...),
* prints that the exercise is pending, and returns False, while the stub still
  raises ``NotImplementedError``, so Run All goes on.

:func:`summary` lists the exercises of this session and their state.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from bnteach import layers, metrics, theory, tree

__all__ = ["EXERCISES", "check_rescale", "check_orthogonality_gap", "check_recenter",
           "check_commutation_gap", "check_relu_cosine", "check_kappa", "check_find_outlier",
           "check_measure_alpha", "check_lca_level", "check_tree_gram", "summary"]


@dataclass(frozen=True)
class Exercise:
    number: str     #: "1.1": lesson 1, exercise 1
    title: str
    lesson: str     #: the notebook's file name


#: Every exercise of the course, by checker name.
EXERCISES = {
    "rescale": Exercise("1.1", "implement rescale (RS)", "01_linear_networks.ipynb"),
    "orthogonality_gap": Exercise("1.2", "implement the orthogonality gap",
                                  "01_linear_networks.ipynb"),
    "recenter": Exercise("2.1", "implement recenter (RC)", "02_recentering.ipynb"),
    "commutation_gap": Exercise("2.2", "test whether a map commutes with RC",
                                "02_recentering.ipynb"),
    "relu_cosine": Exercise("3.1", "implement the ReLU cosine map", "03_relu.ipynb"),
    "kappa": Exercise("3.2", "compute kappa(n)", "03_relu.ipynb"),
    "find_outlier": Exercise("4.1", "find the outlier and its norm ratio",
                             "04_clustering.ipynb"),
    "measure_alpha": Exercise("4.2", "measure alpha by simulation", "04_clustering.ipynb"),
    "lca_level": Exercise("5.1", "find the level where two leaves meet",
                          "05_branching_tree.ipynb"),
    "tree_gram": Exercise("5.2", "build a tree batch's Gram matrix", "05_branching_tree.ipynb"),
}

#: Exercise name -> "passed" | "failed" | "pending", for this session (this kernel).
_status: dict[str, str] = {}

_RTOL = 1e-10   # learner and reference compute the same formula: only rounding may differ


def _checker(name: str):
    """Wrap a check: record its outcome, turn NotImplementedError into 'pending'."""
    exercise = EXERCISES[name]

    def decorate(check):
        @functools.wraps(check)
        def wrapper(fn):
            if not callable(fn):
                raise TypeError(f"check_{name} takes your function itself, e.g. "
                                f"check_{name}({name}) without parentheses after {name}; got "
                                f"{type(fn).__name__}.")
            try:
                message = check(fn)
            except NotImplementedError:
                _status[name] = "pending"
                print(f"Exercise {exercise.number} ({exercise.title}) is pending: your function "
                      f"still raises NotImplementedError. Fill it in and run this cell again.")
                return False
            except AssertionError as err:
                _status[name] = "failed"
                raise AssertionError(f"Exercise {exercise.number}: {err}") from None
            _status[name] = "passed"
            print(f"Exercise {exercise.number} passed: {message}")
            return True
        return wrapper
    return decorate


def _global_rng_state():
    """numpy's global (legacy) random state: key, position and cached Gaussian.

    The key alone is not enough: a single draw such as ``np.random.rand()`` usually
    moves only the position in the key (which is regenerated every 624 draws).
    """
    _, key, pos, has_gauss, cached = np.random.get_state()
    return key.copy(), pos, has_gauss, cached


def _same_rng_state(a, b) -> bool:
    return np.array_equal(a[0], b[0]) and a[1:] == b[1:]


def _call(fn, *args):
    """Call the learner's function on copies; check it leaves inputs and global RNG alone."""
    copies = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    state = _global_rng_state()
    out = fn(*copies)
    for a, c in zip(args, copies):
        assert not isinstance(a, np.ndarray) or np.array_equal(a, c), (
            "your function modified its input array in place (e.g. Z -= ... or Z /= ...). "
            "Work on a new array instead: Z = Z - ... or Z / ..., so the caller's data stay intact.")
    assert _same_rng_state(state, _global_rng_state()), (
        "your function used numpy's global random state (np.random.*). Draw random numbers "
        "from a Generator instead: the rng passed to your function, if it takes one, or "
        "rng = np.random.default_rng(seed).")
    return out


def _reject_known_mistakes(out, mistakes, prefix="", close=None):
    """Fail with the hint of the first known mistake that ``out`` reproduces.

    ``mistakes`` lists ``(what that mistake returns, hint)``; a ``None`` result is
    skipped (the mistake is impossible on this input). By default two results are the
    same if they agree to a relative 1e-8.
    """
    close = close or (lambda a, b: np.allclose(a, b, rtol=1e-8))
    for wrong, hint in mistakes:
        assert wrong is None or not close(out, wrong), prefix + hint


def _as_result_array(out, shape, what):
    assert out is not None, f"your function returned None. Did you forget `return`? ({what})"
    assert isinstance(out, np.ndarray), (
        f"your function returned a {type(out).__name__}; return a numpy array ({what}). "
        f"np.asarray(...) converts a list.")
    assert out.shape == shape, (
        f"the output has shape {out.shape} but should have shape {shape} ({what})."
        + (" You transposed it: keep samples as columns." if out.shape == shape[::-1] else ""))
    return out


@_checker("rescale")
def check_rescale(rescale) -> str:
    """Check your ``rescale(Z)``: each row divided by its root-mean-square over the batch.

    Reference: :func:`bnteach.layers.rescale`. Inputs are not centered, so dividing
    by the standard deviation (which subtracts the mean) is caught.
    """
    rng = np.random.default_rng(1)
    for d, n in [(5, 4), (3, 7)]:
        Z = rng.standard_normal((d, n)) * rng.uniform(0.5, 3, (d, 1)) + rng.uniform(-2, 2, (d, 1))
        out = _as_result_array(_call(rescale, Z), Z.shape, "the same shape as Z, (d, n)")
        expected = layers.rescale(Z)
        if np.allclose(out, expected, rtol=_RTOL, atol=1e-12):
            continue
        variants = [
            (Z / np.sqrt(np.mean(Z ** 2, axis=0)),
             "you normalized each column (sample) with axis=0. Batch norm normalizes each row "
             "(a neuron) across the batch: use axis=1 and keepdims=True."),
            (Z / np.linalg.norm(Z, axis=1, keepdims=True),
             "you divided each row by its norm sqrt(sum z²), which is Daneshmand et al.'s "
             "diag(ZZᵀ)^(-1/2) Z, √n times too small. Divide by the root-MEAN-square "
             "sqrt(mean(z²)) instead."),
            (Z / Z.std(axis=1, keepdims=True),
             "you divided by the standard deviation, which subtracts the row mean first. "
             "Here rescale comes without recentering: divide by sqrt(mean(z²)) over the row."),
            ((Z - Z.mean(axis=1, keepdims=True)) / Z.std(axis=1, keepdims=True),
             "you also recentered (subtracted the mean). That is RC, a separate component "
             "(lesson 2); rescale only divides each row by sqrt(mean(z²))."),
            (Z / np.mean(Z ** 2, axis=1, keepdims=True),
             "you divided by the mean square; take its square root: sqrt(mean(z²))."),
        ]
        _reject_known_mistakes(out, variants)
        ms = np.mean(out ** 2, axis=1)
        raise AssertionError(f"every row of the output should have mean square 1; for Z of shape "
                             f"{Z.shape} the rows' mean squares are {np.round(ms, 3).tolist()}. "
                             f"Divide each row by sqrt(np.mean(Z**2, axis=1, keepdims=True)).")
    return "every neuron (row) now has mean square 1 over the batch."


@_checker("orthogonality_gap")
def check_orthogonality_gap(orthogonality_gap) -> str:
    """Check your ``orthogonality_gap(G)`` = ‖G/tr(G) − I/n‖_F (Daneshmand et al. 2021).

    Reference: :func:`bnteach.metrics.orthogonality_gap`.
    """
    rng = np.random.default_rng(2)
    n = 5
    X = rng.standard_normal((8, n))
    cases = {
        "an orthogonal batch of equal norms, 3 * I": 3 * np.eye(n),
        # The random batch comes before the line: on the line, the spectral norm and the
        # squared Frobenius norm of G/tr(G) - I/n are both 1 - 1/n, so the hints would mix up.
        "a random batch": X.T @ X,
        "a batch on one line": np.ones((n, n)),
        "the same random batch scaled by 10": 100 * (X.T @ X),
    }
    for what, G in cases.items():
        out = _call(orthogonality_gap, G)
        assert out is not None, "your function returned None. Did you forget `return`?"
        assert np.ndim(out) == 0 and not isinstance(out, (str, bool)), (
            f"your function should return one number; for {what} it returned "
            f"{type(out).__name__} {np.shape(out)}. Use np.linalg.norm(...) of the whole matrix.")
        out, expected = float(out), metrics.orthogonality_gap(G)
        if np.isclose(out, expected, rtol=_RTOL, atol=1e-12):
            continue
        A = G / np.trace(G) - np.eye(n) / n
        hints = [
            (np.linalg.norm(G - np.eye(n) / n),
             "divide G by its trace first: the gap compares directions and relative norms, "
             "so it must not change when the batch is scaled."),
            (np.linalg.norm(G / np.trace(G) - np.eye(n)),
             "compare with I/n, not I: G/tr(G) has trace 1, like I/n."),
            (np.sum(A ** 2),
             "you returned the squared Frobenius norm; take the square root (np.linalg.norm)."),
            (np.linalg.norm(A, 2),
             "you computed the spectral norm (ord=2); the gap uses the Frobenius norm, "
             "np.linalg.norm(A) with no ord for a matrix."),
        ]
        _reject_known_mistakes(out, hints, f"for {what}: ")
        raise AssertionError(f"for {what} the gap should be {expected:.6f}; yours is {out:.6f}. "
                             f"Compute np.linalg.norm(G / np.trace(G) - np.eye(n) / n).")
    return "0 for an orthogonal batch, sqrt(1 - 1/n) for a batch on one line, scale-free."


@_checker("recenter")
def check_recenter(recenter) -> str:
    """Check your ``recenter(Z)``: each row minus its mean over the batch (RC).

    Reference: :func:`bnteach.layers.recenter`, at relative tolerance 1e-10. Every row
    gets its own offset, so a mean over the wrong axis is caught; the first input is
    square, so a mean without ``keepdims`` (which broadcasts along the wrong axis
    instead of failing) is caught too.
    """
    rng = np.random.default_rng(3)
    for d, n in [(4, 4), (5, 3), (3, 7)]:
        Z = rng.standard_normal((d, n)) + rng.uniform(-3, 3, (d, 1))
        out = _as_result_array(_call(recenter, Z), Z.shape, "the same shape as Z, (d, n)")
        expected = layers.recenter(Z)
        if np.allclose(out, expected, rtol=_RTOL, atol=1e-12):
            continue
        variants = [
            (Z - Z.mean(axis=0, keepdims=True),
             "you subtracted each column's (sample's) mean with axis=0. Batch norm recenters "
             "each row (a neuron) across the batch: use axis=1 and keepdims=True."),
            (Z - Z.mean(axis=1) if d == n else None,
             "you subtracted Z.mean(axis=1) without keepdims=True: the vector of row means "
             "broadcasts along the rows, so sample j lost neuron j's mean. Use "
             "Z.mean(axis=1, keepdims=True)."),
            (Z - Z.mean(),
             "you subtracted the mean of the whole matrix; subtract each row's own mean over "
             "the batch (axis=1, keepdims=True)."),
            (Z - Z.sum(axis=1, keepdims=True) / (n - 1),
             "you divided the row sums by n − 1; a mean divides by n, the number of samples "
             "(n − 1 belongs to the unbiased variance, which recentering does not use)."),
            (expected / np.sqrt(np.mean(expected ** 2, axis=1, keepdims=True)),
             "you also divided by the standard deviation. That is rescaling (RS, lesson 1); "
             "recenter only subtracts each row's mean."),
            (expected.T if d == n else None,
             "you transposed the result: keep samples as columns, shape (d, n)."),
        ]
        _reject_known_mistakes(out, variants)
        raise AssertionError(f"each row of the output should be Z's row minus its mean; for Z "
                             f"of shape {Z.shape} your output differs from Z - Z.mean(axis=1, "
                             f"keepdims=True) by up to {np.max(np.abs(out - expected)):.3g} (its "
                             f"row means are {np.round(out.mean(axis=1), 3).tolist()}).")
    return "every neuron (row) now has mean 0 over the batch, and Z is untouched."


@_checker("commutation_gap")
def check_commutation_gap(commutation_gap) -> str:
    """Check your ``commutation_gap(f, X)`` = ``max |recenter(f(X)) − f(recenter(X))|``.

    ``f`` maps a batch of shape ``(d_in, n)`` to one of shape ``(d, n)``. The checker
    tries a linear map (the gap is rounding error: it must be below 1e-10), an affine
    map ``W @ X + b`` (recentering removes the bias, so the gap is ``max |b|``) and a
    ReLU layer, comparing with the reference at relative tolerance 1e-8.
    """
    rng = np.random.default_rng(5)
    X = rng.standard_normal((5, 4)) + rng.uniform(-2, 2, (5, 1))   # (d_in, n)
    W = rng.standard_normal((6, 5))                                # (d, d_in)
    b = np.array([0.5, -2.0, 1.2, 0.1, -0.7, 1.1])                 # max |b| is negative
    maps = {
        "the linear map X -> W @ X": lambda A: W @ A,
        "the affine map X -> W @ X + b": lambda A: W @ A + b[:, None],
        "the ReLU layer X -> relu(W @ X)": lambda A: np.maximum(W @ A, 0.0),
    }
    rc = layers._recenter
    for what, f in maps.items():
        out = _call(lambda A: commutation_gap(f, A), X)
        assert out is not None, "your function returned None. Did you forget `return`?"
        assert not isinstance(out, (bool, np.bool_)), (
            f"for {what} you returned {out}; return the gap itself, a number (np.allclose "
            f"hides how large the difference is).")
        assert np.ndim(out) == 0 and not isinstance(out, str), (
            f"return one number; for {what} you returned {type(out).__name__} {np.shape(out)}. "
            f"Take np.max(np.abs(...)) of the difference.")
        out, fX = float(out), f(X)
        diff = rc(fX) - f(rc(X))                   # (d, n)
        expected = float(np.max(np.abs(diff)))
        if what.startswith("the linear"):
            if abs(out) < 1e-10:
                continue
        elif np.isclose(out, expected, rtol=1e-8, atol=0):
            continue
        hints = [
            (np.max(np.abs(rc(fX) - fX)),
             "you recentered only one side. Compare recenter(f(X)) with f(recenter(X))."),
            (np.max(np.abs((fX - fX.mean(axis=0)) - f(X - X.mean(axis=0)))),
             "you recentered each column (axis=0). Recentering subtracts each row's mean over "
             "the batch: axis=1, keepdims=True (or bn.layers.recenter)."),
            (np.max(diff), "take the absolute value before the maximum: np.max(np.abs(...))."),
            (np.max(-diff), "take the absolute value before the maximum: np.max(np.abs(...))."),
            (np.mean(np.abs(diff)),
             "the gap is the LARGEST absolute difference (np.max), not the mean."),
            (np.linalg.norm(diff),
             "the gap is the largest absolute entry, np.max(np.abs(...)), not the Frobenius norm."),
        ]
        _reject_known_mistakes(out, hints, f"for {what}: ")
        should = "below 1e-10" if what.startswith("the linear") else f"{expected:.6g}"
        raise AssertionError(f"for {what} the gap should be {should}; yours is {out:.6g}. Return "
                             f"np.max(np.abs(recenter(f(X)) - f(recenter(X)))).")
    return ("a linear map commutes with recentering (gap ~1e-16); a bias or a ReLU does not.")


@_checker("relu_cosine")
def check_relu_cosine(relu_cosine) -> str:
    """Check your ``relu_cosine(c)``: the cosine after a wide ReLU layer, given the cosine ``c``.

    ``(sin θ + (π − θ) cos θ) / π`` with ``θ = arccos c``, elementwise: the normalized
    degree-1 arc-cosine kernel (Cho and Saul, 2009). Reference:
    :func:`bnteach.theory.relu_cosine`, at relative tolerance 1e-10. The inputs include
    cosines one rounding step outside [−1, 1], as computed cosines can be.
    """
    c = np.array([-1.0, -0.75, -0.5, -0.3, 0.0, 0.25, 0.37, 0.5, 0.8, 0.95, 1.0])
    try:
        out = _call(relu_cosine, c)
    except TypeError as err:
        raise AssertionError(f"your function failed on an array of cosines ({err}). Use numpy's "
                             f"functions (np.arccos, np.sin, np.sqrt), which work elementwise, "
                             f"not the math module's.") from None
    out = _as_result_array(out, c.shape, "one output cosine per input cosine")
    expected = theory.relu_cosine(c)
    if not np.allclose(out, expected, rtol=_RTOL, atol=1e-12):
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
        _reject_known_mistakes(out, variants)
        raise AssertionError(f"for c = {c.tolist()} expected {np.round(expected, 4).tolist()}, "
                             f"got {np.round(out, 4).tolist()}. With theta = np.arccos(c), return "
                             f"(np.sin(theta) + (np.pi - theta) * c) / np.pi.")
    edge = np.array([np.nextafter(1.0, 2.0), np.nextafter(-1.0, -2.0)])   # 1 + 2e-16, -1 - 2e-16
    out = _as_result_array(_call(relu_cosine, edge), edge.shape, "one cosine per input")
    assert np.all(np.isfinite(out)), (
        "your function returns nan for cosines a rounding step outside [−1, 1] (1 + 2e-16 and "
        "−1 − 2e-16, as cosines computed in floating point can be): np.arccos is undefined "
        "there. Clip first: c = np.clip(c, -1, 1).")
    assert np.allclose(out, [1.0, 0.0], atol=1e-7), (
        f"at c = 1 + 2e-16 and −1 − 2e-16 expected about 1 and 0, got {out.tolist()}. "
        f"Clip first: c = np.clip(c, -1, 1).")
    return "0 at c = −1, 1/π at c = 0, 1 at c = 1, and safe at the ends."


@_checker("kappa")
def check_kappa(kappa) -> str:
    """Check your ``kappa(n)``: the pairwise cosine after one wide RC+ReLU layer.

    The input is an orthogonal batch of ``n`` samples, so κ(n) = relu_cosine(−1/(n−1)).
    Reference: :func:`bnteach.theory.kappa`, at relative tolerance 1e-10, for
    n = 2, 3, 4, 8, 16 and 64.
    """
    relu_cos = theory.relu_cosine
    for n in (2, 3, 4, 8, 16, 64):
        out = _call(lambda: kappa(n))
        assert out is not None, "your function returned None. Did you forget `return`?"
        assert np.ndim(out) == 0 and not isinstance(out, (str, bool, np.bool_)), (
            f"return one number; for n = {n} you returned {type(out).__name__} {np.shape(out)}.")
        out, expected = float(out), theory.kappa(n)
        if np.isclose(out, expected, rtol=_RTOL, atol=1e-12):
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
        _reject_known_mistakes(out, hints, f"for n = {n}: ")
        raise AssertionError(f"for n = {n} κ(n) should be {expected:.6f}; yours is {out:.6f}. "
                             f"Recenter (cosine −1/(n−1)), then apply the ReLU's cosine map.")
    return "κ(2) = 0, κ(8) ≈ 0.2501, κ(64) ≈ 0.3104, rising towards 1/π ≈ 0.3183."


@_checker("find_outlier")
def check_find_outlier(find_outlier) -> str:
    """Check your ``find_outlier(G) -> (index, norm_ratio)``.

    ``index`` is the sample with the largest norm; ``norm_ratio`` its norm over the
    mean norm of the other samples. Reference: :func:`bnteach.metrics.outlier_stats`.
    """
    rng = np.random.default_rng(4)
    X = rng.standard_normal((12, 7))
    X[:, 3] *= 6.0
    cases = {"the cluster+outlier Gram matrix (outlier last)": theory.invariant_gram(6),
             "the cluster+outlier Gram matrix with the outlier first":
                 theory.invariant_gram(6, outlier=0),
             "a random batch whose sample 3 is 6 times longer": X.T @ X}
    for what, G in cases.items():
        out = _call(find_outlier, G)
        assert out is not None, "your function returned None. Did you forget `return`?"
        assert isinstance(out, (tuple, list)) and len(out) == 2, (
            f"return a pair (index, norm_ratio); for {what} you returned {type(out).__name__}.")
        index, ratio = out
        ref = metrics.outlier_stats(G)
        norms = np.sqrt(np.diag(G))
        assert int(index) == ref.index, (
            f"for {what} the outlier is sample {ref.index}, you returned {index}."
            + (" You took the smallest norm (argmin); the outlier is the largest."
               if int(index) == int(np.argmin(norms)) else
               " Use the diagonal of G (squared norms), not its row sums."
               if int(index) == int(np.argmax(G.sum(axis=1))) else ""))
        ratio = float(ratio)
        if np.isclose(ratio, ref.norm_ratio, rtol=1e-9):
            continue
        others = np.delete(norms, ref.index)
        hints = [
            (ref.norm_ratio ** 2, "you compared squared norms (the diagonal of G); take "
                                  "square roots first: norms = np.sqrt(np.diag(G))."),
            (norms[ref.index] / norms.mean(), "divide by the mean norm of the OTHER samples, "
                                              "leaving the outlier out."),
            (norms[ref.index] / np.sqrt(np.mean(others ** 2)), "divide by the mean of the "
                                                               "others' norms, not their rms."),
        ]
        _reject_known_mistakes(ratio, hints, f"for {what}: ")
        raise AssertionError(f"for {what} the norm ratio should be {ref.norm_ratio:.6f}; yours is "
                             f"{ratio:.6f}.")
    return "the outlier's index and norm ratio match bnteach.metrics.outlier_stats."


@_checker("measure_alpha")
def check_measure_alpha(measure_alpha) -> str:
    """Check your ``measure_alpha(n, rng) -> float`` against α(n) = n²/(n² − 2n + 2).

    Your function simulates one wide RC+ReLU layer on the slightly perturbed
    cluster+outlier batch and returns the growth factor of the cluster's spread
    (mean ``1 − cos``). Its answer is random, so it is compared with α(n) at a
    tolerance of 0.06 (four standard deviations for the mean of 10 draws at width
    4096, so a correct simulation of that size passes).
    """
    for n in (8, 16):
        rng = np.random.default_rng(100 + n)
        value = _call(measure_alpha, n, rng)
        assert value is not None, "your function returned None. Did you forget `return`?"
        assert np.ndim(value) == 0, (f"return one number (the mean growth factor); for n = {n} "
                                     f"you returned shape {np.shape(value)}.")
        value, alpha = float(value), theory.alpha(n)
        if abs(value - alpha) <= 0.06:
            continue
        hints = [
            (1.0, "the spread did not change: did you apply a layer (bn.run(X, 1, ...)) and "
                  "compare layer 1 with layer 0?"),
            (1 / alpha, "you divided before by after; the growth factor is after / before."),
            (np.sqrt(alpha), "that is the growth of the angle; measure the spread 1 − cos "
                             "(bn.metrics.cluster_spread), which grows like the angle squared."),
            (alpha ** 2, "you squared the ratio; 1 − cos already grows like the angle squared."),
        ]
        _reject_known_mistakes(value, hints, f"for n = {n} you returned {value:.4f}: ",
                               close=lambda a, b: abs(a - b) <= 0.06)
        raise AssertionError(
            f"for n = {n} you returned {value:.4f}, but α({n}) = {alpha:.4f}. Start from "
            f"bn.simulate.cluster_outlier(n, 40, noise=1e-3, rng=rng), one wide layer "
            f"(width 4096), components ('rc', 'relu') and no RS, and average "
            f"bn.metrics.cluster_spread(after) / bn.metrics.cluster_spread(before) over at "
            f"least 10 draws.")
    return "your simulation gives alpha(n) = n²/(n² − 2n + 2) for n = 8 and 16."


@_checker("lca_level")
def check_lca_level(lca_level) -> str:
    """Check your ``lca_level(i, j)``: the level of the lowest common ancestor of two leaves.

    Leaves ``0 .. n−1`` of a balanced binary tree; siblings meet at level 1, the two
    halves at the root, level k; a leaf with itself at level 0. Reference:
    :func:`bnteach.tree.lca_level`.
    """
    for i in range(16):
        for j in range(16):
            out = _call(lca_level, i, j)
            expected = tree.lca_level(i, j)
            assert out is not None, "your function returned None. Did you forget `return`?"
            if out == expected:
                continue
            hints = [
                (abs(i - j).bit_length(), "neighbours in numbering are not always siblings: "
                                          "3 and 4 meet only at the root of an 8-leaf tree. "
                                          "Compare the bits of i and j (i ^ j), not i - j."),
                (expected - 1, "off by one: siblings (0 and 1) meet at level 1, a leaf with "
                               "itself at level 0."),
                (expected + 1, "off by one: siblings (0 and 1) meet at level 1, a leaf with "
                               "itself at level 0."),
            ]
            _reject_known_mistakes(out, hints, f"lca_level({i}, {j}) should be {expected}; yours "
                                               f"is {out}: ", close=lambda a, b: a == b)
            raise AssertionError(f"lca_level({i}, {j}) should be {expected}; yours is {out}. "
                                 f"Climb the tree: halve both numbers until they are equal, "
                                 f"counting the steps.")
    return "every pair of leaves of a 16-leaf tree meets at the right level."


@_checker("tree_gram")
def check_tree_gram(tree_gram) -> str:
    """Check your ``tree_gram(cosines)``: the Gram matrix of unit vectors on a binary tree.

    ``cosines[l - 1]`` is the cosine at level ``l`` (siblings first, root last).
    Reference: :func:`bnteach.tree.tree_gram`.
    """
    for cosines in ([0.5], [0.9, 0.2], [0.95, 0.7, 0.1]):
        expected = tree.tree_gram(cosines)
        out = _as_result_array(_call(tree_gram, np.array(cosines)), expected.shape,
                               f"(2**k, 2**k) for k = {len(cosines)} levels")
        if np.allclose(out, expected, atol=1e-12):
            continue
        assert np.allclose(np.diag(out), 1.0), (
            f"the diagonal should be 1 (unit vectors); for cosines {cosines} it is "
            f"{np.round(np.diag(out), 3).tolist()}.")
        flipped = tree._gram_from_levels(np.array(cosines[::-1]))
        assert len(cosines) == 1 or not np.allclose(out, flipped), (
            f"your levels are in reverse order: cosines[0] is for siblings (level 1), the "
            f"last entry for the root (level {len(cosines)}).")
        i, j = np.argwhere(~np.isclose(out, expected))[0]
        raise AssertionError(f"for cosines {cosines}, entry ({i}, {j}) should be "
                             f"{expected[i, j]:g} (leaves {i} and {j} meet at level "
                             f"{tree.lca_level(int(i), int(j))}); yours is {out[i, j]:g}.")
    return "your Gram matrices match bnteach.tree.tree_gram."


def summary(lesson: str | int | None = None) -> None:
    """Print the exercises checked in this session (and, for ``lesson``, the ones not yet tried).

    Parameters
    ----------
    lesson : str or int, optional
        A lesson's file name or number prefix, e.g. ``"01"`` (or ``1``): also list its
        exercises that have not been checked yet.
    """
    if isinstance(lesson, int) and not isinstance(lesson, bool):
        lesson = f"{lesson:02d}"      # file names start with two digits: 1 -> "01"
    rows = [(ex, _status.get(name, "not checked yet")) for name, ex in EXERCISES.items()
            if name in _status or (lesson is not None and ex.lesson.startswith(str(lesson)))]
    if not rows:
        print("No exercises checked yet in this session.")
        return
    done = sum(state == "passed" for _, state in rows)
    print(f"Exercises: {done} of {len(rows)} passed")
    for ex, state in sorted(rows, key=lambda r: [int(p) for p in r[0].number.split(".")]):
        print(f"  {ex.number:<5} {ex.title:<40} {state}")
