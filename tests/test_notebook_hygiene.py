"""The committed lessons are clean, navigable, offline and checked.

Fix most failures with ``python tools/notebooks.py clean`` (outputs,
metadata) or ``... nav`` (the generated navigation and launch cells); ``... bless``
re-executes, cleans and regenerates. See that module for the conventions.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tools import address
from tools import notebooks as tool

LESSONS = Path(__file__).resolve().parents[1] / "lessons"
NOTEBOOKS = sorted(LESSONS.glob("*.ipynb"))
FIX = "run `python tools/notebooks.py clean` (or `bless` to re-execute) and commit"


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _src(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.name)
def notebook(request):
    return request.param, _load(request.param)


def test_there_are_lessons():
    assert {"00_index.ipynb", "01_linear_networks.ipynb"} <= {p.name for p in NOTEBOOKS}


def test_outputs_only_in_checked_cells(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        if tool.is_checked(cell):
            assert cell.get("outputs") and cell.get("execution_count") is not None, (
                f"{path.name} cell {i}: a NBVAL_CHECK_OUTPUT cell saved without its output or "
                f"execution count is compared against nothing; {FIX}")
            assert not any(o["output_type"] == "error" for o in cell["outputs"]), (
                f"{path.name} cell {i}: a checked cell stores an error")
        else:
            assert not cell.get("outputs") and cell.get("execution_count") is None, (
                f"{path.name} cell {i}: outputs outside NBVAL_CHECK_OUTPUT cells; {FIX}")


def test_checked_cells_hold_text_only(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        if tool.is_checked(cell):
            for out in cell["outputs"]:
                assert "image/png" not in out.get("data", {}), (
                    f"{path.name} cell {i}: figures in checked cells bloat the notebook and are "
                    f"not compared by nbval; print a text summary instead")


def test_tolerance_comments_are_well_formed_and_in_checked_cells(notebook):
    """``# NBVAL_TOLERANCE`` (tests/nbval_tolerance.py) means nothing outside a checked cell."""
    from nbval_tolerance import MARKER, parse_tolerance
    path, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or MARKER not in _src(cell):
            continue
        assert tool.is_checked(cell), (
            f"{path.name} cell {i}: {MARKER} in a cell that is not checked "
            f"(add # NBVAL_CHECK_OUTPUT or remove the tolerance)")
        parse_tolerance(_src(cell))        # raises ValueError with the pinned syntax


def test_checked_outputs_hold_no_values_at_rounding_level(notebook):
    """A value like 2.2e-16 is no claim a tolerance can hold: print the threshold it passes."""
    path, nb = notebook
    tiny = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?[eE]-(?:1[3-9]|[2-9]\d|\d{3})\b")
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code" and tool.is_checked(cell):
            for out in cell["outputs"]:
                text = "".join(out.get("text", "")) + "".join(
                    out.get("data", {}).get("text/plain", ""))
                for line in text.splitlines():
                    for match in tiny.finditer(line):
                        before = line[:match.start()].rstrip()
                        assert before.endswith(("below", "under", "<", "≤", "to")), (
                            f"{path.name} cell {i} prints {match.group()} ({line.strip()!r}): "
                            f"values at rounding level differ between machines; print the "
                            f"threshold they pass, e.g. f\"below 1e-12: {{err < 1e-12}}\"")


_NAMED_PATH = re.compile(
    r"`(?P<code>[\w./-]+\.(?:md|py|ipynb|txt|cfg|toml)|[\w.-]+/(?:[\w.-]+/)*)`"
    r"|\]\((?!https?:|mailto:)(?P<link>[^)#\s]+)\)"
    r"|(?<![\w./-])(?P<bare>[\w-]+\.md)\b")


def test_every_file_a_lesson_names_exists(notebook):
    """A lesson that cites a file (SOURCES.md, a test, a solution folder) cites one the
    repository has: learners cannot open a file that is not there."""
    path, nb = notebook
    root = LESSONS.parent
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for match in _NAMED_PATH.finditer(_src(cell)):
            name = match.group("code") or match.group("link") or match.group("bare")
            candidates = [LESSONS / name, root / name]
            assert any(c.exists() for c in candidates), (
                f"{path.name} cell {i} names {name!r}, which is neither in lessons/ nor at the "
                f"repository root")


def test_the_file_check_sees_every_form():
    text = "see `SOURCES.md`, [lesson 1](01_linear_networks.ipynb), `bnteach/x.py`, notes.md"
    found = {m.group("code") or m.group("link") or m.group("bare")
             for m in _NAMED_PATH.finditer(text)}
    assert found == {"SOURCES.md", "01_linear_networks.ipynb", "bnteach/x.py", "notes.md"}


