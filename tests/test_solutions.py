"""Every solution file passes its exercise's checker, and every exercise has one.

A solution is loaded in a lesson by a hidden ``%load solutions/<lesson>_ex<k>.py``
cell and runs in the lesson's namespace (``np`` and ``bn`` imported). Here each
file runs in such a namespace; its last line calls the checker, which records
"passed" in ``bn.exercises.status()``.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import numpy as np
import pytest

import bnteach as bn

SOLUTIONS = Path(__file__).resolve().parents[1] / "lessons" / "solutions"


def _solution_files():
    return sorted(SOLUTIONS.glob("*_ex*.py"))


def _checked_exercise(source: str) -> str:
    called = re.findall(r"bn\.exercises\.check_(\w+)\(", source)
    assert len(called) == 1, "a solution file ends with exactly one checker call"
    return called[0]


@pytest.fixture(autouse=True)
def _fresh_status():
    bn.exercises.reset_status()
    yield
    bn.exercises.reset_status()


@pytest.mark.parametrize("path", _solution_files(), ids=lambda p: p.name)
def test_solution_passes_its_checker(path):
    source = path.read_text(encoding="utf-8")
    name = _checked_exercise(source)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, str(path), "exec"), {"np": np, "bn": bn})
    assert bn.exercises.status() == {name: "passed"}
    assert "passed" in out.getvalue()


@pytest.mark.parametrize("name", sorted(bn.exercises.EXERCISES))
def test_every_exercise_has_a_solution_named_after_its_number(name):
    exercise = bn.exercises.EXERCISES[name]
    lesson, k = exercise.number.split(".")
    path = SOLUTIONS / f"{int(lesson):02d}_ex{k}.py"
    assert path.exists(), f"missing solution file for exercise {exercise.number}: {path.name}"
    assert _checked_exercise(path.read_text(encoding="utf-8")) == name


@pytest.mark.parametrize("name", sorted(bn.exercises.EXERCISES))
def test_every_exercise_is_in_its_lesson_with_stub_check_and_solution_cell(name):
    exercise = bn.exercises.EXERCISES[name]
    nb = (SOLUTIONS.parent / exercise.lesson).read_text(encoding="utf-8")
    lesson, k = exercise.number.split(".")
    assert f'NotImplementedError(\\"Exercise {exercise.number}' in nb
    assert f"bn.exercises.check_{name}(" in nb
    assert f"solutions/{int(lesson):02d}_ex{k}.py" in nb
