"""Solutions on request: shown as text when a learner asks, never run.

A lesson's exercise has a stub cell, a check cell and a request cell whose only
line is commented out::

    # bn.exercises.show_solution("4.1")

Run All runs nothing there. A learner who wants the solution removes the ``#``
and runs the cell: :func:`show_solution` prints the solution's text and how to
use it. It never executes it, never rewrites a cell, and never records a result,
so :func:`bnteach.exercises.summary` counts only the learner's own work.

The solution of exercise ``N.k`` is the file ``solutions/NN_exk.py``, looked for

1. next to the notebook (the kernel's working directory: JupyterLab, Binder, a
   copied workspace), then
2. in the lessons shipped with the installed package (``bnteach._lessons``, as on
   Colab), or the repository's ``lessons/`` in a source checkout.

Deleting ``lessons/solutions/`` before publishing withholds them: the request
then says that solutions are not included in this copy of the course.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from bnteach.exercises.harness import EXERCISES

__all__ = ["solution_file", "solution_text", "show_solution", "WITHHELD"]

#: What a request prints where the solutions were withheld.
WITHHELD = "Solutions are not included in this copy of the course."


def _exercise_number(exercise: str) -> str:
    """``"4.1"`` from ``"4.1"`` or from the exercise's name (``"find_outlier"``)."""
    exercise = str(exercise).strip()
    if exercise in EXERCISES:
        return EXERCISES[exercise].number
    numbers = {ex.number for ex in EXERCISES.values()}
    if exercise not in numbers:
        known = ", ".join(sorted(numbers, key=lambda s: [int(p) for p in s.split(".")]))
        raise ValueError(f"there is no exercise {exercise!r}; the exercises are {known} "
                         f"(e.g. show_solution(\"1.1\")).")
    return exercise


def solution_file(exercise: str) -> str:
    """The solution's file name: ``"4.1"`` -> ``"04_ex1.py"``.

    Parameters
    ----------
    exercise : str
        The exercise number as the lesson prints it (``"4.1"``) or its function's name.

    Returns
    -------
    str
        ``NN_exk.py``, the file's name in ``solutions/``.

    Raises
    ------
    ValueError
        If there is no such exercise.

    Examples
    --------
    >>> solution_file("4.1")
    '04_ex1.py'
    """
    lesson, k = _exercise_number(exercise).split(".")
    return f"{int(lesson):02d}_ex{k}.py"


def _solution_dirs() -> list:
    """Where solutions are looked for, in order (see the module's docstring)."""
    dirs = [Path.cwd() / "solutions"]
    try:
        dirs.append(resources.files("bnteach._lessons") / "solutions")
    except (ModuleNotFoundError, TypeError, ValueError):
        pass
    dirs.append(Path(__file__).resolve().parents[2] / "lessons" / "solutions")
    return dirs


def solution_text(exercise: str) -> str | None:
    """The text of an exercise's solution file, or None where solutions are withheld.

    Parameters
    ----------
    exercise : str
        The exercise number (``"4.1"``) or its function's name (``"find_outlier"``).

    Returns
    -------
    str or None
        The file's text, never executed; None if no ``solutions/`` folder next to the
        notebook or in the installed course has it (the solutions are withheld).
    """
    return _find(exercise)[0]


def _find(exercise: str):
    """``(text, where)`` of the first solution file found, or ``(None, None)``."""
    name = solution_file(exercise)
    for k, folder in enumerate(_solution_dirs()):
        path = folder / name
        try:
            if path.is_file():
                where = (f"solutions/{name} next to the lesson" if k == 0 else
                         f"the course's own copy of solutions/{name} (the installed package "
                         f"or the course folder; deleting a workspace's solutions/ does "
                         f"not withhold it)")
                return path.read_text(encoding="utf-8"), where
        except OSError:
            continue
    return None, None


def show_solution(exercise: str) -> None:
    """Print the solution of an exercise, and how to use it. It is shown, never run.

    Parameters
    ----------
    exercise : str
        The exercise number as the lesson prints it (``"4.1"``) or its function's name.

    Examples
    --------
    In a lesson, remove the ``#`` of the request cell's line and run the cell::

        bn.exercises.show_solution("4.1")
    """
    number = _exercise_number(exercise)
    text, where = _find(number)
    if text is None:
        print(f"{WITHHELD} (Exercise {number}: no solutions/{solution_file(number)} next to "
              f"the lesson or in the installed course.) Ask your instructor.")
        return
    print(f"Solution to Exercise {number}, from {where}. It is shown "
          f"here, not run. To use it, copy the function into your exercise cell (replacing "
          f"the stub), run that cell, then run the check cell.\n")
    print(text.rstrip("\n"))
