"""The static site's pages as a reader sees them: lessons prepared, and the course map.

Used by ``tools/build_site.py`` (see its docstring for the decisions): what is left out
of an executed lesson (launch and solution cells, "pending" and ``False``), what each
lesson's header says (title, description, objectives, learner time), and the index page.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

__all__ = ["notebook_title", "prepare_for_site", "lesson_header", "course_order",
           "index_page", "link_pages", "SITE_NAME", "SITE_NOTE", "SITE_FOOTER"]

SITE_NAME = "bnteach · batch normalization, taken apart"
SITE_NOTE = "the lessons, run once, for reading offline"
SITE_FOOTER = ("Built from the course's notebooks by tools/build_site.py. Prose CC-BY-4.0, "
               "code BSD-3-Clause.")


def notebook_title(nb: dict, default: str) -> str:
    """The text of the notebook's first ``# `` heading."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            match = re.search(r"(?m)^# (.+)$", source)
            if match:
                return match.group(1).strip()
    return default


# -- what a reader sees: the notebook prepared for the site -------------------------------------

_NBVAL_MARK = re.compile(r"(?m)^[ \t]*# NBVAL_[A-Z_]+\b.*\n?")
_STUB = re.compile(r"""raise NotImplementedError\(\s*["'](Exercise \d+\.\d+)[:.]?\s*([^"']*)["']""")
_CHECK = re.compile(r"\bexercises\.check_\w+\(\s*(\w+)")
_SUMMARY = re.compile(r"^\s*(bn\.)?exercises\.summary\([^)]*\)\s*$")
EXERCISE_NOTE = ("**{exercise}, your turn:** write `{name}` in the notebook. There this cell "
                 "checks your function on its own inputs and, if something is off, says what "
                 "to fix.")


def prepare_for_site(nb) -> None:
    """Turn an executed lesson into what a reader of the site should see, in place.

    * the launch cells (Colab/Binder badges, the guarded install cell, tagged ``launch``)
      and the hidden solution cells (tagged ``solution``) are dropped, and so is the
      closing ``exercises.summary()`` cell (a learner's progress, all "pending" here);
    * an exercise's check cell (``bn.exercises.check_<name>(<name>)``) loses its
      "pending" line and ``False`` result: it says instead that the stub above is the
      reader's to write, in the notebook; the stub keeps its hint (comments and the
      ``NotImplementedError`` message) and is tagged ``exercise-stub`` for the style;
    * the nbval markers (``# NBVAL_CHECK_OUTPUT``...) leave the code shown.
    """
    kept, exercise = [], None
    _describe_figures(nb["cells"])
    for cell in nb["cells"]:
        tags = set(cell.get("metadata", {}).get("tags", []))
        source = _source(cell)
        if tags & {"launch", "solution"} or cell.get("id", "").startswith("launch-"):
            continue
        if cell["cell_type"] == "code":
            if _SUMMARY.match(source):
                continue
            stub = _STUB.search(source)
            if stub:
                exercise = stub.group(1)
                cell.setdefault("metadata", {}).setdefault("tags", []).append("exercise-stub")
            check = _CHECK.search(source)
            if check:
                note = EXERCISE_NOTE.format(exercise=exercise or "Exercise", name=check.group(1))
                cell["outputs"] = [
                    out for out in cell.get("outputs", [])
                    if out.get("output_type") not in ("execute_result", "stream")
                ] + [{"output_type": "display_data", "metadata": {},
                      "data": {"text/markdown": note, "text/plain": note}}]
                cell.setdefault("metadata", {}).setdefault("tags", []).append("exercise-check")
                exercise = None
            cell["source"] = _NBVAL_MARK.sub("", source)
            cell["outputs"] = _merged_streams(cell.get("outputs", []))
        kept.append(cell)
    nb["cells"] = kept


_CAPTION = re.compile(r"^\*Figure:\s*(.+?)\*\s*$", re.S)


def _describe_figures(cells) -> None:
    """Alt text for each figure: the caption under it (a markdown cell "*Figure: ...*"),
    else the text printed after it in the same cell (an explorer's one-line summary)."""
    for i, cell in enumerate(cells):
        outputs = cell.get("outputs", []) if cell["cell_type"] == "code" else []
        following = cells[i + 1] if i + 1 < len(cells) else None
        caption = None
        if following is not None and following["cell_type"] == "markdown":
            found = _CAPTION.match(_source(following).strip().split("\n\n")[0])
            caption = found and found.group(1)
        for k, out in enumerate(outputs):
            if "image/png" not in out.get("data", {}):
                continue
            text = next((_text(o.get("text", "")) for o in outputs[k + 1:]
                         if o.get("output_type") == "stream"), None)
            alt = caption or (text and text.strip())
            if alt:
                alt = re.sub(r"\s+", " ", alt.replace("$", "")).strip()
                out.setdefault("metadata", {})["site_alt"] = alt


