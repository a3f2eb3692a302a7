"""Tests for ``python tools/build_site.py DEST``: the course as a static HTML site.

The builder is a repository tool (``tools/``, never in the wheel); it uses
``bnteach.cli.copy_lessons``, and nothing in ``bnteach`` imports it. Building needs
nbconvert, nbclient and latex2mathml (the test extra has them; ``pip install -e '.[site]'``
for the site alone): without them these tests skip.

What a reader gets, checked here on small lessons and, in the slow test, on the course:
math typeset as MathML (no TeX left in the prose), no page loading anything from the
network, no launch badges or install cells, exercise stubs shown as stubs with a note
instead of "pending" and ``False``, explorers as a snapshot of their first view with
their text, and an index with every lesson's title, description and learner time.
"""

import html
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
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


HEADER = ("# Draw a line\n\n**What you'll do:** draw one line and measure $\\lVert x \\rVert^2$.\n\n"
          "**What you'll learn:**\n- how a line is drawn;\n- why $\\mathbb E\\,X = 0$.\n\n"
          "**Estimated time:** learner ~5 min · run-all ~1 s on 2 CPUs.\n\n"
          "Back to the [map](00_index.ipynb).")
CHECKER = ("import types\n"
           "def _check(fn):\n"
           "    print('Exercise 1.2 (draw the line) is', 'pending: your function still raises')\n"
           "    return False\n"
           "exercises = types.SimpleNamespace(check_line=_check,\n"
           "                                  summary=lambda *a: print('Exercises: %d of 1 passed' % 0))")
STUB = ("def line(x):\n    # Hint: a straight line through 0.\n"
        "    raise NotImplementedError(\"Exercise 1.2: draw the line\")")
MATH = ("The map $x \\mapsto \\tfrac{1}{n}\\sum_i x_i$ and, displayed,\n"
        "$$\\mathbf 1^\\top G \\mathbf 1 = \\Big\\lVert \\sum_i x_i \\Big\\rVert^2 .$$")


@pytest.fixture
def site_source(tmp_path):
    """Two small lessons: a figure, an explorer, exercise stubs, math, launch and solution
    cells, a link; plus a template."""
    src = tmp_path / "lessons"
    (src / "solutions").mkdir(parents=True)
    _write_nb(src / "00_index.ipynb", [_cell("markdown", "# Course map\n\n[Lesson 1](01_demo.ipynb)"),
                                       _cell("code", "print('index ran')")])
    _write_nb(src / "01_demo.ipynb", [
        _cell("markdown", HEADER),
        _cell("markdown", "[![Open in Colab](https://colab.example/badge.svg)](https://colab.example)",
              ["launch"]),
        _cell("code", "print('installing the course')", ["launch"]),
        _cell("markdown", MATH),
        _cell("code", "# NBVAL_CHECK_OUTPUT\n" + FIGURE),
        _cell("code", 'raise NotImplementedError("Exercise 1.1: a stub")', ["raises-exception"]),
        _cell("code", EXPLORER),
        _cell("code", CHECKER),
        _cell("code", STUB, ["raises-exception"]),
        _cell("code", "exercises.check_line(line)"),
        _cell("code", "print('THE SOLUTION')", ["hide-cell", "solution"]),
        _cell("code", 'exercises.summary("01")'),
    ])
    _write_nb(src / "_template.ipynb", [_cell("markdown", "# Template"),
                                        _cell("code", "raise RuntimeError('never built')")])
    return src


def _images(page):
    return page.count('src="data:image/png;base64,')


