"""Turn the lessons' exercises into an otter-grader assignment, and grade submissions.

Usage (from any directory; paths below are from the repository root)::

    python tools/grading.py otter DEST [--lessons 01 02] [--hidden-tests DIR]
    python tools/grading.py grade AUTOGRADER.zip SUBMISSION.ipynb ... [-o OUT]
                                  [--timeout 120] [--retries 1]

Run both with the Python of a separate grading environment that has otter-grader
and ipykernel (otter-grader pins packages of its own: keep it out of the course's
environment); INSTRUCTORS.md gives the recipe, and ``tools/grading_check.py`` runs
it in CI.

``otter`` builds the assignment from the lessons' **stub cells**, **check cells** and
**solution files** (``lessons/solutions/NN_exK.py``), never from the solution cells
(which are dropped), and writes into DEST:

* ``bnteach-<version>-py3-none-any.whl``: the package, built from this repository
  (no index serves it); install it into the grading environment;
* ``source/NN_name.ipynb``: otter's source notebook for each lesson: the lesson, with
  each exercise as a question of 1 point. Its answer cell keeps the stub's ``def``
  line and hint comments outside the solution markers, so the student sees the stub
  unchanged; its test is exception-based and calls the checker::

      def test_rescale(rescale):
          import bnteach as bn
          passed = bn.exercises.check_rescale(rescale)
          assert passed, "Exercise 1.1 is pending: ..."

  (the checker returns True when it passes, False while the stub is pending, and
  raises AssertionError with the hint for a wrong answer, course standards M4);
* ``NN_name/student/NN_name.ipynb``: the notebook to hand out. It imports nothing
  from otter (no init, check or export cells), keeps the lesson's check cells for
  feedback and runs all without stopping. Its explorer cells (and the cells using
  what they built) are tagged ``otter_ignore``, so grading skips them;
* ``NN_name/autograder/``: otter's solution notebook, tests and zip;
  ``NN_name/autograder.zip`` is a copy of the zip under a fixed name.

Hidden tests: with ``--hidden-tests DIR``, a file ``DIR/NN_exK.py`` adds its top-level
functions ``def test_<anything>(<notebook names>):`` to exercise K of lesson NN as
hidden tests (otter passes each parameter the notebook variable of that name, so a
test must import what it uses inside its body). Hidden tests share the question's point.

``grade`` runs ``otter run`` (otter's non-docker grader) on each submission in a
child process under a timeout (120 s by default: a lesson runs in about 5 s, otter's
start-up adds a few), retried once by default (a grading kernel can hang, idle),
and writes OUT/<submission>/results.json and OUT/scores.csv.

A repository tool (``tools/``), never packaged.
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LESSONS_DIR = ROOT / "lessons"
SOLUTIONS_DIR = LESSONS_DIR / "solutions"
STUB_RE = re.compile(r'raise NotImplementedError\(\s*["\']Exercise (\d+)\.(\d+)')
CHECK_RE = re.compile(r"^\s*bn\.exercises\.check_(\w+)\((\w+)\)\s*$")
# Cells that show or load a solution, however a lesson does it: code cells tagged
# "solution" (the %load cells) or whose code mentions a solution at all.
SOLUTION_CELL_RE = re.compile(r"solution", re.IGNORECASE)
WIDGET_CALL_RE = re.compile(r"\bbw\.\w+\(")               # an explorer: bnteach.widgets as bw
IGNORE_TAG = "otter_ignore"                      # otter run skips cells with this tag
# Lines that otter assign would rewrite or drop in any cell (its markers): none in a lesson.
OTTER_MARKER_RE = re.compile(r"^\s*#+\s*ignore\b|#\s*(SOLUTION|IGNORE|SEED|(BEGIN|END) "
                             r"(SOLUTION|PROMPT|IGNORE))(\s+NO PROMPT)?\s*$", re.IGNORECASE)
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "workspace",
                                     "__pycache__", ".hypothesis", ".pytest_cache",
                                     ".ipynb_checkpoints", "benchmarks")


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _header_end(lines: list[str], def_lineno: int) -> int:
    """Index (0-based) of the last line of the ``def`` header starting at line ``def_lineno``."""
    text = "\n".join(lines[def_lineno - 1:]) + "\n"
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.NEWLINE:
            return def_lineno - 1 + tok.start[0] - 1
    raise ValueError("no end of the def line")


def _function(tree: ast.Module, name: str, where: str) -> ast.FunctionDef:
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    if len(found) != 1:
        raise ValueError(f"{where}: expected one top-level `def {name}(...)`")
    return found[0]


def answer_cell(stub: str, solution: str, name: str, where: str,
                checker: str | None = None) -> str:
    """The source of otter's answer cell: the stub, with the solution between markers.

    The ``def`` line(s) and the hint comments stay outside the markers; the stub's
    body (a scaffold's lines with ``...`` to fill in, and its ``raise
    NotImplementedError(...)``) becomes otter's prompt (kept in the student's copy only), the solution file's body the solution (kept in the autograder's only).
    Parameters that the solution adds to the stub's signature (with defaults) are bound
    to their defaults at the top of the solution block.
    """
    stub_lines = stub.rstrip("\n").split("\n")
    stub_def = _function(ast.parse(stub), name, f"{where} (stub)")
    raise_stmt = stub_def.body[-1]
    if not isinstance(raise_stmt, ast.Raise):
        raise ValueError(f"{where}: the stub must end with raise NotImplementedError(...)")
    # def line(s) and hint comments; a scaffold's lines (code with `...` to fill in) go
    # with the raise into the prompt, so that the autograder's copy runs only the solution
    first = stub_def.body[0].lineno
    head = stub_lines[:first - 1]
    prompt = stub_lines[first - 1:raise_stmt.end_lineno]
    indent = re.match(r"\s*", prompt[0]).group(0)
    if any('"""' in line for line in prompt) or any(s.strip() for s in
                                                      stub_lines[raise_stmt.end_lineno:]):
        raise ValueError(f"{where}: the stub's raise must be its last statement, without \"\"\"")

    sol_lines = solution.rstrip("\n").split("\n")
    tree = ast.parse(solution)
    sol_def = _function(tree, name, where)
    others = [n for n in tree.body if n is not sol_def and not (
        isinstance(n, ast.Expr) and f"check_{checker or name}(" in ast.unparse(n))]
    body = textwrap.dedent("\n".join(sol_lines[_header_end(sol_lines, sol_def.lineno) + 1:
                                               sol_def.end_lineno]))
    stub_args = [a.arg for a in stub_def.args.args]
    sol_args = sol_def.args.args
    defaults = dict(zip([a.arg for a in sol_args[len(sol_args) - len(sol_def.args.defaults):]],
                        sol_def.args.defaults))
    if [a.arg for a in sol_args[:len(stub_args)]] != stub_args or any(
            a.arg not in defaults for a in sol_args[len(stub_args):]):
        raise ValueError(f"{where}: the solution's parameters must start with the stub's "
                         f"{stub_args} and give the others defaults")
    bindings = [f"{a.arg} = {ast.unparse(defaults[a.arg])}" for a in sol_args[len(stub_args):]]

    cell = []
    if others:                                  # imports or helpers the solution needs
        cell += ["# BEGIN SOLUTION NO PROMPT",
                 *(ast.get_source_segment(solution, n) for n in others), "# END SOLUTION"]
    cell += head
    cell += [indent + "# BEGIN SOLUTION NO PROMPT",
             *(indent + line if line.strip() else "" for line in [*bindings, *body.split("\n")]),
             indent + "# END SOLUTION",
             indent + '""" # BEGIN PROMPT', *prompt, indent + '""" # END PROMPT']
    return "\n".join(cell)


