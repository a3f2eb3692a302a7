"""Checkers of Lesson 7 (training): the backward pass through recentering and rescaling.

Each ``check_<name>(your_function)`` follows the protocol of
:mod:`bnteach.exercises.harness`: True when it passes, False while pending, an
``AssertionError`` with a hint when it fails. Any other exception your function
raises is turned into a hint too.
"""

from __future__ import annotations

import numpy as np

from bnteach import backprop
from bnteach.exercises.harness import as_array, call, exercise, reject_known_mistakes

__all__ = ["check_bn_backward"]

LESSON = "07_training.ipynb"

#: (shape of Z, components): square inputs catch a mean without keepdims, which
#: broadcasts along the wrong axis instead of failing.
CASES = [((3, 5), ("rc", "rs")), ((4, 4), ("rc", "rs")), ((5, 6), ("rc",)), ((4, 4), ("rc",)),
         ((3, 7), ("rs",)), ((4, 4), ("rs",))]


def _mean(A, axis=1, keepdims=True):
    """A row mean (or the wrong one, for the mistakes below)."""
    m = A.mean(axis=axis, keepdims=keepdims)
    return m if keepdims or axis == 0 else m[None, :]     # no keepdims: broadcasts as a row


def _backward(Z, dY, comps, *, axis=1, keepdims=True, ddof=0, ddof_term=None, mean_term=True,
              var_term=True, divide=True, sign=-1.0):
    """The backward pass, with the knobs that reproduce the classic mistakes."""
    m = lambda A: _mean(A, axis, keepdims)                # noqa: E731
    n = Z.shape[axis]
    Zc = Z - m(Z) if "rc" in comps else Z
    g = dY
    if "rs" in comps:
        r = np.sqrt(m(Zc ** 2) * n / (n - ddof))
        Y = Zc / r
        k = n / (n - (ddof if ddof_term is None else ddof_term))
        g = dY + sign * Y * m(dY * Y) * k if var_term else dY
        g = g / r if divide else g
    if "rc" in comps and mean_term:
        g = g - m(g)
    return g


def _mistakes(Z, dY, comps):
    """(what a classic mistake returns, its hint), for these inputs; None where impossible."""
    rc, rs, square = "rc" in comps, "rs" in comps, Z.shape[0] == Z.shape[1]
    b = lambda **kw: _backward(Z, dY, comps, **kw)        # noqa: E731
    steps = {"rc": "RC (recentering)", "rs": "RS (rescaling)"}
    missing = [c for c in ("rc", "rs") if c not in comps]
    return [
        (backprop.bn_backward(Z, dY, ("rc", "rs")) if missing else None,
         f"there is no {' or '.join(steps[c] for c in missing)} step here, but you went back "
         f"through both: apply only the steps named in components "
         f"(if \"{missing[0] if missing else ''}\" in components: ...)."),
        (dY if (rc or rs) else None,
         "you returned dY unchanged. The gradient has to go back through the normalization: "
         "through RS (Y = Zc / r) and RC (Zc = Z − mean(Z))."),
        (b(mean_term=False, var_term=False) if rc and rs else None,
         "you treated the batch statistics (the mean and r) as constants. Both depend on every "
         "sample of the row, so each has its own term: through RS, dZc = (dY − Y·mean(dY·Y)) / r; "
         "through RC, dZ = dZc − mean(dZc), means over the row (axis=1, keepdims=True)."),
        (b(mean_term=False) if rc else None,
         "you forgot that the batch mean depends on every sample: moving one entry of a row "
         "moves the row's mean, which every sample subtracts. Through RC the gradient is "
         "dZ = dZc − dZc.mean(axis=1, keepdims=True)."),
        (b(var_term=False) if rs else None,
         "you dropped the variance's gradient: you divided dY by r as if r were a constant, but "
         "r depends on every sample of the row. Through RS, dZc = (dY − Y · mean(dY * Y)) / r, "
         "with the mean over the row (axis=1, keepdims=True) and Y = Zc / r."),
        (b(axis=0),
         "you took the statistics over axis=0, across the neurons of one sample. Batch norm's "
         "statistics are over the batch, the columns of each row: use axis=1, keepdims=True "
         "(for the forward mean and r, and for the means of the backward pass)."),
        (b(axis=1, keepdims=False) if square else None,
         "you took the row means without keepdims=True: a mean of shape (d,) broadcasts along "
         "the wrong axis (this Z is square, so numpy did not complain). Use "
         ".mean(axis=1, keepdims=True), shape (d, 1)."),
        (b().T if square else None,
         "you transposed the result: dZ has the shape of Z, (d, n), samples as columns."),
        *[(b(ddof=1, ddof_term=t) if rs else None,
           "you used the unbiased variance (n − 1). RS divides by the root-mean-square over the "
           "n samples (ddof=0), so its backward pass averages over n as well.") for t in (1, 0)],
        (b(sign=1.0) if rs else None,
         "the variance's term has the wrong sign: dZc = (dY − Y · mean(dY * Y)) / r, a minus."),
        (b(divide=False) if rs else None,
         "you forgot to divide by r: dZc = (dY − Y · mean(dY * Y)) / r."),
    ]