class _Loads(HTMLParser):
    """What a page would load: src of script/img/iframe/..., href of <link>."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if tag in ("script", "img", "iframe", "embed", "source", "audio", "video", "input") \
                and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "object" and attrs.get("data"):
            self.urls.append(attrs["data"])


def remote_loads(page: str) -> list[str]:
    """Every URL the page would fetch from a network (anything but data: and relative)."""
    parser = _Loads()
    parser.feed(page)
    css = re.findall(r"url\(\s*['\"]?([^'\")]+)", page) + re.findall(r"@import\s+['\"]([^'\"]+)", page)
    return [u for u in parser.urls + css if re.match(r"(?i)^(https?:)?//|^[a-z]+://", u)
            and not u.startswith("file:")]


def prose_text(page: str) -> str:
    """The page's text outside code, outputs and typeset math."""
    page = re.sub(r"(?s)<(pre|code|math|style|script)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def raw_tex(page: str) -> list[str]:
    """TeX left untypeset in the prose: $...$, $$...$$ or a backslash command."""
    text = prose_text(page)
    return re.findall(r"\$[^$\n]+\$", text) + re.findall(r"\\[A-Za-z]{2,}", text)


def _site_deps():
    pytest.importorskip("nbconvert")
    pytest.importorskip("nbclient")
    pytest.importorskip("latex2mathml", reason="the site's math needs latex2mathml "
                        "(pip install -e '.[site]')")


def test_build_html_writes_an_index_and_a_page_per_lesson(tmp_path, site_source, capsys):
    _site_deps()
    dest = tmp_path / "site"
    code = build_site.main([str(dest)], source=site_source)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert sorted(p.name for p in dest.iterdir()) == ["00_index.html", "01_demo.html",
                                                     "index.html", "site.css"]
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

    # what a reader should see
    for page in (index, lesson, (dest / "00_index.html").read_text()):
        assert remote_loads(page) == [] and "<script" not in page
        assert re.findall(r"<link[^>]*>", page) == ['<link href="site.css" rel="stylesheet"/>'] \
            or re.findall(r"<link[^>]*>", page) == ['<link rel="stylesheet" href="site.css">']
    assert lesson.count("<math") == 4 and raw_tex(lesson) == [], raw_tex(lesson)
    assert 'display="block"' in lesson and "\U0001d53c" in lesson     # $$...$$, \mathbb E
    assert "colab.example" not in lesson and "installing the course" not in lesson
    assert "THE SOLUTION" not in lesson and "0 of 1 passed" not in lesson
    assert "is pending" not in lesson and not re.search(r">\s*(False|True)\s*</pre>", lesson)
    assert "Out[" not in lesson and "NBVAL_" not in lesson
    assert "Hint: a straight line through 0." in lesson                # the stub, with its hint
    assert "Exercise 1.2: draw the line" in lesson
    assert "Exercise 1.2, your turn:" in lesson and "celltag_exercise-stub" in lesson
    alts = re.findall(r'<img alt="([^"]*)"', lesson)                # every figure described
    assert len(alts) == 2 and "x is 3" in alts[1] and "No description" not in lesson
    # the course map: title, description (with its math typeset) and time of each lesson
    assert "Learner time: ~5 min" in index and "Draw one line and measure" in index
    assert "how a line is drawn" in index and raw_tex(index) == []
    assert index.index("00_index.html") < index.index("01_demo.html")


def test_build_html_fails_on_an_error_outside_a_stub(tmp_path, site_source, capsys):
    _site_deps()
    _write_nb(site_source / "02_broken.ipynb", [_cell("markdown", "# Break"),
                                                _cell("code", "1 / 0")])
    code = build_site.main([str(tmp_path / "site")], source=site_source)
    _, err = capsys.readouterr()
    assert code == 1
    assert "02_broken.ipynb: a cell failed" in err and "ZeroDivisionError" in err


def test_tex_becomes_mathml_that_browsers_show():
    pytest.importorskip("latex2mathml")
    inline = build_site.tex_to_mathml(r"\mathbb E\,\lVert x\rVert^2 \le \mathbf 1")
    assert inline.startswith("<math ") and 'display="inline"' in inline
    assert "\U0001d53c" in inline and "\U0001d7cf" in inline   # styled letters as Unicode
    assert 'mathvariant="double-struck"' not in inline          # (ignored by MathML Core)
    assert '<mo stretchy="false">&#x02016;</mo>' in inline      # \lVert: a fixed-size fence
    assert 'alttext="\\mathbb E' in inline                      # the TeX, for screen readers
    big = build_site.tex_to_mathml(r"\Big\lVert \texttt{bn.simplex\_cosine} \Big\rVert", display=True)
    assert 'display="block"' in big and "\\lVert" not in big.split("alttext")[0] + big.split('">', 1)[1]
    assert "bn.simplex_cosine" in big
    assert '<mi>cos</mi><mspace width="0.1667em"></mspace><mi>' in build_site.tex_to_mathml(
        r"\cos\theta")
    normed = build_site.tex_to_mathml(r"\Big\lVert x \Big\rVert_F")   # a sized fence with a script
    assert "<msub><mo" not in normed and normed.count('minsize="1.623em"') == 2
    with pytest.raises(ValueError, match="formula"):
        build_site.tex_to_mathml(r"\frac{1}{")


def test_the_course_map_reads_each_lessons_header():
    nb = {"cells": [{"cell_type": "markdown", "source": HEADER, "metadata": {}}]}
    head = build_site.lesson_header(nb, "01_demo")
    assert head["title"] == "Draw a line" and head["time"] == "~5 min"
    assert head["description"].startswith("draw one line")
    assert "how a line is drawn" in head["objectives"]
    plain = {"cells": [{"cell_type": "markdown", "source": "# Map\n\nFirst words.\n\nMore.",
                        "metadata": {}}]}
    assert build_site.lesson_header(plain, "x") | {"objectives": ""} == {
        "title": "Map", "description": "First words.", "time": None, "objectives": "",
        "needs": ""}


# -- the real course (slow: every lesson is executed, about a minute and a half) ------------

@pytest.fixture(scope="module")
def course_site(tmp_path_factory):
    """The course built once as a site, for the slow tests below."""
    _site_deps()
    dest = tmp_path_factory.mktemp("course-site")
    assert build_site.main([str(dest)]) == 0
    return dest


def _course_lessons():
    src = build_site.LESSONS_DIR
    return sorted(p.name for p in src.iterdir()
                  if p.name.endswith(".ipynb") and not p.name.startswith("_"))


@pytest.mark.slow
def test_build_html_of_the_course(course_site):
    """CI builds the real site (not committed): one page per lesson, every figure in it."""
    src = build_site.LESSONS_DIR
    dest = course_site
    index = (dest / "index.html").read_text()
    for name in _course_lessons():
        stem = name[: -len(".ipynb")]
        page = (dest / f"{stem}.html").read_text()
        assert f'href="{stem}.html"' in index
        figures = sum("plt.show()" in "".join(c["source"]) for c in
                      json.loads((src / name).read_text())["cells"] if c["cell_type"] == "code")
        assert _images(page) >= figures, f"{name}: {figures} figure cells, {_images(page)} images"
        assert "Traceback" not in page or "NotImplementedError" in page


@pytest.mark.slow
def test_the_course_site_is_for_offline_readers(course_site):
    """Math typeset, nothing loaded from the network, no launch cells, no "pending"/False,
    exercise stubs shown with their hint and a note, explorers as their first view."""
    src = build_site.LESSONS_DIR
    for name in _course_lessons():
        stem = name[: -len(".ipynb")]
        page = (course_site / f"{stem}.html").read_text()
        cells = json.loads((src / name).read_text())["cells"]
        sources = ["".join(c["source"]) for c in cells]
        assert remote_loads(page) == [], f"{name} loads {remote_loads(page)}"
        assert "<script" not in page and 'href="site.css"' in page
        has_math = any("$" in s for c, s in zip(cells, sources) if c["cell_type"] == "markdown")
        assert ("<math" in page) == has_math, name
        assert raw_tex(page) == [], f"{name}: TeX left in the prose: {raw_tex(page)[:5]}"
        assert "OWNER" not in page and "colab-badge" not in page and "%pip" not in page
        assert "Out[" not in page and "is pending" not in page and "NBVAL_" not in page
        assert not re.search(r">\s*(False|True)\s*</pre>", page), f"{name}: a bare False/True"
        stubs = [m.group(1) for s in sources
                 for m in re.finditer(r'raise NotImplementedError\("(Exercise [\d.]+)', s)]
        for exercise in stubs:
            assert f"{exercise}, your turn:" in page, f"{name}: no note for {exercise}"
        assert page.count("celltag_exercise-stub") == len(stubs)
        explorers = sum(bool(re.search(r"\bbw\.\w+\(", s)) and "NBVAL_IGNORE_OUTPUT" in s
                        for s in sources)
        views = re.split(r'<div[^>]*class="jp-Cell ', page)
        snapshots = [v for v in views if "static snapshot of its first view" in v]
        assert len(snapshots) == explorers, f"{name}: {len(snapshots)} of {explorers} explorers"
        for view in snapshots:   # the first view's figure and its one-line text summary
            assert 'src="data:image/png;base64,' in view and re.search(r"<pre>\s*\S", view)


@pytest.mark.slow
def test_the_course_map_lists_every_lesson_with_its_time(course_site):
    from tools.notebooks import LESSONS
    index = (course_site / "index.html").read_text()
    assert remote_loads(index) == [] and raw_tex(index) == []
    positions = []
    for name, _ in LESSONS:
        cells = json.loads((build_site.LESSONS_DIR / name).read_text())["cells"]
        header = next("".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
                      and re.search(r"(?m)^# ", "".join(c["source"])))
        title = re.search(r"(?m)^# (.+)$", header).group(1).strip()
        link = f'href="{name[:-len(".ipynb")]}.html">{html.escape(title, quote=False)}</a>'
        assert link in index, f"the course map lacks {name}"
        positions.append(index.index(link))
        time = re.search(r"\*\*Estimated time:\*\*\s*learner:?\s*(.+?)\s*·", header)
        if name != "00_index.ipynb":
            assert time, f"{name} states no learner time"
        if time:
            assert f"Learner time: {html.escape(time.group(1), quote=False)}" in index, name
    assert positions == sorted(positions), "the course map follows LESSONS"


@pytest.mark.slow
@pytest.mark.browser
def test_the_course_site_renders_in_chromium_with_the_network_off(course_site, tmp_path):
    """Headless Chromium, every non-file request refused: nothing is even asked for, and the
    math is laid out as MathML (boxes of non-zero size), on the index and lesson 4."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    refused = []

    def route(request_route):
        if request_route.request.url.startswith(("file:", "data:")):
            request_route.continue_()
        else:
            refused.append(request_route.request.url)
            request_route.abort()

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium,
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.route("**/*", route)
            for name in ("index.html", "04_clustering.html"):
                page.goto((course_site / name).as_uri())
                page.wait_for_load_state("load")
                sizes = page.eval_on_selector_all(
                    "math", "els => els.map(e => e.getBoundingClientRect().height)")
                assert sizes and min(sizes) > 0, f"{name}: math not laid out"
                assert page.locator("link[rel=stylesheet]").count() == 1
                page.screenshot(path=str(tmp_path / f"{name}.png"))
        finally:
            browser.close()
    assert refused == [], f"the site asked the network for {refused}"


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