def otter_test_cell(name: str, number: str, checker: str | None = None) -> str:
    """The public, exception-based otter test of an exercise: its checker must return True.

    A wrong answer fails in the checker's call, with its hint (``AssertionError``); a
    pending one (the stub) makes it return False, which fails the ``assert``.
    """
    return (f"def test_{name}({name}):\n"
            f"    import bnteach as bn\n"
            f"    assert {name} is not None, \"Exercise {number}: `{name}` is not defined\"\n"
            f"    passed = bn.exercises.check_{checker or name}({name})\n"
            f"    assert passed, \"Exercise {number} is pending: `{name}` still raises "
            f"NotImplementedError\"")


def hidden_test_cells(path: Path) -> list[str]:
    """Each top-level ``def test_*`` of ``path`` as a hidden otter test cell."""
    text = path.read_text(encoding="utf-8")
    funcs = [n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)
             and n.name.startswith("test")]
    if not funcs:
        raise ValueError(f"{path}: no top-level def test_...(...) functions")
    return ["# HIDDEN\n" + ast.get_source_segment(text, f) for f in funcs]


def _names(src: str, ctx) -> set[str]:
    """Names a cell's code stores (``ast.Store``) or loads (``ast.Load``); none if not Python."""
    try:
        tree = ast.parse(src)
    except SyntaxError:                           # IPython magics
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


def skip_explorers(cells: list[dict]) -> None:
    """Tag the explorer cells, and the cells that use what they built, ``otter_ignore``.

    Grading needs no widget, and under otter's executor (nbclient) a cell that displays
    one sometimes never answers (jupyter/nbclient#312). Exercises never depend on them.
    """
    built: set[str] = set()
    for cell in cells:
        src = _source(cell)
        if cell["cell_type"] != "code":
            continue
        if WIDGET_CALL_RE.search(src) or _names(src, ast.Load) & built:
            built |= _names(src, ast.Store)
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if IGNORE_TAG not in tags:
                tags.append(IGNORE_TAG)


