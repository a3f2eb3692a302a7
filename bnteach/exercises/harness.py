"""The checkers' harness: register an exercise, call the learner's function safely, judge it.

Every checker of ``bnteach.exercises`` follows one protocol (course standards M4):

* it takes the learner's function as an argument (never notebook variables) and
  runs it on its own small seeded inputs, through :func:`call`, which hands it
  copies and fails with a hint if it modifies its input or uses numpy's global
  random state;
* **pass**: it prints one line and returns a true :class:`Result`;
* **pending**: while the stub still raises ``NotImplementedError`` (or a scaffold's
  ``...`` is left: the line names the variables still ``...``,
  :mod:`bnteach.exercises.scaffold`) it says so and returns a false :class:`Result`,
  so Run All goes on;
* **fail**: it raises :class:`~bnteach.exercises.errors.CheckFailed` (an
  ``AssertionError``) whose message starts with the exercise number and says what
  to fix; Jupyter shows that message alone, without a traceback. An exception
  from the learner's function, or from using what it returned, becomes such a
  hint too (:func:`bnteach.exercises.errors.explain`).

A :class:`Result` is ``True`` or ``False`` for ``assert check(fn)`` and
``passed = check(fn)``, but displays nothing, so a check cell shows only its line.
In a learner's workspace (``bnteach copy-lessons``) each result is also recorded
(:mod:`bnteach.exercises.progress`), so :func:`summary` lists earlier sessions' too.

A checker is a function decorated with :func:`exercise`, which registers it in
:data:`EXERCISES` and applies the protocol; its body only has to compare and raise
``AssertionError`` with a hint, using :func:`as_array`, :func:`as_number` and
:func:`reject_known_mistakes` (from :mod:`bnteach.exercises.results`, re-exported
here). :func:`summary` lists the session's results.
"""

from __future__ import annotations

import functools
import inspect
import sys
import warnings
from dataclasses import dataclass

import numpy as np

from bnteach.exercises import progress
from bnteach.exercises.errors import (CheckFailed, NotAFunction, Result, called, describe,
                                     explain, param_names)
from bnteach.exercises.scaffold import (Unfilled, holds_ellipsis, is_learners,
                                       traceback_frames, unfilled_names)
from bnteach.exercises.results import as_array, as_number, reject_known_mistakes

__all__ = ["Exercise", "EXERCISES", "status", "reset_status", "RTOL", "exercise", "call",
           "as_array", "as_number", "reject_known_mistakes", "summary", "Result", "CheckFailed",
           "describe"]


@dataclass(frozen=True)
class Exercise:
    """One exercise of the course, as registered by :func:`exercise` in :data:`EXERCISES`.

    Attributes
    ----------
    number : str
        ``"<lesson>.<k>"``, e.g. ``"1.1"``: lesson 1, exercise 1.
    title : str
        What the learner does, e.g. ``"implement rescale (RS)"``.
    lesson : str
        The notebook's file name, e.g. ``"01_linear_networks.ipynb"``.
    function : str
        The learner's function, e.g. ``"rescale"``; the checker is named after the
        exercise (``check_invariance(invariance_gap)``), usually the same name.
    """

    number: str     #: "1.1": lesson 1, exercise 1
    title: str
    lesson: str     #: the notebook's file name
    function: str = ""


#: Every exercise of the course, by checker name (``check_<name>``), in lesson order;
#: filled by the :func:`exercise` decorators of the lesson modules.
EXERCISES: dict[str, Exercise] = {}

#: Exercise name -> "passed" | "failed" | "pending", for this session (this kernel).
_status: dict[str, str] = {}

#: Learner and reference compute the same formula: only rounding may differ.
RTOL = 1e-10