def _finite_differences(Z, dY, comps, eps=1e-6):
    """Central differences of ``sum(dY * Y(Z))``, entry by entry."""
    f = lambda A: float(np.sum(dY * _backward_forward(A, comps)))   # noqa: E731
    fd = np.zeros_like(Z)
    for idx in np.ndindex(Z.shape):
        E = np.zeros_like(Z)
        E[idx] = eps
        fd[idx] = (f(Z + E) - f(Z - E)) / (2 * eps)
    return fd


def _backward_forward(Z, comps):
    """The forward map ``Y = RS(RC(Z))`` (or the subset), for the finite differences."""
    Zc = Z - Z.mean(axis=1, keepdims=True) if "rc" in comps else Z
    return Zc / np.sqrt(np.mean(Zc ** 2, axis=1, keepdims=True)) if "rs" in comps else Zc


def _cause(err):
    """Lesson 7's diagnosis of a shape error raised by the learner's function."""
    if "broadcast" in str(err) or "shape" in str(err):
        return ("Check the shapes: Z, dY and dZ are (d, n); a row's mean or r is (d, 1), which "
                "needs keepdims=True: Z.mean(axis=1, keepdims=True).")
    return None


@exercise("bn_backward", "7.1", "backpropagate through RC and RS", LESSON)
def check_bn_backward(bn_backward) -> str:
    """Check your ``bn_backward(Z, dY, components)``: the gradient through RC and RS.

    Exercise 7.1 of ``lessons/07_training.ipynb``. ``Y = RS(RC(Z))`` (or the subset
    named in ``components``) with batch statistics over each row; ``bn_backward``
    returns ``dZ``, the gradient of ``sum(dY * Y)`` with respect to ``Z``. The checker
    compares it with central finite differences (relative tolerance 1e-6) and with
    :func:`bnteach.backprop.bn_backward` (1e-8), for ``("rc", "rs")``, ``("rc",)`` and
    ``("rs",)``, on square and non-square inputs, and names the classic mistakes.

    Parameters
    ----------
    bn_backward : callable
        Your function, ``bn_backward(Z, dY, components) -> ndarray of shape (d, n)``;
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
    >>> def bn_backward(Z, dY, components=("rc", "rs")):
    ...     return dY
    >>> try:
    ...     check_bn_backward(bn_backward)
    ... except AssertionError as failure:      # in Jupyter: the hint alone, no traceback
    ...     print(str(failure)[:80])
    Exercise 7.1: with components ('rc', 'rs'): you returned dY unchanged. The gradi
    """
    rng = np.random.default_rng(71)
    for shape, comps in CASES:
        scale, offset = rng.uniform(0.5, 3.0, (shape[0], 1)), rng.uniform(-2, 2, (shape[0], 1))
        Z = rng.standard_normal(shape) * scale + offset
        dY = rng.standard_normal(shape)
        out = call(bn_backward, Z, dY, comps, cause=_cause)   # a raised error becomes a hint
        out = as_array(out, shape, "the shape of Z, (d, n)")
        if out.dtype.kind not in "iuf":
            raise AssertionError(f"your dZ holds {out.dtype} values, not numbers: is a `...` of "
                                 f"the scaffold still there?")
        fd = _finite_differences(Z, dY, comps)
        if (np.allclose(out, fd, rtol=1e-6, atol=1e-7)
                and np.allclose(out, backprop.bn_backward(Z, dY, comps), rtol=1e-8, atol=1e-10)):
            continue
        close = lambda a, b: a.shape == b.shape and np.allclose(a, b, rtol=1e-8, atol=1e-12)  # noqa: E731
        reject_known_mistakes(out, _mistakes(Z, dY, comps), f"with components {comps}: ", close)
        raise AssertionError(
            f"with components {comps} and Z of shape {shape}, your dZ differs from central "
            f"finite differences of sum(dY * Y) by up to {np.max(np.abs(out - fd)):.3g}. Go back "
            f"through RS first, dZc = (dY − Y · mean(dY * Y)) / r, then through RC, "
            f"dZ = dZc − mean(dZc), every mean over the row (axis=1, keepdims=True).")
    return ("dZ matches finite differences for RC, RS and RC + RS: the gradient flows through "
            "the batch mean and variance.")
