"""Turn an exception from a learner's function into a hint in the learner's terms.

A checker never lets an exception from the learner's code (or from using what it
returned) reach the learner as a traceback into the package. :func:`explain` says
what was called, with what inputs, what went wrong and its likely cause;
:class:`CheckFailed` is the ``AssertionError`` a failed check raises, which Jupyter
shows as the hint alone (IPython's ``_render_traceback_``). This module uses the
standard library only.
"""

from __future__ import annotations

import inspect
import re
import textwrap

__all__ = ["Result", "CheckFailed", "NotAFunction", "describe", "called", "explain",
           "param_names", "LIKELY_CAUSES"]


class Result:
    """What a checker returns: true when the exercise passed, false while it is pending.

    It behaves as the bool it stands for (``assert check(fn)``, ``passed == True``,
    ``repr`` ``True``), but IPython displays nothing for it: the check cell shows only
    the checker's line.

    Parameters
    ----------
    passed : bool
        True for a passed exercise, False for a pending one.

    Examples
    --------
    >>> ok = Result(True)
    >>> bool(ok), ok == True, ok
    (True, True, True)
    """

    __slots__ = ("passed",)

    def __init__(self, passed: bool):
        self.passed = bool(passed)

    def __bool__(self) -> bool:
        return self.passed

    def __eq__(self, other) -> bool:
        return bool(self) == other if isinstance(other, (bool, Result, int)) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.passed)

    def __repr__(self) -> str:
        return repr(self.passed)

    def _ipython_display_(self) -> None:
        """Display nothing: the checker already printed its line."""


class CheckFailed(AssertionError):
    """A failed check. An ``AssertionError``, so ``assert check(fn)`` grading works.

    In Jupyter (IPython) it is shown as its message alone, without a traceback
    into the package: the hint is what the learner needs.

    Examples
    --------
    >>> err = CheckFailed("Exercise 1.1: use axis=1.")
    >>> isinstance(err, AssertionError), err._render_traceback_()[-1]
    (True, 'use axis=1.')
    """

    def _render_traceback_(self) -> list[str]:
        number, _, hint = str(self).partition(": ")
        lines = [f"\x1b[1;31m✗ {number}: not passed yet\x1b[0m"]
        for paragraph in hint.split("\n"):
            lines += textwrap.wrap(paragraph, 92) or [""]
        return lines


class NotAFunction(TypeError):
    """A checker given a value, not a function (``check_f(f(x))``); shown as the hint alone."""

    def _render_traceback_(self) -> list[str]:
        return ["\x1b[1;31m✗ not checked\x1b[0m", *textwrap.wrap(str(self), 92)]


#: (exception type name, pattern in its message, the likely cause), first match wins.
LIKELY_CAUSES = [
    ("ValueError", r"could not be broadcast|broadcast input array",
     "two arrays whose shapes do not line up. Did you keep the dimensions when taking the "
     "mean or the sum (keepdims=True), so that a (d, 1) column broadcasts along each row?"),
    ("ValueError", r"not have enough dimensions",
     "a matrix product (@) with a number: use * to multiply by a number, and @ only between "
     "two arrays."),
    ("ValueError", r"matmul|aligned|core dimension",
     "a matrix product (@) whose inner sizes differ: a (p, q) matrix times a (q, r) one. "
     "Check the order of the factors and whether one of them needs a transpose (.T)."),
    ("ValueError", r"truth value of an array",
     "an array used where Python needs one True or False (in an `if`, `and`, `or`, `max()` of "
     "two arrays, or a math-module function). Use numpy's elementwise functions instead "
     "(np.arccos, np.sin, np.maximum, np.where), which work on a whole array at once."),
    ("TypeError", r"only (length|size)-1 arrays|only 0-dimensional|must be real number",
     "a function of Python's math module (math.acos, math.sin, math.sqrt) given an array: "
     "they take one number. Use numpy's elementwise functions (np.arccos, np.sin, np.sqrt)."),
    ("TypeError", r"NoneType",
     "a value that is None: a helper function that does not `return` its result, or a "
     "variable assigned from one."),
    ("TypeError", r"not callable",
     "a call on something that is not a function (e.g. an array or a number followed by "
     "parentheses; multiplication needs *)."),
    ("TypeError", r"unexpected keyword argument",
     "a keyword that the function does not have: check the spelling of the argument names "
     "in its documentation (help(...), or ? after its name in Jupyter)."),
    ("TypeError", r"cannot be interpreted as an integer",
     "a float where an integer is needed (a size, a range, an index): n / 2 and 2 ** k / 1 are "
     "floats; use // or int(...)."),
    ("TypeError", r"positional argument|keyword argument|takes \d+",
     "a function called with the wrong number of arguments: check the `def` line against "
     "the exercise (the names and the number of inputs)."),
    ("TypeError", r"list indices|unsupported operand.*list|can't multiply sequence",
     "arithmetic on a Python list, which numpy would do elementwise: convert it first "
     "with np.asarray(...)."),
    ("IndexError", r"out of bounds|out of range",
     "an index past the end of an array or list. Python counts from 0: an array of length "
     "k has indices 0 .. k − 1."),
    ("IndexError", r"only integers|valid indices",
     "an index that is not an integer (a float such as n / 2 or a value read from an "
     "array): use // for integer division, or int(...)."),
    ("ZeroDivisionError", r"",
     "a division by zero: a quantity that is exactly 0 for this input (a spread with no "
     "spread, a norm of an empty difference). Check what you divide by."),
    ("NameError", r"",
     "a name that is not defined where your function runs: a typo, or a variable of another "
     "cell. Pass it as an argument or compute it inside the function (np and bn are "
     "imported in the Setup section)."),
    ("AttributeError", r"",
     "a method or attribute that this object does not have: check the name, and whether "
     "the object is a numpy array (np.asarray(...) converts a list)."),
    ("LinAlgError", r"",
     "a linear-algebra routine that needs a square or invertible matrix: check the shapes."),
    ("RecursionError", r"",
     "a function that calls itself without end: inside your function, call the package's "
     "version (bn....) or numpy, not your own function's name."),
]


