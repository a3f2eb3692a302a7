"""Tests for ``bnteach copy-lessons``: its command line, refused names, symlinks, errors.

What a learner meets run after run (updates, kept edits, resets, old workspaces)
is in ``tests/test_workspace.py``. The static site builder is a repository tool:
``tests/test_build_site.py``.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bnteach import cli
from bnteach.workspace import MANIFEST


def notebook(title):
    return json.dumps({"cells": [{"cell_type": "markdown", "source": title}]})


@pytest.fixture
def source(tmp_path):
    """A fake lessons folder, with files that must not be copied."""
    src = tmp_path / "lessons"
    (src / "solutions" / "__pycache__").mkdir(parents=True)
    (src / ".ipynb_checkpoints").mkdir()
    for name in ("00_index", "01_linear_networks", "02_recentering", "_template"):
        (src / f"{name}.ipynb").write_text(notebook(name))
    (src / "solutions" / "02_ex1.py").write_text("def recenter(Z):\n    return Z\n")
    (src / "solutions" / "__pycache__" / "02_ex1.cpython-311.pyc").write_bytes(b"\0")
    (src / ".ipynb_checkpoints" / "00_index-checkpoint.ipynb").write_text("{}")
    (src / "conftest.py").write_text("")
    return src


LESSONS = [  # the template is for course authors: never copied
    "00_index.ipynb",
    "01_linear_networks.ipynb",
    "02_recentering.ipynb",
    "solutions/02_ex1.py",
]


def files_in(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and p.name != MANIFEST)


def run_cli(capsys, *args, source):
    code = cli.main(["copy-lessons", *map(str, args)], source=source)
    out, err = capsys.readouterr()
    return code, out, err


def test_copies_lessons_and_solutions_not_the_template_and_says_so_in_one_line(
        tmp_path, source, capsys):
    dest = tmp_path / "workspace"
    code, out, _ = run_cli(capsys, dest, source=source)
    assert code == 0
    assert files_in(dest) == LESSONS
    assert (dest / "01_linear_networks.ipynb").read_text() == notebook("01_linear_networks")
    assert out == f"{dest}: 4 files copied\n"


def test_reset_of_a_solution_and_of_a_missing_copy(tmp_path, source, capsys):
    dest = tmp_path / "workspace"
    code, out, _ = run_cli(
        capsys, dest, "--reset", "solutions/02_ex1.py", "--reset", "00_index.ipynb", source=source
    )
    assert code == 0 and files_in(dest) == LESSONS  # nothing to back up yet
    (dest / "solutions" / "02_ex1.py").write_text("mine")
    assert run_cli(capsys, dest, "--reset", "solutions/02_ex1.py", source=source)[0] == 0
    assert [p.read_text() for p in (dest / "solutions").glob("02_ex1.backup-*.py")] == ["mine"]


@pytest.mark.parametrize(
    "name, message",
    [
        ("../01_linear_networks.ipynb", "'..'"),
        ("solutions/../../etc/passwd", "'..'"),
        ("..\\01_linear_networks.ipynb", "'..'"),
        ("/etc/passwd", "absolute"),
        ("C:\\Users\\x.ipynb", "absolute"),
        ("", "lesson name"),
        ("99_missing.ipynb", "no lesson named '99_missing.ipynb'"),
        ("_template.ipynb", "no lesson named '_template.ipynb'"),
        ("workspace/01_linear_networks.ipynb",       # a tab-completed path
         "Did you mean '01_linear_networks.ipynb'? --reset takes the name relative to the workspace."),
        ("workspace/01_linear_networks", "Did you mean '01_linear_networks.ipynb'?"),
        ("01_linear_network.ipynb", "Did you mean '01_linear_networks.ipynb'?"),   # a typo
    ],
)
def test_unsafe_or_unknown_reset_is_refused_before_writing(tmp_path, source, capsys, name, message):
    dest = tmp_path / "workspace"
    code, out, err = run_cli(capsys, dest, "--reset", name, source=source)
    assert code == 2
    assert message in err and "Nothing was changed" in err
    assert not dest.exists()


def test_never_writes_through_a_symlink_out_of_the_workspace(tmp_path, source, capsys):
    dest, outside = tmp_path / "workspace", tmp_path / "outside"
    dest.mkdir()
    outside.mkdir()
    try:
        (dest / "solutions").symlink_to(outside, target_is_directory=True)
    except (OSError, NotImplementedError):
        pytest.skip("symlinks are not available here")
    code, out, _ = run_cli(capsys, dest, source=source)
    assert code == 0 and list(outside.iterdir()) == []
    assert ("1 not written because the folder leads outside the workspace "
            "(solutions/02_ex1.py)") in out
    (outside / "02_ex1.py").write_text("someone else's file")      # never read as the learner's
    code, out, _ = run_cli(capsys, dest, "--reset", "solutions/02_ex1.py", source=source)
    assert code == 0 and [p.name for p in outside.iterdir()] == ["02_ex1.py"]
    assert (outside / "02_ex1.py").read_text() == "someone else's file"


def test_a_lesson_that_is_a_symlink_is_never_written_through(tmp_path, source, capsys):
    dest, outside = tmp_path / "workspace", tmp_path / "outside.ipynb"
    dest.mkdir()
    outside.write_text("someone else's file")
    try:
        (dest / "01_linear_networks.ipynb").symlink_to(outside)
    except (OSError, NotImplementedError):
        pytest.skip("symlinks are not available here")
    code, out, _ = run_cli(capsys, dest, source=source)
    assert code == 0 and "1 kept because it differs" in out
    code, out, _ = run_cli(capsys, dest, "--reset", "01_linear_networks.ipynb", source=source)
    assert code == 0 and outside.read_text() == "someone else's file"
    assert not (dest / "01_linear_networks.ipynb").is_symlink()
    assert (dest / "01_linear_networks.ipynb").read_text() == notebook("01_linear_networks")


def test_empty_source_or_file_as_destination_fails(tmp_path, source, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run_cli(capsys, tmp_path / "ws", source=empty)
    assert code == 1 and "no lesson notebooks" in err
    a_file = tmp_path / "file"
    a_file.write_text("")
    code, _, err = run_cli(capsys, a_file, source=source)
    assert code == 1 and "not a directory" in err


def test_usage_errors_exit_2(capsys):
    for argv in ([], ["copy-lessons"], ["unknown"], ["build-html", "site"]):
        with pytest.raises(SystemExit) as exc:
            cli.main(argv)
        assert exc.value.code == 2


def test_copy_lessons_function_returns_a_report(tmp_path, source):
    report = cli.copy_lessons(tmp_path / "ws", source=source)
    assert report.copied == LESSONS and report.backups == []
    assert report.updated == report.kept == report.unchanged == report.refused == []


def test_python_m_bnteach_help_and_no_plotting_imports():
    env = {**os.environ, "PYTHONPATH": str(Path(cli.__file__).resolve().parents[1])}
    out = subprocess.run(
        [sys.executable, "-m", "bnteach", "copy-lessons", "--help"],
        capture_output=True, text=True, env=env,
    )
    assert out.returncode == 0, out.stderr
    assert "--reset LESSON" in out.stdout
    code = "import sys, bnteach.cli; print({'matplotlib', 'ipywidgets'} & set(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "set()"


def test_installed_package_lessons_resolve(tmp_path):
    try:
        src = cli.lessons_source()
    except cli.CopyError:
        pytest.skip("the course has no lessons folder yet")
    notebooks = sorted(p.name for p in src.iterdir()
                       if p.name.endswith(".ipynb") and not p.name.startswith("_"))
    if not notebooks:
        pytest.skip("the course has no lesson notebooks yet")
    report = cli.copy_lessons(tmp_path / "ws", source=src)
    assert [name for name in report.copied if name.endswith(".ipynb")] == notebooks
    assert "SOURCES.md" in report.copied           # what the lessons cite, beside them
    assert all(json.loads((tmp_path / "ws" / name).read_text()) for name in notebooks)


def test_the_command_has_no_build_html(capsys):
    """The static site is built by a repository tool, python tools/build_site.py DEST."""
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "copy-lessons" in capsys.readouterr().out
    assert "build-html" not in cli.build_parser().format_help()


def test_cli_imports_no_notebook_machinery():
    code = ("import sys, bnteach.cli; "
            "print(sorted({'nbconvert', 'nbclient', 'jupyter_client'} & set(sys.modules)))")
    env = {**os.environ, "PYTHONPATH": str(Path(cli.__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True)
    assert out.stdout.strip() == "[]"
