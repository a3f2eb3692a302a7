"""CLAIMS.md stays true to the lessons and the tests.

Each claim row names a lesson section (``§ <heading>``) and its guards: unit
tests (``tests/<file>.py::<function>``) and/or "checked output" (a
``# NBVAL_CHECK_OUTPUT`` cell in that section), and its truth test
(``tests/test_truth_*.py::<test>``, which recomputes the claim on other seeds and
asserts the sentence as written). This file checks that every section and every
test exists, that every provenance label is one of the course's, that everything
the course derives itself is guarded, that every claim the course derives or
reproduces numerically names a truth test (and every truth test guards a
claim), and that every lesson has its claims listed.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = ROOT / "CLAIMS.md"
LESSONS = ROOT / "lessons"
DERIVED = "derived in this course, checked numerically"
LABELS = ("paper (abstract)", "Daneshmand et al. 2020", "Daneshmand et al. 2021", "cited: ",
          DERIVED, "our reading")
CHECK = "NBVAL_CHECK_OUTPUT"


def _claims():
    """Rows of CLAIMS.md: dicts with lesson, id, claim, provenance, shown, guards."""
    rows, lesson = [], None
    for line in CLAIMS.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## Lesson \d+: `([\w.-]+\.ipynb)`$", line)
        if heading:
            lesson = heading.group(1)
        elif line.startswith("## "):
            lesson = None
        elif lesson and line.startswith("| C"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            assert len(cells) == 6, f"CLAIMS.md: a claim row needs 6 columns: {line}"
            rows.append(dict(zip(("id", "claim", "provenance", "shown", "guards", "truth"),
                                 cells), lesson=lesson))
    return rows


CLAIM_ROWS = _claims()


def _outline(path: Path):
    """The notebook as a sequence of ("heading", level, text) and ("code", is_checked)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    events = []
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            fenced = False
            for line in source.splitlines():
                fenced ^= line.startswith("```")
                m = re.match(r"^(#{1,6}) (.+?)\s*$", line)
                if m and not fenced:
                    events.append(("heading", len(m.group(1)), m.group(2)))
        elif cell["cell_type"] == "code":
            events.append(("code", CHECK in source))
    return events


def _section_has_checked_output(events, heading: str) -> bool:
    """Is there a checked cell between ``heading`` and the next heading of its level or above?"""
    start = next((i for i, e in enumerate(events) if e[0] == "heading" and e[2] == heading), None)
    if start is None:
        return False
    level = events[start][1]
    for event in events[start + 1:]:
        if event[0] == "heading" and event[1] <= level:
            return False
        if event[0] == "code" and event[1]:
            return True
    return False


def _test_exists(reference: str) -> bool:
    """``tests/file.py::function`` (or ``::Class::method``) is defined in that file."""
    file, *names = reference.split("::")
    path = ROOT / file
    if not path.is_file() or not names:
        return False
    scope = ast.parse(path.read_text(encoding="utf-8")).body
    for name in names:
        node = next((n for n in scope if isinstance(n, (ast.FunctionDef, ast.ClassDef))
                     and n.name == name.split("[")[0]), None)
        if node is None:
            return False
        scope = node.body
    return True


def test_claims_file_lists_claims():
    assert len(CLAIM_ROWS) >= 20
    ids = [row["id"] for row in CLAIM_ROWS]
    assert len(ids) == len(set(ids)), "claim ids must be unique"


def test_every_lesson_has_a_claims_section():
    listed = {row["lesson"] for row in CLAIM_ROWS}
    lessons = {p.name for p in LESSONS.glob("*.ipynb") if not p.name.startswith("_")}
    assert lessons <= listed, (f"CLAIMS.md has no '## Lesson N: `<notebook>`' section with claims "
                               f"for {sorted(lessons - listed)}")


@pytest.mark.parametrize("row", CLAIM_ROWS, ids=lambda r: r["id"])
def test_claim_section_exists(row):
    path = LESSONS / row["lesson"]
    assert path.is_file(), f"{row['id']}: no lesson {row['lesson']}"
    assert row["shown"].startswith("§ "), f"{row['id']}: 'shown in' is '§ <heading>'"
    heading = row["shown"][2:]
    headings = [e[2] for e in _outline(path) if e[0] == "heading"]
    assert heading in headings, (f"{row['id']}: {row['lesson']} has no heading {heading!r}; "
                                 f"its headings are {headings}")


@pytest.mark.parametrize("row", CLAIM_ROWS, ids=lambda r: r["id"])
def test_claim_provenance_is_labelled(row):
    parts = [p.strip() for p in row["provenance"].split(";")]
    for part in parts:
        assert part.startswith(LABELS), (
            f"{row['id']}: provenance {part!r} must start with one of {LABELS}")