def describe(value) -> str:
    """A short description of a value for a hint: its shape for an array, else a repr.

    Parameters
    ----------
    value : object
        What the learner's function was given or returned.

    Returns
    -------
    str
        E.g. ``"an array of shape (3, 2)"``, ``"4"``, ``"a list of length 2"``.

    Examples
    --------
    >>> describe(np.zeros((3, 2))), describe(4), describe([1, 2])
    ('an array of shape (3, 2)', '4', 'a list of length 2')
    """
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple) and hasattr(value, "dtype"):
        return "a number (0-d array)" if shape == () else f"an array of shape {shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    if isinstance(value, (bool, int, float, str)) or value is None:
        text = repr(value)
        return text if len(text) <= 40 else text[:37] + "..."
    if callable(value):
        return "a function"
    return f"a {type(value).__name__}"


def called(fn, args) -> str:
    """``rescale(Z) with Z = an array of shape (4, 4)``: the learner's names, what each was given.

    Parameters
    ----------
    fn : callable
        The learner's function (its parameter names are used).
    args : tuple
        What it was called with.

    Returns
    -------
    str
        The call, as the learner would write it, and what each argument was.

    Examples
    --------
    >>> def rescale(Z):
    ...     return Z
    >>> called(rescale, (np.zeros((4, 4)),))
    'rescale(Z) with Z = an array of shape (4, 4)'
    """
    name = getattr(fn, "__name__", "your function")
    name = "your lambda" if name == "<lambda>" else name
    names = param_names(fn, len(args))
    given = ", ".join(f"{p} = {describe(a)}" for p, a in zip(names, args))
    return f"{name}({', '.join(names)})" + (f" with {given}" if given else "")


def param_names(fn, count: int) -> list[str]:
    """The names of ``fn``'s first ``count`` positional parameters (``arg<k>`` if unknown).

    Parameters
    ----------
    fn : callable
        The learner's function.
    count : int
        How many arguments it is called with.

    Returns
    -------
    list of str
        One name per argument.

    Examples
    --------
    >>> param_names(lambda Z, dY: Z, 3)
    ['Z', 'dY', 'arg3']
    """
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return (params + [f"arg{i + 1}" for i in range(len(params), count)])[:count]


def explain(err: BaseException, fn, args, cause: str | None = None) -> str:
    """The hint for ``err``, raised when the checker called ``fn(*args)``.

    Parameters
    ----------
    err : BaseException
        What the learner's function raised.
    fn : callable
        The learner's function.
    args : tuple
        What it was called with (described by shape, not printed in full).
    cause : str, optional
        The exercise's own diagnosis, if it recognised the mistake; default: the
        likeliest cause for this kind of error (:data:`LIKELY_CAUSES`).

    Returns
    -------
    str
        "calling rescale(Z) with Z = an array of shape (4, 4) raised ValueError:
        ...". Likely cause: ...".

    Examples
    --------
    >>> def f(x):
    ...     return 1 / x
    >>> print(explain(ZeroDivisionError("division by zero"), f, (0,)))  # doctest: +ELLIPSIS
    calling f(x) with x = 0 raised ZeroDivisionError: division by zero. Likely cause: ...
    """
    kind = type(err).__name__
    message = str(err).strip().splitlines()[0] if str(err).strip() else "(no message)"
    if len(message) > 160:
        message = message[:157] + "..."
    if cause is None:
        cause = next((text for name, pattern, text in LIKELY_CAUSES
                      if name == kind and re.search(pattern, message)), None)
    text = f"calling {called(fn, args)} raised {kind}: {message.rstrip('.')}."
    return text + (f" Likely cause: {cause}" if cause else
                   " Run your function on its own in a cell with such an input to see where.")
