"""Copy the course into a learner's workspace, never overwriting their work.

:func:`copy_lessons` copies the lesson notebooks and their hidden solutions into
a folder. It never overwrites a file that already exists there, so re-running it
after a course update adds new lessons without touching a learner's work; the
:class:`CopyReport` lists what it skipped. ``reset=`` first moves the learner's
copy of a lesson to a timestamped backup beside it, then copies a fresh one.

The lessons ship inside the installed package as ``bnteach._lessons`` (mapped
from the repository's top-level ``lessons/`` in ``pyproject.toml``), so this
works from a non-editable install, as on Binder. The command ``bnteach
copy-lessons`` (:mod:`bnteach.cli`) and the repository's site builder
(``python tools/build_site.py DEST``) both use it.

This module uses the standard library only: it must not import matplotlib,
ipywidgets, nbclient or nbconvert.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath, PureWindowsPath

__all__ = ["CopyError", "CopyReport", "LessonNameError", "copy_lessons", "lessons_source"]

SOLUTIONS_DIR = "solutions"
"""Sub-directory of the lessons holding the hidden solutions (``*.py``)."""

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
        The workspace the lessons were copied into.
    copied : list of str
        Files written (new, or reset with ``--reset``).
    skipped : list of str
        Files that were already there and were kept.
    backups : list of (str, str)
        ``(lesson, backup)`` for each reset lesson whose old copy was kept aside.
    """

    dest: Path
    copied: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    backups: list[tuple[str, str]] = field(default_factory=list)  # (lesson, backup)


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

    Top-level notebooks (the ``_template`` ones included) and
    ``solutions/*.py``; caches, checkpoints and hidden files are left out.
    """
    for entry in sorted(source.iterdir(), key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.name.endswith(".ipynb"):
            yield PurePosixPath(entry.name), entry
        elif entry.is_dir() and entry.name == SOLUTIONS_DIR:
            for sub in sorted(entry.iterdir(), key=lambda e: e.name):
                if sub.is_file() and sub.name.endswith(".py") and not sub.name.startswith("."):
                    yield PurePosixPath(SOLUTIONS_DIR, sub.name), sub


def _check_lesson_name(name, available):
    """Return the relative path of lesson ``name``, refusing unsafe names.

    ``name`` may omit the ``.ipynb`` suffix. Absolute paths, drive letters and
    ``..`` components are refused before anything is looked up, so a reset
    can never reach outside the workspace.
    """
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
    notebooks = ", ".join(str(p) for p in available if p.suffix == ".ipynb")
    raise LessonNameError(f"there is no lesson named {name!r}. The lessons are: {notebooks}.")


def _inside(dest_resolved, path):
    """True if ``path`` (following symlinks of existing parts) lies within dest."""
    try:
        Path(path).resolve().relative_to(dest_resolved)
    except ValueError:
        return False
    return True


def _backup_name(target, stamp):
    """``01_x.ipynb`` -> ``01_x.backup-20260101-120000.ipynb`` (``-2``, … if taken)."""
    stem, suffix = target.stem, target.suffix
    backup = target.with_name(f"{stem}.backup-{stamp}{suffix}")
    k = 2
    while backup.exists() or backup.is_symlink():
        backup = target.with_name(f"{stem}.backup-{stamp}-{k}{suffix}")
        k += 1
    return backup


def copy_lessons(dest, *, source=None, reset=()):
    """Copy the lessons into ``dest`` without overwriting anything there.

    Parameters
    ----------
    dest : str or Path
        The learner's workspace; created if missing.
    source : Traversable or Path, optional
        Where the lessons are; defaults to :func:`lessons_source` (tests pass a
        directory of fake lessons).
    reset : iterable of str
        Lesson names (``01_linear_networks.ipynb`` or ``solutions/02_ex1.py``;
        the ``.ipynb`` may be omitted) whose existing copy in ``dest`` is first
        moved to ``<stem>.backup-<YYYYmmdd-HHMMSS><suffix>`` beside it.

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
    to_reset = [_check_lesson_name(name, list(files)) for name in reset]

    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise CopyError(f"the workspace {str(dest)!r} exists but is not a directory.")
    dest.mkdir(parents=True, exist_ok=True)
    dest_resolved = dest.resolve()
    report = CopyReport(dest=dest)

    stamp = time.strftime("%Y%m%d-%H%M%S")
    for rel in dict.fromkeys(to_reset):  # each lesson once, in order
        target = dest / rel
        if not _inside(dest_resolved, target.parent):
            raise CopyError(f"{rel} would be reset outside the workspace; nothing was moved.")
        if target.exists() or target.is_symlink():
            backup = _backup_name(target, stamp)
            os.replace(target, backup)
            report.backups.append((str(rel), backup.relative_to(dest).as_posix()))

    for rel, entry in files.items():
        target = dest / rel
        # A symlinked sub-directory could point elsewhere: never write through it.
        if not _inside(dest_resolved, target.parent):
            report.skipped.append(str(rel))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(target, "xb") as f:  # "x": fails rather than overwrite
                f.write(entry.read_bytes())
        except FileExistsError:
            report.skipped.append(str(rel))
        else:
            report.copied.append(str(rel))
    return report