@pytest.mark.parametrize("row", CLAIM_ROWS, ids=lambda r: r["id"])
def test_claim_guards_exist(row):
    guards = [g.strip() for g in row["guards"].split(";")]
    assert guards and all(guards), f"{row['id']}: no guard"
    events = _outline(LESSONS / row["lesson"])
    for guard in guards:
        if guard == "checked output":
            assert _section_has_checked_output(events, row["shown"][2:]), (
                f"{row['id']}: no {CHECK} cell in {row['lesson']} {row['shown']}")
        elif guard.startswith("`tests/"):
            reference = guard.strip("`")
            assert _test_exists(reference), f"{row['id']}: no test {reference}"
        else:
            assert guard.startswith("not tested ("), f"{row['id']}: unknown guard {guard!r}"
            assert DERIVED not in row["provenance"], (
                f"{row['id']}: a claim derived in this course needs a test or checked output")
    if DERIVED in row["provenance"]:
        assert any(g == "checked output" or g.startswith("`tests/") for g in guards), row["id"]


TRUTH_FILES = sorted((ROOT / "tests").glob("test_truth_*.py"))
NO_TRUTH_TEST = ("none (cited, not reproduced here)", "none (a reading)", "none (a definition)")


def _needs_truth_test(row) -> bool:
    """A claim the course derives or reproduces numerically (its numbers are printed in a
    checked cell, or it says it is reproduced) is quantitative: it needs a truth test."""
    guards = [g.strip() for g in row["guards"].split(";")]
    return (DERIVED in row["provenance"] or "reproduced" in row["provenance"]
            or "checked output" in guards)


@pytest.mark.parametrize("row", CLAIM_ROWS, ids=lambda r: r["id"])
def test_every_quantitative_claim_names_its_truth_test(row):
    truth = row["truth"]
    if truth.startswith("none"):
        assert truth in NO_TRUTH_TEST, (
            f"{row['id']}: a claim without a truth test says why, one of {NO_TRUTH_TEST}")
        assert not _needs_truth_test(row), (
            f"{row['id']}: the course derives or reproduces this claim (provenance "
            f"{row['provenance']!r}, guards {row['guards']!r}), so it needs a truth test in "
            f"tests/test_truth_*.py that recomputes it on other seeds and asserts the sentence")
        return
    for reference in (t.strip() for t in truth.split(";")):
        assert reference.startswith("`tests/test_truth_") and reference.endswith("`"), (
            f"{row['id']}: a truth test is `tests/test_truth_<...>.py::<test>`; got {reference!r}")
        assert _test_exists(reference.strip("`")), f"{row['id']}: no test {reference}"


def test_every_truth_test_guards_a_claim():
    """A truth test that no claim names asserts a sentence the course no longer makes."""
    named = {ref.strip().strip("`").split("::")[1].split("[")[0]
             for row in CLAIM_ROWS for ref in row["truth"].split(";") if "::" in ref}
    defined = {node.name for path in TRUTH_FILES
               for node in ast.parse(path.read_text(encoding="utf-8")).body
               if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    assert TRUTH_FILES, "no tests/test_truth_*.py"
    assert defined <= named, f"truth tests that no claim in CLAIMS.md names: {sorted(defined - named)}"


def test_the_checker_of_this_file_catches_what_it_should(tmp_path):
    """The helpers themselves: a missing test, a nested one, a section without checks."""
    assert _test_exists("tests/test_claims.py::test_claim_guards_exist")
    assert _test_exists("tests/test_claims.py::test_claim_guards_exist[C1.1]")
    assert not _test_exists("tests/test_claims.py::test_that_does_not_exist")
    assert not _test_exists("tests/no_such_file.py::test_x")
    events = [("heading", 2, "A"), ("heading", 3, "A.1"), ("code", True), ("heading", 2, "B"),
              ("code", False)]
    assert _section_has_checked_output(events, "A") and _section_has_checked_output(events, "A.1")
    assert not _section_has_checked_output(events, "B")
    derived = {"provenance": DERIVED, "guards": "`tests/test_x.py::test_y`"}
    cited = {"provenance": "Daneshmand et al. 2021, Fig. 2a", "guards": "not tested (cited)"}
    shown = {"provenance": "Daneshmand et al. 2021, Fig. 2a", "guards": "checked output"}
    assert _needs_truth_test(derived) and _needs_truth_test(shown)
    assert not _needs_truth_test(cited)