def _raw(text: str) -> dict:
    return {"cell_type": "raw", "id": _new_id(), "metadata": {}, "source": text}


def _code(text: str) -> dict:
    return {"cell_type": "code", "id": _new_id(), "metadata": {}, "source": text,
            "outputs": [], "execution_count": None}


def _new_id(count=[0]) -> str:
    count[0] += 1
    return f"otter-{count[0]}"


def source_notebook(lesson: Path, wheel: str, hidden_dir: Path | None = None) -> dict:
    """otter's source ("master") notebook for one lesson; raises if it has no exercise."""
    nb = json.loads(lesson.read_text(encoding="utf-8"))
    stem, prefix = lesson.stem, lesson.stem[:2]
    config = {
        "name": stem, "requirements": "requirements.txt", "autograder_files": [wheel],
        "init_cell": False, "check_all_cell": False, "export_cell": False,
        "run_tests": False, "solutions_pdf": False,
        "tests": {"files": True, "ok_format": False},
        "generate": {"pdf": False, "show_stdout": False, "show_hidden": False},
    }
    cells = [_raw("# ASSIGNMENT CONFIG\n" + json.dumps(config, indent=2))]
    exercises, code = 0, nb["cells"]
    for i, cell in enumerate(code):
        src = _source(cell)
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "code" and ("solution" in tags or SOLUTION_CELL_RE.search(src)):
            continue                                          # never a solution cell
        if "navigation" in tags or "launch" in tags:
            continue          # links to other lessons and badges: not part of an assignment
        stub = STUB_RE.search(src) if cell["cell_type"] == "code" else None
        if not stub:
            cells.append(cell)
            continue
        lesson_no, k = stub.groups()
        number = f"{int(lesson_no)}.{k}"
        nxt = next((c for c in code[i + 1:] if c["cell_type"] == "code"), None)
        check = CHECK_RE.match(_source(nxt)) if nxt else None
        if not check:
            raise ValueError(f"{lesson.name}: exercise {number}'s stub is not followed by "
                             f"a check cell `bn.exercises.check_<name>(<name>)`")
        checker, name = check.groups()       # check_invariance(invariance_gap): may differ
        sol_path = SOLUTIONS_DIR / f"{prefix}_ex{k}.py"
        answer = answer_cell(src, sol_path.read_text(encoding="utf-8"), name,
                             f"{lesson.name}, exercise {number}", checker=checker)
        tests = [otter_test_cell(name, number, checker=checker)]
        if hidden_dir and (hidden_dir / sol_path.name).exists():
            tests += hidden_test_cells(hidden_dir / sol_path.name)
        question = {"name": f"ex{lesson_no}_{k}", "points": 1, "check_cell": False}
        cells += [_raw("# BEGIN QUESTION\n" + "\n".join(f"{k_}: {json.dumps(v)}"
                                                         for k_, v in question.items())),
                  _raw("# BEGIN SOLUTION"), {**cell, "source": answer}, _raw("# END SOLUTION"),
                  _raw("# BEGIN TESTS"), *(_code(t) for t in tests), _raw("# END TESTS"),
                  _raw("# END QUESTION")]
        exercises += 1
    if not exercises:
        raise ValueError(f"{lesson.name} has no exercise")
    for cell in code:
        for line in _source(cell).split("\n"):
            if OTTER_MARKER_RE.search(line):
                raise ValueError(f"{lesson.name}: otter assign would rewrite this line: {line!r}")
    skip_explorers(cells)
    nb["cells"] = cells
    return nb


