"""A learner's workspace, run after run: what ``bnteach copy-lessons`` (and so
``python3 course.py open``) does to it, and the one line it says.

Each test is one situation a learner meets: the first copy, a rerun with nothing
changed, a course fix to a lesson they did not edit (updated, even if they ran
it) or did edit (kept and named), ``--reset`` of an unedited lesson (no backup)
and of an edited one (backup), a workspace made before the manifest existed, a
lesson the course no longer ships, and the template, which is never copied.
"""

import json
import re

import pytest

from bnteach import cli
from bnteach.workspace import MANIFEST

INDEX, LESSON, OTHER, SOLUTION = ("00_index.ipynb", "01_linear_networks.ipynb",
                                  "02_recentering.ipynb", "solutions/02_ex1.py")
FILES = [INDEX, LESSON, OTHER, SOLUTION]
BACKUP = re.compile(r"^01_linear_networks\.backup-\d{8}-\d{6}(-\d+)?\.ipynb$")


def notebook(*sources, outputs=False):
    """A notebook as JupyterLab saves it; ``outputs=True``: as after running it."""
    cells = [{"cell_type": "code", "id": f"c{k}", "metadata": {}, "source": src.splitlines(True),
              "execution_count": k + 1 if outputs else None,
              "outputs": [{"output_type": "stream", "name": "stdout", "text": "ran\n"}]
              if outputs else []}
             for k, src in enumerate(sources)]
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5},
                      indent=1) + "\n"


@pytest.fixture
def course(tmp_path):
    """The course's lessons folder (with its template); tests change it as a course fix would."""
    src = tmp_path / "lessons"
    (src / "solutions").mkdir(parents=True)
    for name in (INDEX, LESSON, OTHER, "_template.ipynb"):
        (src / name).write_text(notebook(f"# {name}", "x = 1"))
    (src / SOLUTION).write_text("def recenter(Z):\n    return Z - Z.mean(axis=1, keepdims=True)\n")
    return src


@pytest.fixture
def learner(tmp_path, course, capsys):
    """Runs ``bnteach copy-lessons workspace`` as the learner would; returns its one line."""
    dest = tmp_path / "workspace"

    def run(*args):
        code = cli.main(["copy-lessons", str(dest), *args], source=course)
        out, err = capsys.readouterr()
        assert code == 0, err
        assert out.count("\n") == 1, f"not one line: {out!r}"
        assert out.startswith(f"{dest}: ")
        return out[len(f"{dest}: "):].rstrip("\n")

    run.dest = dest
    return run


