"""Tests for course.py, the README's two commands, without network or new venvs.

Every command course.py would run goes through ``course.run`` or
``course.run_foreground``, which these tests replace with recorders.
"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def course():
    spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def project(tmp_path, course, monkeypatch):
    """A fake course folder with a pyproject and an existing venv; commands recorded."""
    root = tmp_path / "course"
    venv = root / ".venv"
    (venv / "bin").mkdir(parents=True)
    py = course.venv_python(venv)
    py.parent.mkdir(parents=True, exist_ok=True)
    py.write_text("")
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.11.7\n")
    (root / "pyproject.toml").write_text('[project]\nname = "bnteach"\n')
    monkeypatch.setattr(course, "ROOT", root)
    monkeypatch.setattr(course, "VENV", venv)
    monkeypatch.setattr(course, "PYPROJECT", root / "pyproject.toml")
    calls = SimpleNamespace(run=[], foreground=[], env=[], run_rc=0, foreground_rc=0)

    def fake_run(cmd, **kwargs):
        calls.run.append(list(cmd))
        return subprocess.CompletedProcess(cmd, calls.run_rc)

    def fake_foreground(cmd, cwd, env=None):
        calls.foreground.append(list(cmd))
        calls.env.append(env)
        return calls.foreground_rc

    monkeypatch.setattr(course, "run", fake_run)
    monkeypatch.setattr(course, "run_foreground", fake_foreground)
    return SimpleNamespace(root=root, venv=venv, py=py, calls=calls)


def pip_installs(calls):
    return [c for c in calls.run if c[1:4] == ["-m", "pip", "install"]]


# --- argument parsing ---------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["open"], ("open", [])),
        (["open", "--no-browser", "--port", "8899"], ("open", ["--no-browser", "--port", "8899"])),
        (["test", "-x", "-k", "not slow", "tests/"], ("test", ["-x", "-k", "not slow", "tests/"])),
        (["test", "--", "--help"], ("test", ["--help"])),
        (["test", "-p", "no:randomly", "--port=3"], ("test", ["-p", "no:randomly", "--port=3"])),
    ],
)
def test_parse_args_passes_unknown_arguments_through(course, argv, expected):
    assert course.parse_args(argv) == expected


def test_help_explains_both_commands(course, capsys):
    with pytest.raises(SystemExit) as exc:
        course.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "open" in out and "test" in out and "jupyter lab" in out and "pytest" in out


@pytest.mark.parametrize("argv", [[], ["serve"]])
def test_missing_or_unknown_command_is_a_usage_error(course, argv, capsys):
    with pytest.raises(SystemExit) as exc:
        course.main(argv)
    assert exc.value.code == 2
    assert "open" in capsys.readouterr().err


def test_script_help_runs_standalone():
    out = subprocess.run(
        [sys.executable, str(ROOT / "course.py"), "--help"],
        capture_output=True, text=True, check=True,
    )
    assert "python3 course.py test" in out.stdout


# --- installing only when needed ----------------------------------------------------


def test_first_run_installs_then_second_run_skips(course, project, capsys):
    args = (project.venv, project.root / "pyproject.toml", project.root)
    assert course.needs_install("test", *args)
    assert course.ensure_installed(project.py, "test", *args) is True
    assert pip_installs(project.calls) == [
        [str(project.py), "-m", "pip", "install", "--disable-pip-version-check", "-e", ".[test]"]
    ]
    assert not course.needs_install("test", *args)
    assert course.ensure_installed(project.py, "test", *args) is False
    assert len(pip_installs(project.calls)) == 1
    assert "dependencies up to date" in capsys.readouterr().out


def test_stamps_are_separate_per_extra(course, project):
    args = (project.venv, project.root / "pyproject.toml", project.root)
    course.ensure_installed(project.py, "test", *args)
    assert course.needs_install("lab", *args)
    assert course.stamp_path("test", project.venv) != course.stamp_path("lab", project.venv)


@pytest.mark.parametrize("change", ["pyproject", "python", "folder"])
def test_stamp_is_stale_when_inputs_change(course, project, change):
    pyproject = project.root / "pyproject.toml"
    course.ensure_installed(project.py, "lab", project.venv, pyproject, project.root)
    root = project.root
    if change == "pyproject":
        pyproject.write_text(pyproject.read_text() + 'dependencies = ["numpy"]\n')
    elif change == "python":
        (project.venv / "pyvenv.cfg").write_text("version = 3.12.1\n")
    else:
        root = project.root / "moved"
    assert course.needs_install("lab", project.venv, pyproject, root)


def test_failed_install_raises_and_leaves_no_stamp(course, project):
    project.calls.run_rc = 1
    with pytest.raises(course.CourseError, match="installing the dependencies failed"):
        course.ensure_installed(
            project.py, "test", project.venv, project.root / "pyproject.toml", project.root
        )
    assert not course.stamp_path("test", project.venv).exists()


def test_test_command_installs_once_and_returns_pytest_exit_code(course, project):
    project.calls.foreground_rc = 3
    assert course.main(["test", "-x"]) == 3
    assert course.main(["test", "-x"]) == 3
    assert len(pip_installs(project.calls)) == 1
    assert project.calls.foreground == [[str(project.py), "-m", "pytest", "-x"]] * 2


# --- the virtual environment -------------------------------------------------------


def test_existing_venv_is_reused(course, project):
    assert course.ensure_venv(project.venv) == project.py
    assert project.calls.run == []


def test_clear_error_when_venv_module_is_missing(course, project, monkeypatch, capsys):
    venv = project.root / "fresh-venv"
    monkeypatch.setattr(course, "VENV", venv)
    real_find_spec = course.importlib.util.find_spec
    monkeypatch.setattr(
        course.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "ensurepip" else real_find_spec(name, *a),
    )
    assert course.main(["test"]) == 1
    err = capsys.readouterr().err
    assert "ensurepip" in err and "apt-get install python3-venv" in err
    assert project.calls.run == [] and project.calls.foreground == []
    assert not venv.exists()


def test_clear_error_when_venv_creation_fails(course, project, monkeypatch, capsys):
    venv = project.root / "fresh-venv"
    monkeypatch.setattr(course, "VENV", venv)
    project.calls.run_rc = 1  # as Debian's python3 -m venv without python3-venv
    assert course.main(["open"]) == 1
    assert project.calls.run[0][1:3] == ["-m", "venv"]
    assert "apt-get install python3-venv" in capsys.readouterr().err
    assert not venv.exists() and project.calls.foreground == []


# --- the jupyter lab command line ---------------------------------------------------


def test_jupyter_command_is_local_with_default_token(course):
    cmd = course.jupyter_command("/v/bin/python", ["--no-browser", "--port", "8899"], as_root=False)
    assert cmd == [
        "/v/bin/python", "-m", "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.root_dir=workspace",
        "--ServerApp.file_to_run=00_index.ipynb",
        "--no-browser", "--port", "8899",
    ]
    assert not any("token" in arg.lower() or "0.0.0.0" in arg for arg in cmd)


def test_jupyter_command_allows_root_only_as_root(course):
    assert "--allow-root" in course.jupyter_command("py", as_root=True)
    assert "--allow-root" not in course.jupyter_command("py", as_root=False)


@pytest.mark.parametrize(
    "extra",
    [
        ["--ip=0.0.0.0"],
        ["--ServerApp.ip", "0.0.0.0"],
        ["--ServerApp.token="],
        ["--IdentityProvider.token", ""],
    ],
)
def test_open_refuses_public_address_or_empty_token(course, project, extra, capsys):
    assert course.main(["open"] + extra) == 1
    assert "error" in capsys.readouterr().err
    assert project.calls.run == [] and project.calls.foreground == []


def test_open_installs_copies_lessons_then_starts_jupyter(course, project, monkeypatch):
    monkeypatch.setattr(course.os, "geteuid", lambda: 1000, raising=False)
    project.calls.foreground_rc = 0
    assert course.main(["open", "--no-browser"]) == 0
    py = str(project.py)
    assert project.calls.run == [
        [py, "-m", "pip", "install", "--disable-pip-version-check", "-e", ".[lab]"],
        [py, "-m", "bnteach", "copy-lessons", "workspace"],
    ]
    settings = project.venv / "share" / "jupyter" / "lab" / "settings"
    assert project.calls.foreground == [
        course.jupyter_command(py, ["--no-browser"], settings_dir=settings)]
    assert "--ServerApp.ip=127.0.0.1" in project.calls.foreground[0]
    assert project.calls.env[0]["OPENBLAS_NUM_THREADS"] == "1"
    assert project.calls.env[0]["PATH"] == course.os.environ["PATH"]


def test_open_keeps_a_thread_count_the_learner_set(course, project, monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    assert course.main(["open"]) == 0
    assert project.calls.env[0]["OPENBLAS_NUM_THREADS"] == "4"
    assert course.jupyter_env({"HOME": "/h"}) == {"HOME": "/h", "OPENBLAS_NUM_THREADS": "1"}


def test_test_command_keeps_the_default_threads(course, project, monkeypatch):
    """The tests run with numpy's default threads (the determinism tests add one thread)."""
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    course.main(["test", "-x"])
    assert project.calls.env == [None]


