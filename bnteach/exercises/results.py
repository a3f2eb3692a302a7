"""Judge a learner's result: the array or the number it should be, or a known mistake.

The checkers of :mod:`bnteach.exercises` turn what a learner's function returned
into what the exercise asks for with :func:`as_array` and :func:`as_number`, which
fail with a hint saying what the result is instead (None, a list, a transposed
array, a boolean), and compare it with the results of known mistakes with
:func:`reject_known_mistakes`, which fails with that mistake's hint. Every failure
is an ``AssertionError``, as the checker protocol of
:mod:`bnteach.exercises.harness` requires; the harness re-exports these names.
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_array", "as_number", "reject_known_mistakes"]


def reject_known_mistakes(out, mistakes, prefix="", close=None):
    """Fail with the hint of the first known mistake that ``out`` reproduces.

    Parameters
    ----------
    out : object
        The learner's result.
    mistakes : iterable of (object, str)
        ``(what that mistake returns, hint)`` pairs, in order; a ``None`` result is
        skipped (the mistake is impossible on this input).
    prefix : str, default ""
        Put before the hint, e.g. ``"for n = 3: "``.
    close : callable, optional
        ``close(out, wrong) -> bool``; default: agree to a relative 1e-8
        (``np.allclose(out, wrong, rtol=1e-8)``).

    Returns
    -------
    None
        When ``out`` matches none of the mistakes.

    Raises
    ------
    AssertionError
        ``prefix + hint`` of the first mistake that ``out`` matches.

    Examples
    --------
    >>> reject_known_mistakes(0.25, [(0.5, "you forgot to square it"),
    ...                              (0.0625, "you squared it twice")])
    >>> reject_known_mistakes(0.0625, [(0.5, "you forgot to square it"),
    ...                                (0.0625, "you squared it twice")], "for x = 0.5: ")
    Traceback (most recent call last):
        ...
    AssertionError: for x = 0.5: you squared it twice
    """
    close = close or (lambda a, b: np.allclose(a, b, rtol=1e-8))
    for wrong, hint in mistakes:
        assert wrong is None or not close(out, wrong), prefix + hint


def _returned_none(out):
    assert out is not None, "your function returned None. Did you forget `return`?"


def as_array(out, shape, what):
    """``out`` as the array of ``shape`` it should be, or a hint saying what it is instead.

    Parameters
    ----------
    out : object
        The learner's result.
    shape : tuple of int
        The expected shape, e.g. ``(d, n)``.
    what : str
        What the array is, for the hint, e.g. ``"the same shape as Z, (d, n)"``.

    Returns
    -------
    ndarray of shape ``shape``
        ``out`` itself.

    Raises
    ------
    AssertionError
        If ``out`` is None, not a numpy array, or of another shape (a transposed
        result is named as such).

    Examples
    --------
    >>> as_array(np.zeros((3, 2)), (2, 3), "the same shape as Z, (d, n)")
    Traceback (most recent call last):
        ...
    AssertionError: the output has shape (3, 2) but should have shape (2, 3) (the same
    shape as Z, (d, n)). You transposed it: keep samples as columns.
    """
    assert out is not None, f"your function returned None. Did you forget `return`? ({what})"
    assert isinstance(out, np.ndarray), (
        f"your function returned a {type(out).__name__}; return a numpy array ({what}). "
        f"np.asarray(...) converts a list.")
    assert out.shape == shape, (
        f"the output has shape {out.shape} but should have shape {shape} ({what})."
        + (" You transposed it: keep samples as columns." if out.shape == shape[::-1] else ""))
    return out


def as_number(out, where, fix=""):
    """``out`` as one float, or a hint: ``where`` says for which input, ``fix`` how to get one.

    A boolean is refused (a comparison such as ``np.allclose`` hides the size of a
    difference), as is a string, an array or a list.

    Parameters
    ----------
    out : object
        The learner's result.
    where : str
        For which input, e.g. ``"for n = 3"``.
    fix : str, default ""
        How to get one number, added to the hint for an array or a list.

    Returns
    -------
    float
        ``float(out)``.

    Raises
    ------
    AssertionError
        If ``out`` is None, a boolean, a string or not a scalar.

    Examples
    --------
    >>> print(f"{as_number(np.float64(0.5), 'for n = 3'):.2f}")
    0.50
    """
    _returned_none(out)
    assert not isinstance(out, (bool, np.bool_)), (
        f"{where} you returned {out}; return the number itself, not a comparison "
        f"(True/False hides how large it is).")
    assert np.ndim(out) == 0 and not isinstance(out, str), (
        f"return one number; {where} you returned {type(out).__name__} {np.shape(out)}."
        + (f" {fix}" if fix else ""))
    return float(out)
