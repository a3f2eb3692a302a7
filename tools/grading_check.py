"""CI check of the grading path: build otter assignments and grade three submissions each.

Usage (from any directory)::

    python tools/grading_check.py [--lessons 01 02] [--scratch DIR] [--keep]

It follows INSTRUCTORS.md's recipe ("Grading with otter-grader") in a scratch folder:

1. a virtual environment of its own with otter-grader and ipykernel from PyPI (never
   the course's environment: otter-grader has requirements of its own);
2. ``tools/grading.py otter`` builds the assignments for the lessons, plus an example
   hidden test for exercise 1.1, then the wheel it built is installed;
3. the student notebooks are checked: their stubs are the lessons' stubs, unchanged,
   they hold no solution and nothing from otter, and they run all without stopping
   (as otter runs them: without the explorer cells, which nbval runs with the lessons);
4. ``tools/grading.py grade`` grades three submissions per lesson through ``otter run``
   (no docker), each under a timeout with one retry: the **correct** one (each stub
   replaced by its solution file, as a student would paste it) must score full marks,
   the **wrong** one (a known mistake per exercise) zero with the checker's hint in the
   feedback, the **untouched** student notebook zero with "pending" in the feedback.

Exit status 0 when all holds. Everything lives in the scratch folder (a new temporary
one unless ``--scratch``), removed at the end unless ``--keep``. A repository tool
(``tools/``), never packaged.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OTTER_REQUIREMENT = "otter-grader>=7,<8"

# A known mistake per exercise and the start of the hint its checker must give.
# Exercises not listed get a function returning None ("Did you forget `return`?").
WRONG = {
    "rescale": ("def rescale(Z):\n"
                "    return Z / np.sqrt(np.mean(Z ** 2, axis=0, keepdims=True))\n",
                "normalized each column (sample) with axis=0"),
    "orthogonality_gap": ("def orthogonality_gap(G):\n"
                          "    return np.linalg.norm(G - np.eye(len(G)) / len(G))\n",
                          "divide G by its trace first"),
    "recenter": ("def recenter(Z):\n"
                 "    return Z - Z.mean(axis=0, keepdims=True)\n",
                 "subtracted each column's (sample's) mean with axis=0"),
    "commutation_gap": ("def commutation_gap(f, X):\n"
                        "    RC = bn.layers.recenter\n"
                        "    return np.mean(np.abs(RC(f(X)) - f(RC(X))))\n",
                        "the LARGEST absolute difference (np.max), not the mean"),
}
NONE_HINT = "returned None. Did you forget `return`?"

# An example hidden test (INSTRUCTORS.md shows the same): exercise 1.1 on another batch.
HIDDEN_EXAMPLE = '''\
def test_rescale_on_another_batch(rescale):
    import numpy as np
    import bnteach as bn
    Z = np.random.default_rng(7).standard_normal((3, 9))
    assert np.allclose(rescale(Z), bn.layers.rescale(Z)), "rescale differs from RS on a 3 x 9 batch"
'''


def run(*args, timeout=900, **kwargs):
    """Run a command, echo it, fail with its output."""
    print("$", " ".join("<script>" if "\n" in str(a) else str(a) for a in args), flush=True)
    out = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                         timeout=timeout, **kwargs)
    if out.returncode:
        raise SystemExit(f"failed ({out.returncode}):\n{out.stdout[-4000:]}\n{out.stderr[-4000:]}")
    return out.stdout


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def src(cell: dict) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def with_answers(student: Path, dest: Path, answers: dict[str, str]) -> None:
    """Write ``student`` to ``dest`` with each answer cell's function replaced."""
    nb = json.loads(student.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        name = re.match(r"def (\w+)\(", src(cell))
        if "otter_answer_cell" in cell["metadata"].get("tags", []) and name:
            cell["source"] = answers[name.group(1)]
    dest.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def solution_of(lesson: str, k: str) -> str:
    """A solution file without its last line, the checker call: what a student would paste."""
    lines = (ROOT / "lessons" / "solutions" / f"{lesson}_ex{k}.py").read_text().splitlines()
    return "\n".join(line for line in lines if not line.startswith("bn.exercises.check_"))


def check_student(student: Path, lesson: Path, py: Path, env: dict) -> list[tuple[str, str]]:
    """The student notebook keeps the stubs, hides the solutions, runs all; its exercises."""
    mine, theirs = cells(student), {c.get("id"): c for c in cells(lesson)}
    exercises = []
    for cell in mine:
        text = src(cell)
        assert "otter" not in text and "grader" not in text, f"{student.name}: {text[:80]}"
        assert "solution" not in cell["metadata"].get("tags", []), f"{student.name}: solution cell"
        if "otter_answer_cell" in cell["metadata"].get("tags", []):
            assert text == src(theirs[cell["id"]]), f"{student.name}: stub changed:\n{text}"
            number = re.search(r"Exercise (\d+)\.(\d+)", text).groups()
            exercises.append((re.match(r"def (\w+)\(", text).group(1), number[1]))
    for name, k in exercises:
        longest = max(solution_of(lesson.name[:2], k).splitlines()[1:], key=len).strip()
        assert not any(longest in src(c) for c in mine), f"{student.name} shows: {longest}"
    # As otter runs it: without the explorer cells (tagged otter_ignore by tools/grading.py;
    # nbval runs them with the lessons), whose widgets sometimes stall nbclient.
    code = ("import sys, nbformat\nfrom nbclient import NotebookClient\n"
            "nb = nbformat.read(sys.argv[1], as_version=4)\n"
            "nb.cells = [c for c in nb.cells if 'otter_ignore' not in c.metadata.get('tags', [])]\n"
            "NotebookClient(nb, kernel_name='python3').execute()\n"
            "print('ran all', len(nb.cells), 'cells')\n")
    for attempt in (1, 2):               # a kernel can hang, idle (see tools/grading.py)
        try:
            print(run(py, "-c", code, student, env=env, cwd=student.parent, timeout=90).strip())
            break
        except subprocess.TimeoutExpired:
            print(f"no answer within 90 s (attempt {attempt})")
    else:
        raise SystemExit(f"{student.name} did not run all within 90 s, twice")
    return exercises


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lessons", nargs="+", default=["01", "02"], metavar="NN")
    parser.add_argument("--scratch", type=Path, help="work here (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per grading attempt")
    args = parser.parse_args(argv)
    start = time.monotonic()
    scratch = (args.scratch or Path(tempfile.mkdtemp(prefix="grading-"))).resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", JUPYTER_CONFIG_DIR=str(scratch / "jupyter"),
               JUPYTER_DATA_DIR=str(scratch / "jupyter-data"), IPYTHONDIR=str(scratch / "ipython"),
               MPLCONFIGDIR=str(scratch / "mpl"), PIP_CACHE_DIR=str(scratch / "pip-cache"))
    try:
        venv = scratch / "venv"
        py = venv / "bin" / "python"
        if not py.exists():                  # a kept --scratch folder keeps its environment
            run(sys.executable, "-m", "venv", venv, env=env)
            run(py, "-m", "pip", "install", "--quiet", OTTER_REQUIREMENT, "ipykernel", env=env)
        version = run(py, "-c", "import otter; print(otter.__version__)", env=env).strip()
        print(f"otter-grader {version}; environment ready after {time.monotonic() - start:.0f} s")

        hidden = scratch / "hidden"
        hidden.mkdir(exist_ok=True)
        (hidden / "01_ex1.py").write_text(HIDDEN_EXAMPLE)
        dest = scratch / "assignment"
        print(run(py, ROOT / "tools" / "grading.py", "otter", dest, "--lessons", *args.lessons,
                  "--hidden-tests", hidden, env=env, cwd=scratch))
        (wheel,) = dest.glob("bnteach-*.whl")
        run(py, "-m", "pip", "install", "--quiet", wheel, env=env, cwd=scratch)
        where = run(py, "-c", "import bnteach; print(bnteach.__file__)", env=env, cwd=scratch)
        assert str(venv) in where, f"bnteach imported from {where}, not the wheel"

        failures, report = [], []
        for lesson_dir in sorted(p for p in dest.iterdir() if (p / "autograder.zip").exists()):
            lesson = ROOT / "lessons" / f"{lesson_dir.name}.ipynb"
            student = lesson_dir / "student" / lesson.name
            exercises = check_student(student, lesson, py, env)
            tests = "".join(p.read_text() for p in (lesson_dir / "autograder" / "tests").glob("*"))
            public = "".join(p.read_text() for p in (lesson_dir / "student" / "tests").glob("*"))
            if lesson.name.startswith("01"):
                assert "hidden=True" in tests and "test_rescale_on_another_batch" in tests
                assert "another_batch" not in public, "a hidden test reached the students"
            subs = lesson_dir / "submissions"
            subs.mkdir(exist_ok=True)
            with_answers(student, subs / "correct.ipynb",
                         {n: solution_of(lesson.name[:2], k) for n, k in exercises})
            with_answers(student, subs / "wrong.ipynb",
                         {n: WRONG.get(n, (f"def {n}(*args):\n    return None\n",))[0]
                          for n, _ in exercises})
            shutil.copy(student, subs / "untouched.ipynb")
            print(f"\n{lesson.stem}: grading three submissions")
            rows = grade(py, lesson_dir, subs, args.timeout, env, scratch)
            for row in rows:
                feedback = "\n".join(t.get("output", "") for t in row["results"]["tests"])
                kind = row["submission"].split(".")[0]
                total = len(exercises)
                ok = {"correct": row["score"] == row["possible"] == total,
                      "wrong": row["score"] == 0 and row["possible"] == total and all(
                          WRONG.get(n, ("", NONE_HINT))[1] in feedback for n, _ in exercises),
                      "untouched": row["score"] == 0 and row["possible"] == total
                      and feedback.count("is pending") >= total}[kind]
                hints = re.findall(r"AssertionError: (Exercise [^\n]*)", feedback)
                report.append(f"{lesson.stem:<20} {kind:<10} {row['score']:g} / {row['possible']:g}"
                              f"  {row['seconds']:5.1f} s  {row['attempts']} attempt(s)"
                              + "".join(f"\n{'':33}{h[:150]}" for h in dict.fromkeys(hints)))
                if not ok:
                    failures.append(f"{lesson.stem} {kind}: {row['score']} / {row['possible']}\n"
                                    f"{feedback}")
        print("\n==== grading check (otter-grader " + version + ") ====")
        print("\n".join(report))
        print(f"took {time.monotonic() - start:.0f} s")
        if failures:
            raise SystemExit("grading check FAILED:\n" + "\n\n".join(failures))
        print("grading check passed: correct = full marks, wrong = 0 with hints, untouched = 0")
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


def grade(py: Path, lesson_dir: Path, subs: Path, timeout: float, env: dict,
          cwd: Path) -> list[dict]:
    """Grade the three submissions with ``tools/grading.py grade``, in the grading venv."""
    out = lesson_dir / "results"
    names = [subs / f"{k}.ipynb" for k in ("correct", "wrong", "untouched")]
    print(run(py, ROOT / "tools" / "grading.py", "grade", lesson_dir / "autograder.zip", *names,
              "-o", out, "--timeout", timeout, "--retries", 1, env=env, cwd=cwd,
              timeout=2 * 3 * timeout + 60))
    with open(out / "scores.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        path = out / Path(row["submission"]).stem / "results.json"
        row["results"] = json.loads(path.read_text(encoding="utf-8"))
        for key in ("score", "possible", "seconds"):
            row[key] = float(row[key])
    return rows


if __name__ == "__main__":
    main()