def files_in(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_first_copy_copies_lessons_and_solutions_never_the_template(learner, course):
    assert learner() == "4 files copied"
    assert files_in(learner.dest) == sorted([MANIFEST, *FILES])
    for name in FILES:
        assert (learner.dest / name).read_bytes() == (course / name).read_bytes()
    manifest = json.loads((learner.dest / MANIFEST).read_text())
    assert sorted(manifest["files"]) == sorted(FILES)


def test_rerun_with_nothing_changed_changes_nothing(learner):
    learner()
    before = {name: (learner.dest / name).read_bytes() for name in FILES}
    assert learner() == "4 files unchanged"
    assert {name: (learner.dest / name).read_bytes() for name in FILES} == before


def test_course_fix_reaches_a_lesson_the_learner_did_not_edit(learner, course):
    learner()
    (course / LESSON).write_text(notebook(f"# {LESSON}", "x = 2  # fixed"))
    (course / SOLUTION).write_text("def recenter(Z):\n    return Z - Z.mean(1, keepdims=True)\n")
    assert learner() == f"2 files updated ({LESSON}, {SOLUTION}), 2 unchanged"
    assert (learner.dest / LESSON).read_text() == (course / LESSON).read_text()
    assert (learner.dest / SOLUTION).read_text() == (course / SOLUTION).read_text()
    assert learner() == "4 files unchanged"


def test_running_a_lesson_is_not_editing_it(learner, course):
    learner()
    (learner.dest / LESSON).write_text(notebook(f"# {LESSON}", "x = 1", outputs=True))
    assert learner() == "4 files unchanged"  # the learner's outputs stay
    assert '"ran\\n"' in (learner.dest / LESSON).read_text()
    (course / LESSON).write_text(notebook(f"# {LESSON}", "x = 2  # fixed"))
    assert learner() == f"1 file updated ({LESSON}), 3 unchanged"
    assert (learner.dest / LESSON).read_text() == (course / LESSON).read_text()


def test_course_fix_to_an_edited_lesson_keeps_it_and_says_how_to_get_the_fix(learner, course):
    learner()
    mine = notebook(f"# {LESSON}", "x = 1", "my_answer = 42", outputs=True)
    (learner.dest / LESSON).write_text(mine)
    (learner.dest / SOLUTION).write_text("# my notes\n")
    assert learner() == f"2 files edited by you ({LESSON}, {SOLUTION}), 2 unchanged"
    (course / LESSON).write_text(notebook(f"# {LESSON}", "x = 2  # fixed"))
    expected = (f"1 file kept because you edited it ({LESSON}; --reset it to get the new "
                f"version), 1 edited by you ({SOLUTION}), 2 unchanged")
    assert learner() == expected
    assert learner() == expected  # said again on every run until the learner acts
    assert (learner.dest / LESSON).read_text() == mine
    (course / SOLUTION).write_text("def recenter(Z):\n    return Z\n")
    assert learner().startswith(
        f"2 files kept because you edited them ({LESSON}, {SOLUTION}; --reset them to get")


def test_reset_of_a_lesson_the_learner_did_not_edit_makes_no_backup(learner, course):
    learner()
    (learner.dest / LESSON).write_text(notebook(f"# {LESSON}", "x = 1", outputs=True))  # run only
    (course / LESSON).write_text(notebook(f"# {LESSON}", "x = 2  # fixed"))
    line = learner("--reset", LESSON)
    assert line == f"1 file reset ({LESSON}, not edited so no backup), 3 unchanged"
    assert files_in(learner.dest) == sorted([MANIFEST, *FILES])
    assert (learner.dest / LESSON).read_text() == (course / LESSON).read_text()


def test_reset_of_an_edited_lesson_keeps_the_learners_copy_as_a_backup(learner, course):
    learner()
    (learner.dest / LESSON).write_text(notebook("my work"))
    (course / LESSON).write_text(notebook(f"# {LESSON}", "x = 2  # fixed"))
    line = learner("--reset", "01_linear_networks")  # the .ipynb may be left out
    backups = [p for p in learner.dest.iterdir() if BACKUP.match(p.name)]
    assert len(backups) == 1 and backups[0].read_text() == notebook("my work")
    assert line == f"1 file reset ({LESSON}, yours saved as {backups[0].name}), 3 unchanged"
    assert (learner.dest / LESSON).read_text() == (course / LESSON).read_text()
    assert learner() == "4 files unchanged"  # the backup is the learner's, never touched
    (learner.dest / LESSON).write_text(notebook("more work"))
    learner("--reset", LESSON)
    assert sorted(p.read_text() for p in learner.dest.iterdir() if BACKUP.match(p.name)) == [
        notebook("more work"), notebook("my work")]


def test_old_workspace_without_manifest(learner, course):
    """Made by copy-lessons before the manifest: identical files are unedited, others edited."""
    dest = learner.dest
    (dest / "solutions").mkdir(parents=True)
    for name in FILES:
        (dest / name).write_bytes((course / name).read_bytes())
    (dest / "_template.ipynb").write_bytes((course / "_template.ipynb").read_bytes())
    (dest / INDEX).write_text(notebook(f"# {INDEX}", "x = 1", outputs=True))  # run, not edited
    (dest / LESSON).write_text(notebook("an old version, or the learner's work"))
    assert learner() == (f"1 file kept because it differs from the course's version ({LESSON}; "
                         f"--reset it to get the course's version), 3 unchanged")
    assert (dest / LESSON).read_text() == notebook("an old version, or the learner's work")
    assert (dest / "_template.ipynb").exists()  # the learner's now: left alone
    (course / INDEX).write_text(notebook(f"# {INDEX}", "x = 2  # fixed"))
    assert learner().startswith(f"1 file updated ({INDEX}), 1 kept because it differs")
    assert (dest / INDEX).read_text() == (course / INDEX).read_text()


def test_an_unreadable_manifest_counts_as_no_manifest(learner, course):
    learner()
    (learner.dest / MANIFEST).write_text("{not json")
    (learner.dest / LESSON).write_text(notebook("mine"))
    assert learner().startswith(
        f"1 file kept because it differs from the course's version ({LESSON};")
    assert json.loads((learner.dest / MANIFEST).read_text())["files"]  # written anew


def test_new_deleted_and_retired_lessons(learner, course):
    learner()
    (course / "03_relu.ipynb").write_text(notebook("# 03"))           # new in the course
    (learner.dest / INDEX).unlink()                                   # deleted by the learner
    (course / OTHER).unlink()                                         # no longer in the course
    assert learner() == (f"2 files copied ({INDEX}, 03_relu.ipynb), 2 unchanged, "
                         f"1 no longer in the course, left alone ({OTHER})")
    assert (learner.dest / OTHER).read_text() == notebook(f"# {OTHER}", "x = 1")


def test_the_template_is_never_copied_nor_reset(learner, course):
    learner()
    assert not (learner.dest / "_template.ipynb").exists()
    with pytest.raises(cli.LessonNameError, match="no lesson named '_template.ipynb'"):
        cli.copy_lessons(learner.dest, source=course, reset=["_template.ipynb"])
    (course / "solutions" / "__init__.py").write_text("")
    learner()
    assert not (learner.dest / "solutions" / "__init__.py").exists()
