"""The repository address is set in one place, and everything that needs it is generated.

``tools/address.py`` holds ``REPOSITORY`` and ``RELEASE``. From them
``python tools/notebooks.py publish`` writes the README's Binder badge,
``repository-code`` in ``CITATION.cff`` and the launch cells of every lesson
(``nav`` and ``bless`` write the lesson cells too). These tests fail if any of
those places differs from what the constant generates, or if the address, or a
launch link to any repository, is spelled anywhere else in the tracked files.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import address
from tools import notebooks as tool

ROOT = Path(__file__).resolve().parents[1]
# Launch-link shapes, spelled in two pieces so that this file does not match itself.
LINK_PREFIXES = ("mybinder.org/v2/" + "gh/", "colab.research.google.com/" + "github/",
                 "git+" + "https://github.com/")
FAKE_SLUG = "acme-school/bn-course"   # the tests' own example address, allowed in this file
FAKE = f"https://github.com/{FAKE_SLUG}"
FIX = ("set the address only in tools/address.py and run "
       "`python tools/notebooks.py publish`")


def _tracked_files():
    """The repository's tracked files (all files outside build and tool dirs without git)."""
    git = shutil.which("git")
    if git and (ROOT / ".git").exists():
        out = subprocess.run([git, "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
        return [ROOT / p for p in out.stdout.decode().split("\0") if p]
    skip = {".git", ".venv", "workspace", "build", "dist", "__pycache__", ".hypothesis"}
    return [p for p in ROOT.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(ROOT).parts)
            and not any(part.endswith(".egg-info") for part in p.parts)]


def _without_generated_parts(path: Path, text: str) -> str:
    """``text`` with the parts generated from the constant taken out (checked elsewhere)."""
    rel = path.relative_to(ROOT).as_posix()
    if rel == "tools/address.py":
        return re.sub(r'(?m)^REPOSITORY = ".*"$', "", text)
    if rel == "README.md":
        return text.replace(tool.readme_block(), "")
    if rel == "CITATION.cff":
        return text.replace(f'repository-code: "{address.REPOSITORY}"', "")
    if path.suffix == ".ipynb" and path.parent == ROOT / "lessons":
        nb = json.loads(text)
        expected = {c["id"]: c["source"] for c in tool.launch_cells(path.name)}
        nb["cells"] = [c for c in nb["cells"]
                       if not (c.get("id") in expected and tool.LAUNCH_TAG in
                               c.get("metadata", {}).get("tags", [])
                               and "".join(c["source"]) == expected[c["id"]])]
        return json.dumps(nb)
    return text


def test_release_is_the_package_version():
    version = re.search(r'(?m)^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    assert address.RELEASE == f"v{version}", (
        f"RELEASE in tools/address.py ({address.RELEASE}) should be the tag of this version, "
        f"v{version}")


def test_the_address_is_a_github_repository():
    owner, name = address.github_slug().split("/")
    assert owner and name


def test_readme_badge_is_generated_from_the_constant():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.count(tool.README_BEGIN) == 1 and tool.readme_block() in text, (
        f"README.md: the Binder badge block is not what tools/address.py generates; {FIX}")
    assert address.binder_url() in tool.readme_block()


def test_citation_repository_is_generated_from_the_constant():
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert tool.publish_citation(text) == text, f"CITATION.cff: repository-code; {FIX}"


def test_the_address_appears_only_where_it_is_generated():
    slug = address.github_slug()
    offenders = []
    for path in _tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue  # binary, or deleted in the work tree
        rest = _without_generated_parts(path, text)
        rel = path.relative_to(ROOT).as_posix()
        if slug in rest or address.REPOSITORY in rest:
            offenders.append(f"{rel}: spells the repository {slug}")
        if rel != "tools/address.py":  # where the link shapes are defined
            # (this file's own examples use the fake address FAKE, above)
            offenders += [f"{rel}: a hand-written launch link ({prefix}...)"
                          for prefix in LINK_PREFIXES
                          if re.search(re.escape(prefix) + f"(?!{re.escape(FAKE_SLUG)})", rest)]
    assert not offenders, "; ".join(offenders) + f". {FIX}"


def test_every_lesson_launch_cell_uses_the_constant():
    if address.is_placeholder():
        for path in sorted((ROOT / "lessons").glob("*.ipynb")):
            nb = json.loads(path.read_text(encoding="utf-8"))
            assert not [c for c in nb["cells"] if c.get("id") in tool.LAUNCH_IDS
                        or tool.LAUNCH_TAG in c.get("metadata", {}).get("tags", [])], (
                f"{path.name}: launch cells before the address is set; run "
                f"`python tools/notebooks.py nav`")
        return
    for path in sorted((ROOT / "lessons").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        sources = {c.get("id"): "".join(c["source"]) for c in nb["cells"]}
        assert address.colab_url(path.name) in sources.get(tool.LAUNCH_IDS[0], ""), path.name
        assert address.pip_requirement() in sources.get(tool.LAUNCH_IDS[1], ""), path.name
    index = json.loads((ROOT / "lessons" / "00_index.ipynb").read_text(encoding="utf-8"))
    badges = next(c for c in index["cells"] if c.get("id") == tool.LAUNCH_IDS[0])
    assert address.binder_url() in "".join(badges["source"]), "the index has no Binder badge"


# -- the tool itself, on a fake address -----------------------------------------------------


def _lesson(title="# Do a thing\n\nWhat you'll do: ..."):
    return {"cells": [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": title},
                      {"cell_type": "code", "id": "c", "metadata": {}, "source": "x = 1",
                       "outputs": [], "execution_count": None}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_links_follow_the_constant():
    assert address.binder_url(FAKE, "v2.0") == (
        "https://mybinder.org/v2/gh/acme-school/bn-course/v2.0"
        "?urlpath=lab/tree/lessons/00_index.ipynb")
    assert address.colab_url("01_x.ipynb", FAKE, "v2.0") == (
        "https://colab.research.google.com/github/acme-school/bn-course/blob/v2.0/lessons/01_x.ipynb")
    assert address.pip_requirement(FAKE, "v2.0") == (
        "bnteach @ git+https://github.com/acme-school/bn-course@v2.0")
    assert address.is_placeholder("https://github.com/OWNER/x") and not address.is_placeholder(FAKE)


@pytest.mark.parametrize("bad", ["https://gitlab.com/a/b", "https://github.com/a",
                                 "https://github.com/a/b/c", "github.com/a/b"])
def test_a_malformed_address_is_refused(bad):
    with pytest.raises(ValueError, match="https://github.com/<owner>/<name>"):
        address.github_slug(bad)


def test_no_launch_cells_until_the_address_is_set(monkeypatch):
    """The placeholder address gives no badge and no install cell (they could not work),
    and removes any old ones; the real address, set by the publisher, brings them back."""
    monkeypatch.setattr(address, "REPOSITORY", "https://github.com/OWNER/course")
    assert tool.launch_cells("03_relu.ipynb") == []
    monkeypatch.setattr(address, "REPOSITORY", FAKE)
    published = tool.set_launch(_lesson(), "03_relu.ipynb")
    assert [c["id"] for c in published["cells"]] == ["t", *tool.LAUNCH_IDS, "c"]
    monkeypatch.setattr(address, "REPOSITORY", "https://github.com/OWNER/course")
    unpublished = tool.set_launch(published, "03_relu.ipynb")
    assert [c["id"] for c in unpublished["cells"]] == ["t", "c"]


def test_launch_cells_go_right_after_the_title_once(monkeypatch):
    monkeypatch.setattr(address, "REPOSITORY", FAKE)
    nb = tool.set_launch(tool.set_launch(_lesson(), "03_relu.ipynb"), "03_relu.ipynb")
    ids = [c["id"] for c in nb["cells"]]
    assert ids == ["t", *tool.LAUNCH_IDS, "c"]
    assert "03_relu.ipynb" in nb["cells"][1]["source"]
    assert "Binder" not in nb["cells"][1]["source"]          # only the index has it
    index = tool.set_launch(_lesson(), "00_index.ipynb")
    assert address.binder_url() in index["cells"][1]["source"]


def test_generate_is_idempotent_on_the_committed_lessons():
    for path in sorted((ROOT / "lessons").glob("*.ipynb")):
        nb = tool.read(path)
        available = {p.name for p in path.parent.glob("*.ipynb")}
        again = tool.clean(tool.generate(json.loads(json.dumps(nb)), path.name, available))
        assert [c.get("id") for c in again["cells"]] == [c.get("id") for c in nb["cells"]], (
            f"{path.name}: `nav` would move or add cells; run it and commit")


def test_readme_rewrite_needs_its_markers():
    with pytest.raises(ValueError, match="exactly one block"):
        tool.publish_readme("no markers here")
    text = f"a\n{tool.README_BEGIN}\nold badge\n{tool.README_END}\nb"
    assert tool.publish_readme(text) == f"a\n{tool.readme_block()}\nb"


def test_publish_rewrites_every_generated_place(tmp_path, monkeypatch, capsys):
    (tmp_path / "lessons").mkdir()
    tool.write(_lesson(), tmp_path / "lessons" / "00_index.ipynb")
    tool.write(_lesson("# Template\n"), tmp_path / "lessons" / "_template.ipynb")
    (tmp_path / "README.md").write_text(f"# x\n{tool.README_BEGIN}\nold\n{tool.README_END}\n")
    (tmp_path / "CITATION.cff").write_text('cff-version: 1.2.0\nrepository-code: "old"\n')
    monkeypatch.setattr(tool, "README", tmp_path / "README.md")
    monkeypatch.setattr(tool, "CITATION", tmp_path / "CITATION.cff")
    monkeypatch.setattr(tool, "LESSONS_DIR", tmp_path / "lessons")
    monkeypatch.setattr(address, "REPOSITORY", FAKE)
    monkeypatch.setattr(address, "RELEASE", "v2.0")
    assert tool.main(["publish"]) == 0
    assert "placeholder" not in capsys.readouterr().out
    readme = (tmp_path / "README.md").read_text()
    assert "gh/acme-school/bn-course/v2.0" in readme and "old" not in readme
    assert f'repository-code: "{FAKE}"' in (tmp_path / "CITATION.cff").read_text()
    index = tool.read(tmp_path / "lessons" / "00_index.ipynb")
    assert [c["id"] for c in index["cells"]][:2] == ["navigation-top", "t"]
    assert "acme-school/bn-course@v2.0" in index["cells"][3]["source"]
    template = tool.read(tmp_path / "lessons" / "_template.ipynb")
    assert [c["id"] for c in template["cells"]] == ["t", *tool.LAUNCH_IDS, "c"]   # no navigation


# -- the install cell runs pip only where bnteach is missing ----------------------------------

class _FakeShell:
    def __init__(self):
        self.magics = []

    def run_line_magic(self, name, line, _stack_depth=1):
        self.magics.append((name, line))


def _run_install_cell(monkeypatch, *, installed):
    transform = pytest.importorskip("IPython.core.inputtransformer2").TransformerManager()
    code = transform.transform_cell(tool.launch_code())
    if not installed:
        monkeypatch.setitem(sys.modules, "bnteach", None)   # makes `import bnteach` fail
    shell = _FakeShell()
    exec(compile(code, "<install cell>", "exec"), {"get_ipython": lambda: shell})
    return shell.magics


def test_install_cell_does_nothing_where_the_course_is_installed(monkeypatch):
    assert _run_install_cell(monkeypatch, installed=True) == []


def test_install_cell_installs_from_the_release_where_bnteach_is_missing(monkeypatch):
    magics = _run_install_cell(monkeypatch, installed=False)
    assert magics == [("pip", f'install --quiet "{address.pip_requirement()}"')]


# -- the tool runs as a script from any directory ---------------------------------------------

def test_the_tool_runs_as_a_script_from_any_directory(tmp_path):
    """``python tools/notebooks.py`` finds its lessons and ``tools.address`` from anywhere."""
    lesson = tmp_path / "01_linear_networks.ipynb"
    shutil.copy(ROOT / "lessons" / lesson.name, lesson)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "notebooks.py"), "clean",
                          str(lesson)], capture_output=True, text=True, cwd=tmp_path, env=env,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"clean: {lesson.name}\n"
    assert lesson.read_bytes() == (ROOT / "lessons" / lesson.name).read_bytes()
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "notebooks.py"), "--help"],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert out.returncode == 0 and out.stdout.startswith("usage: python tools/notebooks.py")
    for command in ("clean", "nav", "bless", "publish", "add-exercise"):   # each one described
        assert f"\n  {command} " in out.stdout, command
