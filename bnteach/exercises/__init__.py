"""Checkers for the lessons' exercises: they test your function and tell you what to fix.

Each exercise in a lesson has a stub cell (a function raising
``NotImplementedError``), a check cell calling ``check_<name>(your_function)``
and a solution-request cell (:func:`show_solution`, commented out, so Run All never
shows or runs a solution). A checker

* takes your function as an argument (it never reads your notebook's variables),
* runs it on its own small seeded inputs and compares with the package's reference
  at a stated tolerance,
* says so in one line when it passes, and returns a true result,
* raises ``AssertionError`` with a hint when it does not (wrong shape, wrong axis,
  wrong normalization, modified input, an exception from your function, ...),
  which Jupyter shows as the hint alone,
* prints that the exercise is pending, and returns a false result, while the stub
  still raises ``NotImplementedError``, so Run All goes on.

The result is True or False for ``assert`` and grading, but a check cell displays
nothing besides the checker's line. In a workspace made by ``bnteach copy-lessons``
the results are kept across kernel restarts (:mod:`bnteach.exercises.progress`).

:func:`summary` lists the exercises of this session and their state. The protocol
lives in :mod:`bnteach.exercises.harness`; each lesson's checkers in
``bnteach.exercises.lesson<N>``.
"""

from bnteach.exercises.harness import (EXERCISES, CheckFailed, Exercise,  # noqa: F401
                                       Result, reset_status, status, summary)
from bnteach.exercises.lesson1 import check_orthogonality_gap, check_rescale
from bnteach.exercises.lesson2 import check_commutation_gap, check_recenter
from bnteach.exercises.lesson3 import check_kappa, check_relu_cosine, check_wide_layer
from bnteach.exercises.lesson4 import (check_find_outlier, check_invariance,
                                       check_measure_alpha)
from bnteach.exercises.lesson5 import check_split_growth, check_tree_gram
from bnteach.exercises.lesson7 import check_bn_backward
from bnteach.exercises.solutions import show_solution, solution_text

__all__ = ["EXERCISES", "check_rescale", "check_orthogonality_gap", "check_recenter",
           "check_commutation_gap", "check_relu_cosine", "check_kappa", "check_wide_layer",
           "check_find_outlier", "check_measure_alpha", "check_invariance", "check_tree_gram",
           "check_split_growth", "check_bn_backward", "summary", "status",
           "reset_status", "show_solution", "solution_text", "CheckFailed", "Result"]