def exercise(name: str, number: str, title: str, lesson: str, function: str | None = None):
    """Register ``check_<name>`` as the checker of exercise ``number`` and apply the protocol.

    The decorated function (the checker's body) takes the learner's function,
    compares it with the reference and raises ``AssertionError`` with a hint, or
    returns a message saying what passed.

    Parameters
    ----------
    name : str
        The learner's function name; the checker is ``check_<name>``.
    number : str
        ``"<lesson>.<k>"``, e.g. ``"1.1"``.
    title : str
        What the learner does, e.g. ``"implement rescale (RS)"``.
    lesson : str
        The notebook's file name, e.g. ``"01_linear_networks.ipynb"``.
    function : str, optional
        The learner's function, when it is not ``name`` (``check_invariance`` checks
        ``invariance_gap``).

    Returns
    -------
    callable
        A decorator. It turns the body into the checker ``check_<name>(fn) -> Result``:
        a true :class:`Result` and a "passed" line on success, a false one and a
        "pending" line while ``fn`` raises ``NotImplementedError`` (or meets a
        scaffold's ``...``), ``CheckFailed("Exercise <number>: <hint>")`` (an
        ``AssertionError``) on failure, whatever exception caused it; the state is
        recorded for :func:`summary`.

    Raises
    ------
    ValueError
        If ``name`` is already registered.
    """
    if name in EXERCISES:
        raise ValueError(f"exercise {name!r} is registered twice")
    function = function or name
    EXERCISES[name] = entry = Exercise(number, title, lesson, function)

    def decorate(check):
        @functools.wraps(check)
        def wrapper(fn):
            if not callable(fn):
                raise NotAFunction(f"check_{name} takes your function itself, e.g. "
                                   f"check_{name}({function}) without parentheses after "
                                   f"{function}; got {type(fn).__name__}.")
            _last.clear()
            hint = None
            try:
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # the check judges; it shows one message
                    message = check(fn)
            except NotImplementedError as err:
                _set(name, "pending")
                print(f"Exercise {entry.number} ({entry.title}) is pending: "
                      + (f"{err}, and run this cell again." if isinstance(err, Unfilled)
                         and err.names else "your function still raises NotImplementedError "
                         "(or uses a `...` not filled in yet). Fill it in and run this cell "
                         "again."))
                return Result(False)
            except AssertionError as err:
                hint = str(err)
            except Exception as err:                 # using what the function returned failed
                hint = _unusable(err)
            if hint is not None:
                _set(name, "failed")
                raise CheckFailed(f"Exercise {entry.number}: {hint}") from None
            _set(name, "passed")
            print(f"Exercise {entry.number} passed: {message}")
            return Result(True)
        # the body returns its message; what a learner calls returns a Result (True or False)
        wrapper.__annotations__ = {**check.__annotations__, "return": Result}
        wrapper.__signature__ = inspect.signature(check).replace(return_annotation=Result)
        return wrapper
    return decorate


#: The learner's last call in the running check: for a hint when its result is unusable.
_last: dict = {}


def _set(name: str, state: str) -> None:
    _status[name] = state
    progress.record(name, state)


def _unusable(err: Exception) -> str:
    """The hint for an exception raised while the checker used the learner's result."""
    text = str(err).strip()
    what = type(err).__name__ + (f": {text.splitlines()[0]}" if text else "")
    if "fn" not in _last:
        return f"the check could not run your function ({what})."
    return (f"your function {called(_last['fn'], _last['args'])} returned "
            f"{describe(_last['out'])}, which the check could not use ({what}). Return what "
            f"the exercise asks for: see the stub's comment for its type and shape.")


def _global_rng_state():
    """numpy's global (legacy) random state: key, position and cached Gaussian.

    The key alone is not enough: a single draw such as ``np.random.rand()`` usually
    moves only the position in the key (which is regenerated every 624 draws).
    """
    _, key, pos, has_gauss, cached = np.random.get_state()
    return key.copy(), pos, has_gauss, cached


def _same_rng_state(a, b) -> bool:
    return np.array_equal(a[0], b[0]) and a[1:] == b[1:]


