"""Copy the course into a learner's workspace and bring it up to date, keeping their work.

:func:`copy_lessons` copies the lesson notebooks and their hidden solutions into
a folder and records each file's hash in a manifest there (``MANIFEST``). Run
again after a course update, it copies what is new (or deleted), **updates**
every file the learner has not edited since it was copied, **keeps** every file
they edited (reported when the course has a newer version), and leaves alone a
lesson the course no longer ships. "Edited" means a notebook's cells (types and
sources) or a solution file's bytes changed: running a lesson only adds outputs,
so it still receives course fixes. In a workspace from before the manifest, a
file matching the course's version counts as unedited, any other as edited.
Names starting with ``_`` (the lesson template, for authors) are never copied.
``reset=`` puts back the course's version, moving the learner's copy to a
timestamped backup beside it only if they had edited it.

The lessons ship inside the installed package as ``bnteach._lessons`` (mapped
from the repository's top-level ``lessons/`` in ``pyproject.toml``), so this
works from a non-editable install, as on Binder. The command ``bnteach
copy-lessons`` (:mod:`bnteach.cli`) and the repository's site builder
(``python tools/build_site.py DEST``) both use it.

Standard library only: no matplotlib, ipywidgets, nbclient or nbconvert.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath, PureWindowsPath

__all__ = ["CopyError", "CopyReport", "LessonNameError", "copy_lessons", "lessons_source"]

SOLUTIONS_DIR = "solutions"
#: Texts the lessons cite, copied beside them (so a learner can open what a lesson names).
SHIPPED_TEXTS = ("SOURCES.md",)
"""Sub-directory of the lessons holding the hidden solutions (``*.py``)."""

MANIFEST = ".bnteach-workspace.json"
"""The record of what was copied, in the workspace (hidden: JupyterLab does not list it)."""


class LessonNameError(ValueError):
    """A lesson name that is unsafe (``..``, absolute) or not in the course."""


class CopyError(RuntimeError):
    """The lessons could not be found or the destination is unusable."""


@dataclass
class CopyReport:
    """What :func:`copy_lessons` did; paths are relative to ``dest``, with ``/``.

    Attributes
    ----------
    dest : Path
        The workspace.
    copied, updated, reset, kept, differ, edited, unchanged, refused : list of str
        Each file the course ships is in one of these lists (see the fields);
        :func:`bnteach.cli.summary` says them in one line.
    retired : list of str
        Recorded as copied, no longer in the course: left alone.
    backups : list of (str, str)
        ``(lesson, backup)`` for each reset lesson that the learner had edited.
    """

    dest: Path
    copied: list[str] = field(default_factory=list)     # new here (or deleted by the learner)
    updated: list[str] = field(default_factory=list)    # not edited; the course's new version
    reset: list[str] = field(default_factory=list)      # the course's version, as asked
    kept: list[str] = field(default_factory=list)       # edited, and the course changed them
    differ: list[str] = field(default_factory=list)     # no record, not the course's version
    edited: list[str] = field(default_factory=list)     # edited; the course has not changed them
    unchanged: list[str] = field(default_factory=list)  # already the course's version
    refused: list[str] = field(default_factory=list)    # folder leads outside the workspace
    retired: list[str] = field(default_factory=list)
    backups: list[tuple[str, str]] = field(default_factory=list)


def lessons_source():
    """Return the directory holding the course's lessons, as a Traversable.

    An installed package has them in ``bnteach/_lessons``. In a source
    checkout or an editable install (``pip install -e .``) that sub-package
    cannot be imported (setuptools' editable finder does not serve a
    data-only sub-package mapped from another directory), so the repository's
    ``lessons/`` beside the package is used instead.

    Returns
    -------
    importlib.resources.abc.Traversable
        The folder holding ``NN_name.ipynb`` and ``solutions/``.
    """
    try:
        shipped = resources.files("bnteach._lessons")
        if any(_lesson_files(shipped)):
            return shipped
    except (ModuleNotFoundError, TypeError, ValueError):
        pass
    checkout = Path(__file__).resolve().parent.parent / "lessons"
    if checkout.is_dir():
        return checkout
    raise CopyError(
        "the course lessons were not found in the installed bnteach package. "
        "Reinstall it (pip install --force-reinstall bnteach) or run from the "
        "course repository."
    )


def _lesson_files(source):
    """Yield ``(relative PurePosixPath, Traversable)`` for every file to copy.

    Top-level notebooks, the sources they cite (``SOURCES.md``) and
    ``solutions/*.py``; names starting with ``_`` (the lesson template: for course
    authors), caches, checkpoints and hidden files are left out.
    """
    for entry in sorted(source.iterdir(), key=lambda e: e.name):
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_file() and (entry.name.endswith(".ipynb") or entry.name in SHIPPED_TEXTS):
            yield PurePosixPath(entry.name), entry
        elif entry.is_dir() and entry.name == SOLUTIONS_DIR:
            for sub in sorted(entry.iterdir(), key=lambda e: e.name):
                if (sub.is_file() and sub.name.endswith(".py")
                        and not sub.name.startswith((".", "_"))):
                    yield PurePosixPath(SOLUTIONS_DIR, sub.name), sub


def _check_lesson_name(name, available):
    """The relative path of lesson ``name`` (``.ipynb`` optional). Absolute paths, drives
    and ``..`` are refused before any lookup: a reset never reaches outside the workspace."""
    posix, windows = PurePosixPath(name), PureWindowsPath(name)
    if not windows.parts or windows.parts == (".",):
        raise LessonNameError(
            f"--reset needs a lesson name such as '01_linear_networks.ipynb'; got {name!r}."
        )
    if posix.is_absolute() or windows.is_absolute() or windows.drive:
        raise LessonNameError(
            f"--reset takes a lesson name relative to the workspace, such as "
            f"'01_linear_networks.ipynb'; got {name!r}, an absolute path."
        )
    if ".." in windows.parts:  # PureWindowsPath splits on both / and \
        raise LessonNameError(
            f"--reset takes a lesson name inside the workspace; got {name!r}, which "
            f"contains '..'. Use a name such as '01_linear_networks.ipynb'."
        )
    rel = PurePosixPath(*windows.parts)
    for candidate in (rel, rel.with_name(rel.name + ".ipynb")):
        if candidate in available:
            return candidate
    lessons = [str(p) for p in available if p.suffix == ".ipynb"]
    raise LessonNameError(f"there is no lesson named {name!r}.{_did_you_mean(rel, lessons)} "
                          f"The lessons are: {', '.join(lessons)}.")


def _did_you_mean(rel, notebooks) -> str:
    """A hint for a near miss: a path ending in a lesson's name (tab completion), or a typo."""
    tails = (str(PurePosixPath(*rel.parts[i:])) for i in range(1, len(rel.parts)))
    for tail in (t + ext for t in tails for ext in ("", ".ipynb")):
        if tail in notebooks:
            return f" Did you mean {tail!r}? --reset takes the name relative to the workspace."
    close = difflib.get_close_matches(str(rel), notebooks, n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


def _backup_name(target, stamp):
    """``01_x.ipynb`` -> ``01_x.backup-20260101-120000.ipynb`` (``-2``, … if taken)."""
    stem, suffix = target.stem, target.suffix
    backup, k = target.with_name(f"{stem}.backup-{stamp}{suffix}"), 2
    while backup.exists() or backup.is_symlink():
        backup, k = target.with_name(f"{stem}.backup-{stamp}-{k}{suffix}"), k + 1
    return backup


def _fingerprint(data, name):
    """A hash of what a learner can edit: a notebook's cell types and sources, else the bytes.

    Outputs, execution counts, cell ids, metadata and JSON layout are left out, so
    running a lesson (and JupyterLab saving it) does not count as editing it.
    """
    if name.endswith(".ipynb"):
        try:
            cells = [(c["cell_type"], "".join(c["source"])) for c in json.loads(data)["cells"]]
        except (ValueError, KeyError, TypeError):
            pass  # not a notebook JupyterLab could open: compare the bytes
        else:
            return "cells:" + hashlib.sha256(json.dumps(cells).encode()).hexdigest()
    return "bytes:" + hashlib.sha256(data).hexdigest()


def _read_manifest(dest):
    """The manifest's ``{path: record}``; empty if missing or unreadable (nothing recorded)."""
    try:
        files = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))["files"]
        return {k: v for k, v in files.items() if isinstance(v.get("sha256"), str)
                and isinstance(v.get("edit"), str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _write(target, data):
    """Write ``data`` to ``target`` through a temporary file beside it, then rename:
    never half a file, and a symlink at ``target`` is replaced, never followed."""
    tmp = target.with_name(f".{target.name}.bnteach-tmp")
    tmp.unlink(missing_ok=True)  # left by an interrupted run (or a link): never written through
    with open(tmp, "xb") as f:
        f.write(data)
    os.replace(tmp, target)


def _state(target, record, shipped, now):
    """The learner's copy: 'missing', 'current', 'behind' (not edited, the course changed
    since), 'edited', or 'unknown' (no record, and not the course's version)."""
    if target.is_symlink() or (target.exists() and not target.is_file()):
        return "edited" if record else "unknown"  # a link or folder put there: never followed
    if not target.exists():
        return "missing"
    theirs = target.read_bytes()
    if theirs == shipped:
        return "current"
    mine = _fingerprint(theirs, target.name)
    if record and mine == record["edit"]:
        return "current" if record["sha256"] == now["sha256"] else "behind"
    if mine == now["edit"]:  # same cells as the course's version, only run
        return "current"
    return "edited" if record else "unknown"


def copy_lessons(dest, *, source=None, reset=()):
    """Copy the lessons into ``dest``, or bring a workspace up to date keeping the learner's edits.

    Parameters
    ----------
    dest : str or Path
        The learner's workspace; created if missing.
    source : Traversable or Path, optional
        Where the lessons are; defaults to :func:`lessons_source` (tests pass a
        directory of fake lessons).
    reset : iterable of str
        Lesson names (``01_linear_networks.ipynb`` or ``solutions/02_ex1.py``;
        the ``.ipynb`` may be omitted) to replace with the course's version. A
        copy the learner edited is first moved to
        ``<stem>.backup-<YYYYmmdd-HHMMSS><suffix>`` beside it.

    Returns
    -------
    CopyReport

    Raises
    ------
    LessonNameError
        A name in ``reset`` is absolute, contains ``..`` or is not a lesson;
        raised before anything is written.
    CopyError
        No lessons in ``source``, or ``dest`` is not a directory.
    """
    source = lessons_source() if source is None else source
    files = dict(_lesson_files(source))
    if not any(rel.suffix == ".ipynb" for rel in files):
        raise CopyError(f"no lesson notebooks (*.ipynb) found in {source}.")
    to_reset = {_check_lesson_name(name, list(files)) for name in reset}

    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise CopyError(f"the workspace {str(dest)!r} exists but is not a directory.")
    dest.mkdir(parents=True, exist_ok=True)
    dest_resolved = dest.resolve()
    report = CopyReport(dest=dest)
    records = _read_manifest(dest)
    stamp = time.strftime("%Y%m%d-%H%M%S")

    for rel, entry in files.items():
        name, target = str(rel), dest / rel
        # A symlinked sub-directory could point elsewhere: never write through it.
        if not target.parent.resolve().is_relative_to(dest_resolved):
            report.refused.append(name)
            continue
        shipped = entry.read_bytes()
        now = {"sha256": hashlib.sha256(shipped).hexdigest(), "edit": _fingerprint(shipped, name)}
        state = _state(target, records.get(name), shipped, now)
        if rel in to_reset:
            if state in ("edited", "unknown"):
                backup = _backup_name(target, stamp)
                os.replace(target, backup)
                report.backups.append((name, backup.relative_to(dest).as_posix()))
            done = report.reset
        else:
            done = {"missing": report.copied, "behind": report.updated,
                    "current": report.unchanged}.get(state)
        if done is None:  # edited: the learner's, never overwritten, its record kept
            if name in records and records[name]["sha256"] == now["sha256"]:
                report.edited.append(name)
            else:
                (report.kept if state == "edited" else report.differ).append(name)
            continue
        if done is not report.unchanged:
            target.parent.mkdir(parents=True, exist_ok=True)
            _write(target, shipped)
        records[name] = now
        done.append(name)

    report.retired = sorted(n for n in records if PurePosixPath(n) not in files
                            and (dest / n).exists())
    manifest = {"about": "what bnteach copy-lessons copied here, to update only files "
                         "you have not edited; deleting it makes every file that differs "
                         "from the course's version count as edited",
                "files": dict(sorted(records.items()))}
    data = (json.dumps(manifest, indent=1) + "\n").encode()
    if not (dest / MANIFEST).is_file() or (dest / MANIFEST).read_bytes() != data:
        _write(dest / MANIFEST, data)
    return report
