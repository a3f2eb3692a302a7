"""The otter source notebooks that ``tools/grading.py otter`` writes, checked without otter.

otter-grader itself runs only in CI's grading step (``tools/grading_check.py``, in its own
virtual environment). Here, for every exercise of every lesson: the answer cell gives the
student the lesson's stub unchanged (after otter's marker rules) and the autograder the
solution file's function, which its checker accepts; the exception-based test passes the
solution, fails the stub as pending and a wrong answer with the checker's hint.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import bnteach as bn
from tools import grading

LESSONS = grading.lessons(None)


def _student_version(source: str) -> str:
    """What otter assign keeps for the student: its rules for the markers grading.py uses."""
    kept, solution = [], False
    for line in source.split("\n"):
        if line.strip() == "# BEGIN SOLUTION NO PROMPT":
            solution = True
        elif line.strip() == "# END SOLUTION":
            solution = False
        elif not solution and not line.rstrip().endswith(("# BEGIN PROMPT", "# END PROMPT")):
            kept.append(line)
    return "\n".join(kept)


def _questions(nb):
    """(answer cell, test cells) of each question of an otter source notebook."""
    cells, found = nb["cells"], []
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "raw" and cell["source"].startswith("# BEGIN QUESTION"):
            assert cells[i + 1]["source"] == "# BEGIN SOLUTION"
            assert cells[i + 3]["source"] == "# END SOLUTION"
            assert cells[i + 4]["source"] == "# BEGIN TESTS"
            end = next(j for j in range(i + 5, len(cells))
                       if grading._source(cells[j]) == "# END TESTS")
            found.append((cells[i + 2], [grading._source(c) for c in cells[i + 5:end]]))
    return found


def test_every_lesson_with_exercises_is_found():
    assert [p.name[:2] for p in LESSONS] == ["01", "02", "03", "04", "05", "07"]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_source_notebook_keeps_the_lesson_and_drops_the_solution_cells(lesson):
    nb = grading.source_notebook(lesson, "bnteach-0.1.0-py3-none-any.whl")
    original = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
    stubs = [c for c in original if grading.STUB_RE.search(grading._source(c))]
    config = json.loads(nb["cells"][0]["source"].removeprefix("# ASSIGNMENT CONFIG\n"))
    assert config["tests"] == {"files": True, "ok_format": False}
    assert not config["init_cell"] and not config["export_cell"] and not config["check_all_cell"]
    assert len(_questions(nb)) == len(stubs) >= 1
    assert all("check_cell: false" in c["source"] for c in nb["cells"]
               if grading._source(c).startswith("# BEGIN QUESTION"))
    for cell in nb["cells"]:
        assert "solution" not in cell.get("metadata", {}).get("tags", [])
        assert "%load" not in grading._source(cell)
    kept = [c["id"] for c in nb["cells"] if "id" in c and not c["id"].startswith("otter-")]
    assert kept == [c["id"] for c in original if "solution" not in c["metadata"].get("tags", [])
                    and not grading.SOLUTION_CELL_RE.search(grading._source(c))
                    and not {"navigation", "launch"} & set(c["metadata"].get("tags", []))]
    # a handed-out assignment stands alone: no links to the other lessons, no launch badges
    assert not any("[Course index](00_index.ipynb)" in grading._source(c) for c in nb["cells"])


CASES = [(lesson, i) for lesson in LESSONS for i in range(
    len(_questions(grading.source_notebook(lesson, "w.whl"))))]


@pytest.mark.parametrize("lesson, i", CASES, ids=lambda x: getattr(x, "stem", str(x)))
def test_answer_cell_and_test(lesson, i, capsys):
    nb = grading.source_notebook(lesson, "w.whl")
    answer, tests = _questions(nb)[i]
    stub = next(grading._source(c) for c in json.loads(lesson.read_text())["cells"]
                if c.get("id") == answer["id"])
    assert _student_version(answer["source"]) == stub.rstrip("\n")
    name = re.match(r"def (\w+)\(", stub).group(1)

    solved, student = {"np": np, "bn": bn}, {"np": np, "bn": bn}
    exec(answer["source"], solved)                       # the autograder's version
    exec(stub, student)
    test_ns = {}
    exec(tests[0], test_ns)
    (test,) = [v for k, v in test_ns.items() if k.startswith("test_")]
    test(solved[name])                                   # passes
    with pytest.raises(AssertionError, match=r"is pending"):
        test(student[name])
    with pytest.raises(AssertionError, match=r"returned None|^Exercise \d\.\d: "):
        test(lambda *args: None)
    with pytest.raises(AssertionError, match="is not defined"):
        test(None)


def test_a_solution_with_extra_parameters_binds_their_defaults():
    stub = 'def f(n, rng):\n    # hint\n    raise NotImplementedError("Exercise 9.1: f")\n'
    solution = "import math\ndef f(n, rng, width=3):\n    return n * width\n\n\nbn.exercises.check_f(f)\n"
    cell = grading.answer_cell(stub, solution, "f", "test")
    assert _student_version(cell) == stub.rstrip("\n")
    ns = {}
    exec(cell, ns)
    assert ns["f"](2, None) == 6 and "math" in ns


def test_hidden_tests_are_marked_hidden(tmp_path):
    (tmp_path / "01_ex1.py").write_text(
        "import numpy\n\ndef test_a(rescale):\n    assert rescale\n\n"
        "def test_b(rescale):\n    assert rescale\n")
    cells = grading.hidden_test_cells(tmp_path / "01_ex1.py")
    assert [c.split("\n")[:2] for c in cells] == [["# HIDDEN", "def test_a(rescale):"],
                                                  ["# HIDDEN", "def test_b(rescale):"]]
    nb = grading.source_notebook(LESSONS[0], "w.whl", hidden_dir=tmp_path)
    assert _questions(nb)[0][1][1:] == cells


def test_grade_retries_a_run_that_hangs(tmp_path, monkeypatch):
    """A first ``otter run`` that never answers is ended (its process group) and run again."""
    calls, killed = [], []

    class FakeRun:
        def __init__(self, args, **kwargs):
            calls.append(args)
            self.pid, self.returncode, self.hang = 4242, 0, len(calls) == 1
            self.out = args[args.index("-o") + 1]

        def communicate(self, timeout=None):
            if self.hang and timeout is not None:
                raise grading.subprocess.TimeoutExpired("otter", timeout)
            if not self.hang:
                results = {"tests": [{"name": "ex1_1", "score": 1, "max_score": 1.0}]}
                (tmp_path / "out" / "sub" / "results.json").write_text(json.dumps(results))
            return "", None

    monkeypatch.setattr(grading.subprocess, "Popen", FakeRun)
    monkeypatch.setattr(grading.os, "killpg", lambda pid, sig: killed.append(pid))
    (row,) = grading.grade(tmp_path / "ag.zip", [tmp_path / "sub.ipynb"], tmp_path / "out",
                           timeout=0.1, retries=1)
    assert (row["score"], row["possible"], row["attempts"]) == (1, 1.0, 2)
    assert killed == [4242] and len(calls) == 2 and calls[0][1:4] == ["-m", "otter", "run"]
    assert (tmp_path / "out" / "scores.csv").read_text().splitlines()[1] == "sub.ipynb,1,1.0,"\
        + f"{row['seconds']},2"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_grading_skips_the_explorers_and_what_uses_them(lesson):
    nb = grading.source_notebook(lesson, "w.whl")
    skipped = [grading._source(c) for c in nb["cells"]
               if grading.IGNORE_TAG in c.get("metadata", {}).get("tags", [])]
    has_explorers = "bw." in lesson.read_text(encoding="utf-8")     # lesson 7 has none
    assert (bool(skipped) == has_explorers) and all("bw." in s or ".result" in s for s in skipped)
    assert not any(grading.STUB_RE.search(s) or "check_" in s for s in skipped)


@pytest.mark.parametrize("line", ["# ignore", "x = 1  # SOLUTION", "# BEGIN SOLUTION",
                                  "y = 2 # SEED", "## Ignore ##"])
def test_lines_that_otter_would_rewrite_are_refused(line):
    assert grading.OTTER_MARKER_RE.search(line)
    assert not grading.OTTER_MARKER_RE.search("# the solution of the ODE is ...")