def build_wheel(dest: Path) -> Path:
    """Build bnteach's wheel from a copy of this checkout (nothing is written into it)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT, src, ignore=COPY_IGNORE)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                        "--disable-pip-version-check", "-w", str(dest), str(src)], check=True)
    wheels = sorted(dest.glob("bnteach-*.whl"), key=lambda p: p.stat().st_mtime)
    return wheels[-1]


def lessons(prefixes: list[str] | None) -> list[Path]:
    """The lessons with exercises, or those whose file names start with ``prefixes``."""
    found = [p for p in sorted(LESSONS_DIR.glob("[0-9][0-9]_*.ipynb"))
             if any(STUB_RE.search(_source(c)) for c in
                    json.loads(p.read_text(encoding="utf-8"))["cells"])]
    if prefixes:
        found = [p for p in found if any(p.name.startswith(x) for x in prefixes)]
        missing = [x for x in prefixes if not any(p.name.startswith(x) for p in found)]
        if missing:
            raise SystemExit(f"no lesson with exercises starts with {', '.join(missing)}")
    return found


def make_otter(dest: Path, prefixes: list[str] | None, hidden_dir: Path | None) -> None:
    """Write the wheel, the source notebooks and (with otter installed) the assignments."""
    chosen = lessons(prefixes)
    source = dest / "source"
    source.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(source)
    shutil.copy2(wheel, dest / wheel.name)
    # For otter's docker image (otter grade, Gradescope): the wheel is shipped in the zip's
    # files/ folder, which is unpacked in /autograder/source.
    (source / "requirements.txt").write_text(f"/autograder/source/files/{wheel.name}\n")
    have_otter = subprocess.run([sys.executable, "-c", "import otter"],
                                capture_output=True).returncode == 0
    for lesson in chosen:
        master = source / lesson.name
        master.write_text(json.dumps(source_notebook(lesson, wheel.name, hidden_dir), indent=1,
                                     ensure_ascii=False) + "\n", encoding="utf-8")
        out = dest / lesson.stem
        if not have_otter:
            print(f"wrote {master}; otter-grader is not installed in this Python, so run "
                  f"`otter assign {master} {out}` in the grading environment")
            continue
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "otter", "assign", "--no-pdfs", str(master),
                        str(out)], check=True, cwd=source)
        (zip_path,) = (out / "autograder").glob("*.zip")
        shutil.copy2(zip_path, out / "autograder.zip")
        print(f"{lesson.stem}: hand out {out / 'student' / lesson.name}; "
              f"grade with {out / 'autograder.zip'}")
    print(f"install the course into the grading environment: pip install {dest / wheel.name}")


def grade_one(autograder: Path, submission: Path, out: Path, timeout: float,
              retries: int) -> dict:
    """``otter run`` on one submission, in a child process under ``timeout``, with retries."""
    out.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    for attempt in range(retries + 1):
        (out / "results.json").unlink(missing_ok=True)
        # A session of its own, so that a timeout ends otter and the kernel it started.
        proc = subprocess.Popen([sys.executable, "-m", "otter", "run", "--no-logo", "-a",
                                 str(autograder), "-o", str(out), str(submission)],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        try:
            output, _ = proc.communicate(timeout=timeout)
            ok = proc.returncode == 0 and (out / "results.json").exists()
            why = f"exit code {proc.returncode}:\n{output[-3000:]}"
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            ok, why = False, f"no result within {timeout:g} s"
        took = time.monotonic() - start              # all attempts together
        if ok:
            results = json.loads((out / "results.json").read_text(encoding="utf-8"))
            results["seconds"], results["attempts"] = round(took, 1), attempt + 1
            return results
        print(f"  {submission.name}: attempt {attempt + 1} failed ({why.strip()})",
              file=sys.stderr)
    raise RuntimeError(f"grading {submission} failed after {retries + 1} attempts")


def grade(autograder: Path, submissions: list[Path], out: Path, timeout: float,
          retries: int) -> list[dict]:
    """Grade ``submissions``; print a score per submission and write OUT/scores.csv."""
    rows = []
    for sub in submissions:
        res = grade_one(autograder, sub, out / sub.stem, timeout, retries)
        score = sum(t.get("score", 0) for t in res["tests"])
        possible = sum(t.get("max_score", 0) for t in res["tests"])
        rows.append({"submission": sub.name, "score": score, "possible": possible,
                     "seconds": res["seconds"], "attempts": res["attempts"]})
        print(f"{sub.name}: {score:g} / {possible:g}  ({res['seconds']} s, "
              f"{res['attempts']} attempt{'s' * (res['attempts'] > 1)})")
        rows[-1]["results"] = res
    with open(out / "scores.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, ["submission", "score", "possible", "seconds", "attempts"],
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("otter", help="build otter-grader assignments from the lessons")
    p.add_argument("dest", type=Path)
    p.add_argument("--lessons", nargs="+", metavar="NN", help="lesson prefixes, e.g. 01 04")
    p.add_argument("--hidden-tests", type=Path, metavar="DIR",
                   help="a folder of NN_exK.py files with hidden test functions")
    g = sub.add_parser("grade", help="grade submissions with otter run (no docker)")
    g.add_argument("autograder", type=Path)
    g.add_argument("submissions", type=Path, nargs="+")
    g.add_argument("-o", "--output-dir", type=Path, default=Path("grading-results"))
    g.add_argument("--timeout", type=float, default=120, help="seconds per attempt")
    g.add_argument("--retries", type=int, default=1)
    args = parser.parse_args(argv)
    if args.command == "otter":
        make_otter(args.dest.resolve(), args.lessons,
                   args.hidden_tests.resolve() if args.hidden_tests else None)
    else:
        grade(args.autograder.resolve(), [s.resolve() for s in args.submissions],
              args.output_dir.resolve(), args.timeout, args.retries)


if __name__ == "__main__":
    main()