# --- no pop-ups: JupyterLab's news and update notifications are off -----------------


QUIET = {"@jupyterlab/apputils-extension:notification":
         {"fetchNews": "false", "checkForUpdates": False}}


def test_open_turns_off_news_in_the_venv_and_points_jupyterlab_at_it(
        course, project, monkeypatch, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    assert course.main(["open"]) == 0
    settings = project.venv / "share" / "jupyter" / "lab" / "settings"
    assert course.lab_settings_dir(project.venv) == settings
    assert json.loads((settings / "overrides.json").read_text()) == QUIET
    assert f"--LabApp.app_settings_dir={settings}" in project.calls.foreground[0]
    assert list(home.iterdir()) == []  # nothing in the learner's home
    # the folder JupyterLab would use anyway, run from .venv: <prefix>/share/jupyter/lab/settings
    assert settings.relative_to(project.venv).parts == ("share", "jupyter", "lab", "settings")


def test_lab_settings_keep_other_overrides_and_replace_a_broken_file(course, tmp_path):
    path = tmp_path / "settings" / "overrides.json"
    path.parent.mkdir()
    other = {"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
             "@jupyterlab/apputils-extension:notification": {"doNotDisturbMode": True}}
    path.write_text(json.dumps(other))
    assert course.write_lab_settings(path.parent) == path
    written = json.loads(path.read_text())
    assert written["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert written["@jupyterlab/apputils-extension:notification"] == {
        "doNotDisturbMode": True, "fetchNews": "false", "checkForUpdates": False}
    mtime = path.stat().st_mtime_ns
    course.write_lab_settings(path.parent)
    assert path.stat().st_mtime_ns == mtime  # already in place: not rewritten
    path.write_text("{broken")
    course.write_lab_settings(path.parent)
    assert json.loads(path.read_text()) == QUIET


def test_jupyter_command_names_the_settings_folder_only_when_given(course):
    assert not any("app_settings_dir" in a for a in course.jupyter_command("py", as_root=False))
    cmd = course.jupyter_command("py", ["--no-browser"], as_root=False, settings_dir="/v/settings")
    assert cmd == ["py", "-m", "jupyterlab", "--ServerApp.ip=127.0.0.1",
                   "--ServerApp.root_dir=workspace", "--LabApp.app_settings_dir=/v/settings",
                   "--ServerApp.file_to_run=00_index.ipynb", "--no-browser"]


def test_open_stops_if_copying_the_lessons_fails(course, project, capsys):
    course.ensure_installed(
        project.py, "lab", project.venv, project.root / "pyproject.toml", project.root
    )
    project.calls.run_rc = 1
    assert course.main(["open"]) == 1
    assert project.calls.foreground == []
    assert "copying the lessons failed" in capsys.readouterr().err