def _merged_streams(outputs: list) -> list:
    """Consecutive stdout (or stderr) chunks as one output: one block of printed text."""
    merged = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and prev is not None
                and prev.get("output_type") == "stream" and prev.get("name") == out.get("name")):
            prev["text"] = _text(prev["text"]) + _text(out["text"])
        else:
            merged.append(out)
    return merged


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


def _source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


# -- the course map: what each lesson's header says ---------------------------------------------

_FIELD = re.compile(r"\*\*(What you'll do|What you'll learn|What you'll need|Estimated time):\*\*")


def lesson_header(nb, default_title: str) -> dict:
    """Title, description, objectives and learner time, as the lesson's header states them.

    The header is the markdown cell with the ``# `` title. Each field is a paragraph
    starting with ``**What you'll do:**``, ``**What you'll learn:**`` or ``**Estimated
    time:**`` (course-standards M12). The description is "What you'll do" (else the
    first paragraph after the title); the time is the learner part of "Estimated time"
    (``~45 min``), or None when the lesson states none.
    """
    header = next((_source(c) for c in nb["cells"] if c["cell_type"] == "markdown"
                   and re.search(r"(?m)^# ", _source(c))), "")
    title = notebook_title(nb, default_title)
    body = re.split(r"(?m)^# .*$", header, maxsplit=1)[-1].strip()
    fields = {}
    for m in _FIELD.finditer(body):
        rest = body[m.end():]
        fields[m.group(1)] = re.split(r"\n\s*\n", rest, maxsplit=1)[0].strip()
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    description = fields.get("What you'll do") or (paragraphs[0] if paragraphs else "")
    time = None
    if "Estimated time" in fields:
        m = re.search(r"learner\s*:?\s*(.+?)\s*(?:·|$)", fields["Estimated time"])
        time = m.group(1).rstrip(".") if m else fields["Estimated time"]
    return {"title": title, "description": description, "time": time,
            "objectives": fields.get("What you'll learn", ""),
            "needs": fields.get("What you'll need", "")}


def link_pages(page: str, names: set[str]) -> str:
    """Point links between lessons at their HTML pages."""
    return re.sub(r'href="([\w.-]+)\.ipynb(#[^"]*)?"',
                  lambda m: (f'href="{m.group(1)}.html{m.group(2) or ""}"'
                             if m.group(1) in names else m.group(0)), page)


def course_order(paths: list[Path]) -> list[Path]:
    """The lessons in the course order (``LESSONS`` in tools/notebooks.py), others after."""
    from tools.notebooks import LESSONS
    rank = {name: i for i, (name, _) in enumerate(LESSONS)}
    return sorted(paths, key=lambda p: (rank.get(p.name, len(rank)), p.name))


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _kicker(stem: str) -> str:
    number = re.match(r"(\d+)_", stem)
    if number is None:
        return "Lesson"
    return "Start here" if int(number.group(1)) == 0 else f"Lesson {int(number.group(1))}"


def index_page(cards: list[dict], markdown, names: set[str]) -> str:
    items = []
    for card in cards:
        stem, head = card["stem"], card["header"]
        time = (f'<span class="time">Learner time: {html.escape(head["time"])}</span>'
                if head["time"] else "")
        learn = (f'<details><summary>What you will learn</summary>'
                 f'{markdown(head["objectives"])}</details>' if head["objectives"] else "")
        items.append(f"""  <li class="card">
    <p class="kicker">{html.escape(_kicker(stem))}{time}</p>
    <h2><a href="{html.escape(stem)}.html">{html.escape(head["title"])}</a></h2>
    <div class="what">{markdown(_capitalized(head["description"]))}</div>
    {learn}
  </li>""")
    items = "\n".join(items)
    return link_pages(f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(SITE_NAME)}: the course map</title>
<link rel="stylesheet" href="site.css">
</head>
<body class="site-index">
<header class="site-bar"><a href="index.html">{html.escape(SITE_NAME)}</a><span class="site-bar-note">{html.escape(SITE_NOTE)}</span></header>
<main>
  <h1>What batch normalization does to a deep network at initialization</h1>
  <p class="lead">A Jupyter course in small simulations: take a batch-norm layer apart into
  recentering, rescaling and the non-linearity, add them one at a time, and watch what each
  does to the geometry of a batch.</p>
  <p>These pages are the lessons run once, for reading: their figures, printed results and
  mathematics, with nothing to install and no network needed. The exercises are left for you
  to write and the interactive explorers are shown as a snapshot of their first view: to run
  the lessons, do the exercises and move the explorers, open the notebooks in JupyterLab, on
  Binder or on Colab (see the course's README).</p>
  <h2 class="map-title">The course map</h2>
  <ol class="cards">
{items}
  </ol>
</main>
<footer class="site-footer">{html.escape(SITE_FOOTER)}</footer>
</body>
</html>
""", names)
