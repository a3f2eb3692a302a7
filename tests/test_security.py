"""The course as the README starts it serves this computer only, and only with its token.

``python3 course.py open`` runs the command line built by ``course.jupyter_command``
(127.0.0.1, Jupyter's own random token). This test runs exactly that command with
this interpreter, plus ``--no-browser``, a free port and scratch Jupyter directories,
in a scratch folder holding a ``workspace/`` copy of the lessons, and checks that

* the server answers on 127.0.0.1 with its token;
* without the token, or with a wrong one, the API refuses (403) and pages send
  the browser to the login form;
* it listens on the loopback address only. This is read from the kernel's socket
  table (``/proc/net/tcp``), not by connecting to the machine's other addresses:
  tests here send traffic to loopback only;
* it serves the settings course.py writes (``course.write_lab_settings``): no
  "Jupyter news" and no check-for-updates notifications.

And ``bnteach copy-lessons`` writes nothing outside its destination (``tests/test_cli.py``
checks ``..``, absolute names and symlinks one by one).
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bnteach import cli

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"


def _course_module():
    spec = importlib.util.spec_from_file_location("course_for_security_test", ROOT / "course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(port, path, headers=None):
    """One request to 127.0.0.1 without following redirects: (status, Location header)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        conn.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """JupyterLab started with course.py's command line; yields (port, token, pid)."""
    course = _course_module()
    scratch = tmp_path_factory.mktemp("course-open")
    report = cli.copy_lessons(scratch / course.WORKSPACE, source=LESSONS)
    assert report.copied, "no lessons were copied into the workspace"
    env = dict(os.environ)
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                     ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("JUPYTER_RUNTIME_DIR", "run"),
                     ("JUPYTER_DATA_DIR", "data")):
        env[var] = str(scratch / sub)
    env.pop("JUPYTER_TOKEN", None)                       # Jupyter's own random token
    port = _free_port()
    # As `open` does, with the application settings in scratch instead of .venv.
    settings = course.write_lab_settings(scratch / "app-settings").parent
    cmd = course.jupyter_command(sys.executable, ["--no-browser", f"--port={port}"],
                                 settings_dir=settings)
    log = open(scratch / "server.log", "w")
    proc = subprocess.Popen(cmd, cwd=scratch, env=env, stdout=log, stderr=subprocess.STDOUT)
    token, deadline = None, time.monotonic() + 90
    try:
        while token is None:                             # the server writes its token here
            for info in (scratch / "run").glob("jpserver-*.json"):
                data = json.loads(info.read_text() or "{}")
                if data.get("port") == port and data.get("token"):
                    token = data["token"]
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not start:\n{(scratch / 'server.log').read_text()}")
            time.sleep(0.3)
        while True:
            try:
                if _request(port, f"/api/status?token={token}")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer:\n{(scratch / 'server.log').read_text()}")
            time.sleep(0.3)
        yield port, token, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_the_command_line_is_the_one_course_py_open_runs():
    course = _course_module()
    cmd = course.jupyter_command(sys.executable, [])
    assert "--ServerApp.ip=127.0.0.1" in cmd
    assert not any("token" in arg.lower() for arg in cmd), "course.py must keep Jupyter's token"


def test_no_news_or_update_pop_ups(server):
    """JupyterLab serves the notification settings course.py wrote: news and updates off."""
    port, token, _ = server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/lab/api/settings/@jupyterlab/apputils-extension:notification",
                     headers={"Authorization": f"token {token}"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status == 200, body[:500]
    settings = json.loads(body)
    defaults = settings["schema"]["properties"]
    assert defaults["fetchNews"]["default"] == "false"
    assert defaults["checkForUpdates"]["default"] is False
    assert not {"fetchNews", "checkForUpdates"} & set(settings["settings"])  # no user override


def test_answers_on_loopback_with_its_token(server):
    port, token, _ = server
    status, _ = _request(port, f"/api/contents?token={token}")
    assert status == 200
    status, _ = _request(port, "/api/contents", {"Authorization": f"token {token}"})
    assert status == 200
    assert len(token) >= 32, "Jupyter's generated token should be long and random"


@pytest.mark.parametrize("path", ["/api/contents", "/api/contents?token=wrong",
                                  "/api/contents/00_index.ipynb", "/api/kernels", "/api/sessions",
                                  "/api/terminals"])
def test_the_api_refuses_requests_without_the_token(server, path):
    port, _, _ = server
    status, _ = _request(port, path)
    assert status == 403, f"{path} answered {status} without a valid token"


@pytest.mark.parametrize("path", ["/lab", "/lab/tree/00_index.ipynb", "/files/00_index.ipynb"])
def test_pages_without_the_token_go_to_the_login_form(server, path):
    port, _, _ = server
    status, location = _request(port, path)
    assert status in (302, 403), f"{path} answered {status} without a token"
    if status == 302:
        assert "/login" in location, f"{path} redirected to {location!r}, not to the login form"


def _listening(port: int) -> list[str]:
    """Local addresses with a listening TCP socket on ``port``, from /proc/net/tcp{,6}."""
    found = []
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state != "0A" or int(port_hex, 16) != port:        # 0A: LISTEN
                continue
            raw = bytes.fromhex(address)
            # the kernel prints each 32-bit word in host (little-endian) order
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            found.append(socket.inet_ntop(family, raw))
    return found


def test_listens_on_the_loopback_address_only(server):
    port, _, _ = server
    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp here (not Linux): cannot list the listening sockets")
    addresses = _listening(port)
    assert addresses, f"no listening socket found for port {port}"
    assert set(addresses) <= {"127.0.0.1", "::1"}, f"JupyterLab listens on {addresses}"


def test_copy_lessons_writes_nothing_outside_its_destination(tmp_path):
    parent = tmp_path / "home"
    parent.mkdir()
    (parent / "mine.txt").write_text("a learner's file")
    before = sorted(p.relative_to(parent) for p in parent.rglob("*"))
    dest = parent / "workspace"
    cli.copy_lessons(dest, source=LESSONS)
    (dest / "01_linear_networks.ipynb").write_text("{}")          # an edited lesson
    cli.copy_lessons(dest, source=LESSONS, reset=["01_linear_networks.ipynb"])
    after = sorted(p.relative_to(parent) for p in parent.rglob("*"))
    outside = [p for p in after if p.parts[0] != "workspace"]
    assert outside == [p for p in before if p.parts[0] != "workspace"] == [Path("mine.txt")]
    assert (parent / "mine.txt").read_text() == "a learner's file"
    for name in ("../escape.ipynb", str(tmp_path / "abs.ipynb")):
        with pytest.raises(cli.LessonNameError):
            cli.copy_lessons(dest, source=LESSONS, reset=[name])
    assert sorted(p.relative_to(parent) for p in parent.rglob("*")) == after
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]
