"""Every solution file passes its exercise's checker, every exercise has one, and a
learner sees it only on request.

A lesson never runs a solution: its request cell holds one commented-out line,
``# bn.exercises.show_solution("N.k")``, which prints the file's text when the
learner removes the ``#``. The file is written to run in the lesson's namespace
(``np`` and ``bn`` imported) once the learner copies it; here each file runs in
such a namespace, and its last line calls the checker, which records "passed" in
``bn.exercises.status()``. With the solutions withheld (``lessons/solutions/``
deleted) a request says so.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import numpy as np
import pytest

import bnteach as bn
from bnteach.exercises import solutions as requests
from tools import notebooks as tool

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
def test_every_exercise_is_in_its_lesson_with_stub_check_and_request(name):
    exercise = bn.exercises.EXERCISES[name]
    nb = tool.read(SOLUTIONS.parent / exercise.lesson)
    sources = ["".join(c["source"]) for c in nb["cells"]]
    stub = next(i for i, s in enumerate(sources)
                if f'NotImplementedError("Exercise {exercise.number}:' in s)
    assert f"def {exercise.function}(" in sources[stub]
    assert sources[stub + 1].strip() == f"bn.exercises.check_{name}({exercise.function})"
    request = nb["cells"][stub + 2]
    assert tool.SOLUTION_TAG in request["metadata"]["tags"]
    assert sources[stub + 2] == tool.request_code(exercise.number)


@pytest.mark.parametrize("name", sorted(bn.exercises.EXERCISES))
def test_a_request_shows_the_solution_without_running_it(name, capsys):
    number = bn.exercises.EXERCISES[name].number
    assert bn.exercises.show_solution(number) is None
    out = capsys.readouterr().out
    lesson, k = number.split(".")
    text = (SOLUTIONS / f"{int(lesson):02d}_ex{k}.py").read_text(encoding="utf-8")
    assert text.rstrip("\n") in out and f"Solution to Exercise {number}" in out
    assert "not run" in out and "check cell" in out            # says how to use it
    assert bn.exercises.status() == {}                          # nothing ran, nothing counted
    bn.exercises.show_solution(name)                            # the function's name works too
    assert text.rstrip("\n") in capsys.readouterr().out


def test_the_request_cell_runs_nothing_as_it_stands(capsys):
    """Run All executes the request cell as stored: a comment, so nothing happens."""
    namespace = {"np": np, "bn": bn}
    exec(compile(tool.request_code("4.1"), "<request>", "exec"), namespace)
    assert capsys.readouterr().out == "" and bn.exercises.status() == {}
    assert set(namespace) == {"np", "bn", "__builtins__"}


def test_a_request_says_when_solutions_are_withheld(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)                                 # a lesson folder without them
    monkeypatch.setattr(requests, "_solution_dirs", lambda: [tmp_path / "solutions"])
    bn.exercises.show_solution("4.1")
    out = capsys.readouterr().out
    assert out.startswith("Solutions are not included in this copy of the course.")
    assert "def find_outlier" not in out
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "04_ex1.py").write_text("# the instructor's own\n")
    bn.exercises.show_solution("4.1")
    assert "the instructor's own" in capsys.readouterr().out


def test_the_lessons_folder_comes_first_then_the_installed_course(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dirs = requests._solution_dirs()
    assert dirs[0] == tmp_path / "solutions" and len(dirs) >= 2
    assert any((d / "04_ex1.py").is_file() for d in dirs[1:])   # the course's own copy


def test_an_unknown_exercise_is_refused_with_the_list():
    with pytest.raises(ValueError, match=r"no exercise '9\.9'.*1\.1, 1\.2"):
        bn.exercises.show_solution("9.9")


def test_every_stub_is_pending_as_it_stands(capsys):
    """A scaffolded stub (lines left as `...`) is pending, not failed, when run as it is."""
    for name, exercise in bn.exercises.EXERCISES.items():
        nb = tool.read(SOLUTIONS.parent / exercise.lesson)
        stub = next("".join(c["source"]) for c in nb["cells"]
                    if f'NotImplementedError("Exercise {exercise.number}:' in "".join(c["source"]))
        namespace = {"np": np, "bn": bn}
        exec(stub, namespace)
        result = getattr(bn.exercises, f"check_{name}")(namespace[exercise.function])
        assert not result and bn.exercises.status()[name] == "pending", name
