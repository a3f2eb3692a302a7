"""Tests for ``python tools/build_site.py DEST``: the course as a static HTML site.

The builder is a repository tool (``tools/``, never in the wheel); it uses
``bnteach.cli.copy_lessons``, and nothing in ``bnteach`` imports it.
"""

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools import build_site

ROOT = Path(__file__).resolve().parents[1]

_IDS = itertools.count()


def _cell(kind, source, tags=()):
    cell = {"cell_type": kind, "id": f"c{next(_IDS)}", "source": source,
            "metadata": {"tags": list(tags)} if tags else {}}
    if kind == "code":
        cell.update(outputs=[], execution_count=None)
    return cell


def _write_nb(path, cells):
    path.write_text(json.dumps({"cells": cells, "nbformat": 4, "nbformat_minor": 5, "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}))


FIGURE = ("import matplotlib.pyplot as plt\n"
          "fig, ax = plt.subplots()\nax.plot([0, 1], [1, 0])\nplt.show()")
EXPLORER = ("import ipywidgets as widgets\nimport matplotlib.pyplot as plt\n"
            "def show(x):\n    plt.plot(range(x)); plt.show(); print(f'x is {x}')\n"
            "widgets.interactive(show, x=widgets.IntSlider(3, min=1, max=9, description='x'))")


@pytest.fixture
def site_source(tmp_path):
    """Two small lessons: a figure, an explorer, an exercise stub, a link; plus a template."""
    src = tmp_path / "lessons"
    (src / "solutions").mkdir(parents=True)
    _write_nb(src / "00_index.ipynb", [_cell("markdown", "# Course map\n\n[Lesson 1](01_demo.ipynb)"),
                                       _cell("code", "print('index ran')")])
    _write_nb(src / "01_demo.ipynb", [
        _cell("markdown", "# Draw a line\n\nBack to the [map](00_index.ipynb)."),
        _cell("code", FIGURE),
        _cell("code", 'raise NotImplementedError("Exercise 1.1: a stub")', ["raises-exception"]),
        _cell("code", EXPLORER),
    ])
    _write_nb(src / "_template.ipynb", [_cell("markdown", "# Template"),
                                        _cell("code", "raise RuntimeError('never built')")])
    return src


def _images(page):
    return page.count('src="data:image/png;base64,')


def test_build_html_writes_an_index_and_a_page_per_lesson(tmp_path, site_source, capsys):
    pytest.importorskip("nbconvert")
    pytest.importorskip("nbclient")
    dest = tmp_path / "site"
    code = build_site.main([str(dest)], source=site_source)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert sorted(p.name for p in dest.iterdir()) == ["00_index.html", "01_demo.html", "index.html"]
    index = (dest / "index.html").read_text()
    assert 'href="00_index.html">Course map<' in index and 'href="01_demo.html">Draw a line<' in index
    lesson = (dest / "01_demo.html").read_text()
    assert _images(lesson) == 2                                    # the figure + the explorer's
    assert "NotImplementedError" in lesson and "Exercise 1.1: a stub" in lesson
    assert "static snapshot" in lesson and "controls start at: x: 3" in lesson
    assert "x is 3" in lesson                                      # the explorer's text output
    assert "widget-state+json" not in lesson                       # no widget JavaScript
    assert 'href="00_index.html"' in lesson and "00_index.ipynb" not in lesson
    assert 'href="01_demo.html"' in (dest / "00_index.html").read_text()
    assert "2 lessons built" in out


def test_build_html_fails_on_an_error_outside_a_stub(tmp_path, site_source, capsys):
    pytest.importorskip("nbconvert")
    _write_nb(site_source / "02_broken.ipynb", [_cell("markdown", "# Break"),
                                                _cell("code", "1 / 0")])
    code = build_site.main([str(tmp_path / "site")], source=site_source)
    _, err = capsys.readouterr()
    assert code == 1
    assert "02_broken.ipynb: a cell failed" in err and "ZeroDivisionError" in err


@pytest.mark.slow
def test_build_html_of_the_course(tmp_path):
    """CI builds the real site (not committed): one page per lesson, every figure in it."""
    pytest.importorskip("nbconvert")
    src = build_site.LESSONS_DIR
    lessons = sorted(p.name for p in src.iterdir()
                     if p.name.endswith(".ipynb") and not p.name.startswith("_"))
    dest = tmp_path / "site"
    assert build_site.main([str(dest)]) == 0
    index = (dest / "index.html").read_text()
    for name in lessons:
        stem = name[: -len(".ipynb")]
        page = (dest / f"{stem}.html").read_text()
        assert f'href="{stem}.html"' in index
        figures = sum("plt.show()" in "".join(c["source"]) for c in
                      json.loads((src / name).read_text())["cells"] if c["cell_type"] == "code")
        assert _images(page) >= figures, f"{name}: {figures} figure cells, {_images(page)} images"
        assert "Traceback" not in page or "NotImplementedError" in page


def test_the_builder_runs_as_a_script_from_any_directory(tmp_path):
    """``python tools/build_site.py`` finds tools and bnteach without the tests' path."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "build_site.py"), "--help"],
                         capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: python tools/build_site.py") and "DEST" in out.stdout
    code = ("import runpy; "
            f"runpy.run_path({str(ROOT / 'tools' / 'build_site.py')!r}, run_name='not_main'); "
            "import bnteach; print(bnteach.__file__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=tmp_path, env=env, timeout=120, check=True)
    assert Path(out.stdout.strip()).resolve() == ROOT / "bnteach" / "__init__.py", (
        "run as a script, the site builder must use the checkout's bnteach")


def test_a_missing_lessons_folder_is_an_error_not_a_traceback(tmp_path, capsys):
    code = build_site.main([str(tmp_path / "site")], source=tmp_path / "nowhere")
    _, err = capsys.readouterr()
    assert code == 1 and err.startswith("python tools/build_site.py: error:")