def test_the_readme_lists_the_lessons_of_the_course_in_order():
    """The course order lives in one place, ``LESSONS`` in tools/notebooks.py; the README's
    lesson table, the index's links and CLAIMS.md's sections are checked against it."""
    readme = (LESSONS.parent / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `(\d\d_\w+)` \|", readme, flags=re.M)
    assert listed == [name.removesuffix(".ipynb") for name, _ in tool.LESSONS], (
        f"README.md's lesson table lists {listed}; the course (LESSONS in tools/notebooks.py) "
        f"is {[name for name, _ in tool.LESSONS]}")
    assert sorted(p.name for p in NOTEBOOKS if not tool.is_template(p.name)) == \
        [name for name, _ in tool.LESSONS], "lessons/ and LESSONS name different notebooks"


def test_metadata_and_size(notebook):
    path, nb = notebook
    assert "widgets" not in nb["metadata"], f"{path.name}: stale widget state; {FIX}"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert path.stat().st_size < 200_000, f"{path.name} is over 200 kB"
    assert nb["nbformat"] == 4


def test_navigation_cells_top_and_bottom(notebook):
    path, nb = notebook
    if tool.is_template(path.name):
        assert not any(tool.NAV_TAG in _tags(c) for c in nb["cells"]), (
            f"{path.name}: a template is not in the lesson sequence and has no navigation "
            f"cells; `nav` adds them once the copy is listed in LESSONS")
        return
    expected = tool.navigation_markdown(path.name, {p.name for p in NOTEBOOKS})
    first, last = nb["cells"][0], nb["cells"][-1]
    for where, cell in (("first", first), ("last", last)):
        assert tool.NAV_TAG in _tags(cell) and _src(cell) == expected, (
            f"{path.name}: the {where} cell should be the navigation line {expected!r}; run "
            f"`python tools/notebooks.py nav`")


def test_launch_cells_follow_the_title(notebook):
    """Right after the title, the generated launch cells; none while the address is the
    placeholder (a badge or an install cell pointing at no repository cannot work)."""
    path, nb = notebook
    titles = [i for i, c in enumerate(nb["cells"]) if tool._is_title(c)]
    assert titles, f"{path.name}: no title cell"
    launch = [i for i, c in enumerate(nb["cells"])
              if tool.LAUNCH_TAG in _tags(c) or c.get("id") in tool.LAUNCH_IDS]
    expected = tool.launch_cells(path.name)
    fix = "run `python tools/notebooks.py nav` and commit"
    if address.is_placeholder():
        assert not launch, (
            f"{path.name}: launch cells while the repository address is the placeholder "
            f"{address.REPOSITORY}: they cannot work until `publish` sets it; {fix}")
        return
    assert launch == [titles[0] + 1, titles[0] + 2], (
        f"{path.name}: the two launch cells must come right after the title; {fix}")
    for cell, expected_cell in zip((nb["cells"][i] for i in launch), expected):
        assert cell["id"] == expected_cell["id"] and \
            cell["cell_type"] == expected_cell["cell_type"], (
                f"{path.name}: launch cell {cell.get('id')!r}; {fix}")
        assert _src(cell) == expected_cell["source"], (
            f"{path.name}: launch cell {cell['id']!r} differs from what tools/address.py "
            f"generates (edit that file, never the cell); {fix}")


def test_no_lesson_shows_a_placeholder_address(notebook):
    """Whatever the address, no cell spells the placeholder owner in a link or an install."""
    path, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        assert "github.com/OWNER/" not in _src(cell) and "/OWNER/" not in _src(cell), (
            f"{path.name} cell {i}: a launch link or install with the placeholder address")


def _is_generated_install_cell(path, cell):
    """The one cell allowed to name pip and the repository: generated, and unchanged."""
    return (cell.get("id") == tool.LAUNCH_IDS[1] and tool.LAUNCH_TAG in _tags(cell)
            and _src(cell) == tool.launch_code())


def test_the_install_cell_is_guarded(notebook):
    path, nb = notebook
    cells = [c for c in nb["cells"] if c.get("id") == tool.LAUNCH_IDS[1]]
    if address.is_placeholder():
        assert not cells, f"{path.name}: an install cell before the address is set"
        cells = [{"source": tool.launch_code()}]          # what publish will write
    (cell,) = cells
    lines = _src(cell).splitlines()
    pip = [i for i, line in enumerate(lines) if "pip install" in line]
    assert pip and lines[pip[0] - 1].strip() == "except ImportError:", (
        f"{path.name}: pip may run only when bnteach cannot be imported")
    assert lines[pip[0] - 3].strip() == "try:" and lines[pip[0] - 2].strip() == "import bnteach"


def test_every_lesson_is_linked_from_the_index():
    index = (LESSONS / "00_index.ipynb").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        if path.name != "00_index.ipynb" and not path.name.startswith("_"):
            assert f"]({path.name})" in index, f"{path.name} is not linked from the course index"


def test_headings_form_a_strict_hierarchy(notebook):
    path, nb = notebook
    levels = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            in_code = False
            for line in _src(cell).splitlines():
                in_code ^= line.startswith("```")
                m = re.match(r"^(#{1,6}) \S", line)
                if m and not in_code:
                    levels.append(len(m.group(1)))
    assert levels and levels[0] == 1 and levels.count(1) == 1, (
        f"{path.name}: one title (#) first")
    for a, b in zip(levels, levels[1:]):
        assert b <= a + 1, f"{path.name}: heading level jumps from {a} to {b}"


def test_error_cells_are_exercise_stubs_only(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        if "raises-exception" in _tags(cell):
            assert re.search(r'raise NotImplementedError\("Exercise \d+\.\d+', _src(cell)), (
                f"{path.name} cell {i}: only exercise stubs may be tagged raises-exception")


def test_solutions_are_shown_on_request_never_run(notebook):
    """Run All must never run a solution or rewrite a cell (no ``%load``, no ``%run``, no
    exec of a solution file); each exercise's request cell is the generated, commented-out
    ``show_solution`` line, right after its check cell."""
    path, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        src = _src(cell)
        if cell["cell_type"] == "code":
            for bad in ("%load", "%run", "solutions/", "exec(", "show_solution(\"", "%%"):
                live = [line for line in src.splitlines()
                        if bad in line and not line.lstrip().startswith("#")]
                assert not live, f"{path.name} cell {i}: {bad!r} runs when Run All runs"
        if tool.SOLUTION_TAG in _tags(cell):
            number = tool.request_number(cell)
            assert number and src == tool.request_code(number), (
                f"{path.name} cell {i}: the solution request is generated; run "
                f"`python tools/notebooks.py nav`")
            assert not cell["metadata"].get("jupyter", {}).get("source_hidden")
            check = _src(nb["cells"][i - 1])
            assert check.startswith("bn.exercises.check_"), (
                f"{path.name} cell {i}: the solution request follows its check cell")
    stubs = [re.search(r'NotImplementedError\("Exercise (\d+\.\d+)', _src(c)).group(1)
             for c in nb["cells"] if "raises-exception" in _tags(c)]
    requests = [tool.request_number(c) for c in nb["cells"] if tool.SOLUTION_TAG in _tags(c)]
    assert stubs == requests, f"{path.name}: exercises {stubs}, solution requests {requests}"


def test_code_cells_are_offline_and_use_no_global_random_state(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        src = _src(cell)
        if _is_generated_install_cell(path, cell):
            continue  # pip runs only where bnteach is missing: never under nbval or Binder
        for bad in ("http://", "https://", "pip install", "urllib", "requests.", "wget", "curl "):
            assert bad not in src, f"{path.name} cell {i}: network use ({bad!r}) in a lesson"
        assert not re.search(r"np\.random\.(seed|rand|randn|randint|normal|uniform|choice|"
                             r"shuffle|permutation|standard_normal|RandomState)\b", src), (
            f"{path.name} cell {i}: use a Generator, rng = np.random.default_rng(SEED)")


def test_figure_cells_end_with_show(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        src = _src(cell)
        if cell["cell_type"] == "code" and re.search(r"bp\.plot_|plt\.subplots|\.loglog\(", src):
            assert "plt.show()" in src, f"{path.name} cell {i}: end a figure cell with plt.show()"


def test_only_the_unchanged_generated_install_cell_may_use_pip(monkeypatch):
    monkeypatch.setattr(address, "REPOSITORY", "https://github.com/acme-school/bn-course")
    cell = tool.launch_cells("01_linear_networks.ipynb")[1]
    assert _is_generated_install_cell(None, cell)
    for tampered in (dict(cell, source=cell["source"] + "\n%pip install requests"),
                     dict(cell, id="another-id"), dict(cell, metadata={})):
        assert not _is_generated_install_cell(None, tampered)