def call(fn, *args, cause=None):
    """Call the learner's ``fn`` on copies of ``args``; a hint if it raises or changes them.

    Parameters
    ----------
    fn : callable
        The learner's function.
    *args
        Its arguments; arrays are copied before the call and compared after it.
    cause : callable, optional
        ``cause(err) -> str or None``: the exercise's diagnosis of an exception ``err``
        raised by ``fn`` (e.g. a missing ``keepdims``); default: the likeliest cause
        for that kind of error (:func:`bnteach.exercises.errors.explain`).

    Returns
    -------
    object
        Whatever ``fn`` returns.

    Raises
    ------
    NotImplementedError
        (pending) If ``fn`` raises it, or a scaffold's ``...`` is left in it:
        :class:`~bnteach.exercises.scaffold.Unfilled` names the variables still ``...``.
    AssertionError
        With a hint if ``fn`` raised another exception, modified an input array in
        place (naming it) or used numpy's global random state (``np.random.*``).

    Examples
    --------
    >>> call(lambda Z: 2 * Z, np.ones(2))
    array([2., 2.])
    >>> def halve_in_place(Z):
    ...     Z /= 2
    ...     return Z
    >>> call(halve_in_place, np.ones(2))
    Traceback (most recent call last):
        ...
    AssertionError: your function modified its input array in place: Z ...
    """
    copies = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    state = _global_rng_state()
    returned = []                                # the learner's `...` locals when fn returned

    def watch(frame, event, _):                  # the last of the learner's frames to return
        if event == "return" and is_learners(frame.f_code, fn):
            returned[:] = unfilled_names([frame], fn)
    before = sys.getprofile()
    sys.setprofile(watch)
    try:
        out = fn(*copies)
    except NotImplementedError:
        raise
    except Exception as err:                     # the learner's code failed: say why, briefly
        names = unfilled_names(traceback_frames(err), fn)
        if names or "ellipsis" in str(err).lower():   # a scaffold's `...` not filled: pending
            raise Unfilled(names) from None
        raise AssertionError(explain(err, fn, args, cause(err) if cause else None)) from None
    finally:
        sys.setprofile(before)
    if holds_ellipsis(out):                      # built from a scaffold's `...`: not written yet
        raise Unfilled(returned)
    _last.update(fn=fn, args=args, out=out)
    for name, a, c in zip(param_names(fn, len(args)), args, copies):
        assert not isinstance(a, np.ndarray) or np.array_equal(a, c), (
            f"your function modified its input array in place: {name} (e.g. {name} -= ... or "
            f"{name} /= ...). Work on a new array instead: {name} = {name} - ... or "
            f"{name} / ..., so the caller's data stay intact.")
    assert _same_rng_state(state, _global_rng_state()), (
        "your function used numpy's global random state (np.random.*). Draw random numbers "
        "from a Generator instead: the rng passed to your function, if it takes one, or "
        "rng = np.random.default_rng(seed).")
    return out


def status() -> dict[str, str]:
    """This session's results so far: exercise name -> "passed", "failed" or "pending".

    Returns
    -------
    dict of str to str
        A copy; exercises not checked yet are absent. For graders and tests.
    """
    return dict(_status)


def reset_status() -> None:
    """Forget this session's results, as a fresh kernel would (for graders and tests)."""
    _status.clear()


def summary(lesson: str | int | None = None) -> None:
    """Print the exercises checked so far (and, for ``lesson``, the ones not yet tried).

    In a learner's workspace (``bnteach copy-lessons``) the results of earlier
    sessions are listed too, marked "(earlier session)"; this session's result of
    an exercise replaces its earlier one.

    Parameters
    ----------
    lesson : str or int, optional
        A lesson's file name or number prefix, e.g. ``"01"`` (or ``1``): also list its
        exercises that have not been checked yet.
    """
    if isinstance(lesson, int) and not isinstance(lesson, bool):
        lesson = f"{lesson:02d}"      # file names start with two digits: 1 -> "01"
    earlier = {name: f"{rec['state']} (earlier session)" for name, rec in progress.load().items()
               if name in EXERCISES}
    states = {**earlier, **_status}
    rows = [(ex, states.get(name, "not checked yet")) for name, ex in EXERCISES.items()
            if name in states or (lesson is not None and ex.lesson.startswith(str(lesson)))]
    if not rows:
        print("No exercises checked yet in this session.")
        return
    done = sum(state.startswith("passed") for _, state in rows)
    print(f"Exercises: {done} of {len(rows)} passed")
    width = max(len(ex.title) for ex, _ in rows)          # a table: the states in one column
    for ex, state in sorted(rows, key=lambda r: [int(p) for p in r[0].number.split(".")]):
        print(f"  {ex.number:<5} {ex.title:<{width}}  {state}")
