"""``python tools/notebooks.py add-exercise``: one command inserts an exercise's cells and
creates its solution file, on a scratch copy of the lessons."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import add_exercise as add
from tools import notebooks as tool

ROOT = Path(__file__).resolve().parents[1]
LESSON = "04_clustering.ipynb"


@pytest.fixture
def scratch(tmp_path):
    shutil.copytree(ROOT / "lessons", tmp_path / "lessons")
    return tmp_path / "lessons"


def _request_cell_id(nb, number):
    return next(c["id"] for c in nb["cells"]
                if tool.SOLUTION_TAG in c["metadata"].get("tags", [])
                and tool.request_number(c) == number)


def test_add_exercise_inserts_the_cells_and_creates_the_solution(scratch, capsys):
    path = scratch / LESSON
    before = tool.read(path)
    after_id = _request_cell_id(before, "4.1")
    argv = ["add-exercise", str(path), "spread_ratio", "--after-cell-id", after_id,
            "--title", "measure the spread ratio", "--args", "G, rng"]
    assert tool.main(argv) == 0
    out = capsys.readouterr().out
    nb = tool.read(path)
    ids = [c["id"] for c in nb["cells"]]
    at = ids.index(after_id)
    assert ids[at + 1:at + 5] == ["ex4-4-task", "ex4-4-stub", "ex4-4-check", "ex4-4-solution"]
    assert len(ids) == len(before["cells"]) + 4
    task, stub, check, request = nb["cells"][at + 1:at + 5]
    assert "".join(task["source"]).startswith("### Exercise 4.4: measure the spread ratio")
    assert stub["metadata"] == {"tags": ["raises-exception"]}
    assert "".join(stub["source"]).startswith("def spread_ratio(G, rng):")
    assert 'raise NotImplementedError("Exercise 4.4: measure the spread ratio")' in \
        "".join(stub["source"])
    assert "".join(check["source"]) == "bn.exercises.check_spread_ratio(spread_ratio)"
    assert request == tool.request_cell("4.4", "ex4-4-solution")
    # generated and canonical: nav changes nothing, other cells are untouched
    again = tool.clean(tool.generate(json.loads(json.dumps(nb)), LESSON,
                                     {p.name for p in scratch.glob("*.ipynb")}))
    assert again == nb
    def without_counts(cells):      # checked cells after the new ones count 2 more code cells
        return [{k: v for k, v in c.items() if k != "execution_count"} for c in cells]
    assert without_counts(c for c in nb["cells"] if not c["id"].startswith("ex4-4-")) == \
        without_counts(before["cells"])
    solution = (scratch / "solutions" / "04_ex4.py").read_text()
    assert "def spread_ratio(G, rng):" in solution
    assert solution.splitlines()[-1] == "bn.exercises.check_spread_ratio(spread_ratio)"
    for what in ("bnteach/exercises/lesson4.py", '@exercise("spread_ratio", "4.4"',
                 'spread_ratio = _solution("spread_ratio")', "EXAMPLE_ARGS", "CHECKS",
                 "test_spread_ratio_rejects_with_hint", "bless lessons/04_clustering.ipynb"):
        assert what in out, what


def test_the_next_number_follows_the_last_exercise(scratch):
    nb = tool.read(scratch / LESSON)
    assert add.next_number(nb, 4, scratch / "solutions") == 4
    (scratch / "solutions" / "04_ex4.py").write_text("")          # a solution not yet in the lesson
    assert add.next_number(nb, 4, scratch / "solutions") == 5


@pytest.mark.parametrize("args, message", [
    (["find_outlier", "--after-cell-id", "{req}"], "already defines find_outlier"),
    (["x", "--after-cell-id", "no-such-id"], "no cell with id 'no-such-id'"),
    (["x", "--after-cell-id", "{check}"], "inside an exercise"),
    (["x", "--after-cell-id", "{stub}"], "inside an exercise"),
    (["2x", "--after-cell-id", "{req}"], "not a Python function name"),
])
def test_add_exercise_refuses_what_would_break_a_lesson(scratch, args, message):
    path = scratch / LESSON
    nb = tool.read(path)
    req = _request_cell_id(nb, "4.1")
    at = [c["id"] for c in nb["cells"]].index(req)
    ids = {"req": req, "check": nb["cells"][at - 1]["id"], "stub": nb["cells"][at - 2]["id"]}
    original = path.read_bytes()
    with pytest.raises(SystemExit, match=message):
        add.main([str(path), *[a.format(**ids) for a in args], "--title", "t"])
    assert path.read_bytes() == original
    assert not (scratch / "solutions" / "04_ex4.py").exists()


def test_a_template_takes_no_exercise(scratch):
    with pytest.raises(SystemExit, match="not a lesson"):
        add.main([str(scratch / "_template.ipynb"), "x", "--after-cell-id", "e8866528",
                  "--title", "t"])


def test_add_exercise_runs_as_a_script(scratch):
    path = scratch / LESSON
    req = _request_cell_id(tool.read(path), "4.2")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "notebooks.py"), "add-exercise",
                          str(path), "spread_ratio", "--after-cell-id", req, "--title", "t"],
                         capture_output=True, text=True, cwd=scratch, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("add-exercise: Exercise 4.4 (spread_ratio) inserted")
