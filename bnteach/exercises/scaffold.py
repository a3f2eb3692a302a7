"""A scaffold's ``...`` not filled in yet: find the learner's variables still equal to it.

A lesson's stub is often a scaffold: lines such as ``C = ...`` for the learner to fill
in. While one is left, the learner's function raises deep inside numpy or the package
(``np.diag(...)``), or returns something built from ``...``. The harness
(:func:`bnteach.exercises.harness.call`) then reports the exercise as pending with
:class:`Unfilled`, naming the variables still equal to ``...`` in the learner's own
frames (:func:`unfilled_names`). This module uses the standard library only.
"""

from __future__ import annotations

import os
import sysconfig

__all__ = ["Unfilled", "is_learners", "unfilled_names", "traceback_frames", "holds_ellipsis"]


class Unfilled(NotImplementedError):
    """A scaffold's ``...`` not filled in yet: the exercise is pending, not failed.

    Parameters
    ----------
    names : iterable of str
        The learner's variables still equal to ``...`` (may be empty).

    Examples
    --------
    >>> print(Unfilled(["P", "C"]))
    `P` and `C` are still `...`: fill them in
    """

    def __init__(self, names=()):
        self.names = tuple(dict.fromkeys(names))
        quoted = [f"`{n}`" for n in self.names]
        text = (" and ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)
                + (" are" if len(quoted) > 1 else " is") + " still `...`: fill "
                + ("them" if len(quoted) > 1 else "it") + " in") if quoted else ""
        super().__init__(text)


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBRARIES = tuple({os.path.abspath(p) for key, p in sysconfig.get_paths().items()
                    if key in ("stdlib", "platstdlib", "purelib", "platlib")})
_learners: dict = {}      # code object -> whether it is the learner's (cached)


def is_learners(code, fn) -> bool:
    """Is ``code`` the learner's: ``fn``'s own, or defined outside bnteach and the libraries?

    Parameters
    ----------
    code : code object
        A frame's ``f_code``.
    fn : callable
        The learner's function.

    Returns
    -------
    bool
        True for ``fn``'s code and for code defined in a notebook or a script of the
        learner's; False for bnteach's, numpy's and the standard library's.

    Examples
    --------
    >>> is_learners(os.path.join.__code__, None)
    False
    """
    if code is getattr(fn, "__code__", None):
        return True
    if code not in _learners:
        path = code.co_filename
        _learners[code] = not (path.startswith("<frozen") or os.path.abspath(path).startswith(
            (_PACKAGE + os.sep, *(p + os.sep for p in _LIBRARIES))))
    return _learners[code]


def unfilled_names(frames, fn) -> list[str]:
    """The local variables still equal to ``...`` in the learner's own ``frames``.

    Parameters
    ----------
    frames : iterable of frame
        E.g. the frames of an exception's traceback.
    fn : callable
        The learner's function: its frames count as the learner's wherever it is defined.

    Returns
    -------
    list of str
        The names, in the order met; empty if none.

    Examples
    --------
    >>> import sys
    >>> def wide_layer(G):
    ...     C = ...
    ...     return sys._getframe()
    >>> unfilled_names([wide_layer(1)], wide_layer)
    ['C']
    """
    return [name for frame in frames if is_learners(frame.f_code, fn)
            for name, value in frame.f_locals.items() if value is Ellipsis]


def traceback_frames(err: BaseException) -> list:
    """The frames of ``err``'s traceback, outermost first.

    Parameters
    ----------
    err : BaseException
        A caught exception.

    Returns
    -------
    list of frame
        From where it was caught to where it was raised.

    Examples
    --------
    >>> try:
    ...     int("x")
    ... except ValueError as err:
    ...     print(len(traceback_frames(err)))
    1
    """
    frames, tb = [], err.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    return frames


def holds_ellipsis(out) -> bool:
    """Is ``out`` ``...``, or a list, tuple or object array with a ``...`` in it?

    Parameters
    ----------
    out : object
        What the learner's function returned.

    Returns
    -------
    bool
        True if it was built from a scaffold's ``...`` not filled in yet.

    Examples
    --------
    >>> holds_ellipsis((3, ...)), holds_ellipsis([1.0, 2.0])
    (True, False)
    """
    if out is Ellipsis:
        return True
    if getattr(out, "dtype", None) == object and hasattr(out, "ravel"):
        return any(v is Ellipsis for v in out.ravel())
    return isinstance(out, (list, tuple)) and any(v is Ellipsis for v in out)
