"""Exercise progress that survives a kernel restart, kept in the learner's workspace only.

A workspace is the folder ``bnteach copy-lessons`` creates; it is recognised by its
manifest (``.bnteach-workspace.json``, :data:`bnteach.workspace.MANIFEST`) in the
kernel's working directory or one of its parents. There, every check records its
result in :data:`PROGRESS_FILE`, and :func:`load` reads the earlier sessions'
results back. Anywhere else (the course's repository, the tests, an installed
package) nothing is written and nothing is read: the course's files never change.
This module uses the standard library only.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

__all__ = ["PROGRESS_FILE", "WORKSPACE_MANIFEST", "workspace_root", "load", "record"]

#: The workspace's manifest (the same name as :data:`bnteach.workspace.MANIFEST`, which
#: this layer may not import; a test keeps the two equal).
WORKSPACE_MANIFEST = ".bnteach-workspace.json"
#: Where the results are kept, in the workspace's root (hidden, like the manifest).
PROGRESS_FILE = ".bnteach-progress.json"


def workspace_root(start=None) -> Path | None:
    """The workspace holding ``start`` (default: the working directory), or None.

    Parameters
    ----------
    start : str or Path, optional
        Where to look from; default: the working directory (the notebook's folder).

    Returns
    -------
    Path or None
        The folder holding the manifest, ``start`` or one of its parents.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     print(workspace_root(tmp))
    None
    """
    here = Path(start if start is not None else os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / WORKSPACE_MANIFEST).is_file():
            return folder
    return None


def load(start=None) -> dict[str, dict]:
    """The recorded results, exercise name -> ``{"state": ..., "time": ...}``; {} outside a workspace.

    An unreadable or malformed file counts as empty: progress is a convenience,
    never a reason for a check to fail.

    Parameters
    ----------
    start : str or Path, optional
        Where to look from; default: the working directory (the notebook's folder).

    Returns
    -------
    dict of str to dict
        Exercise name -> its last recorded state and time.
    """
    root = workspace_root(start)
    if root is None:
        return {}
    try:
        data = json.loads((root / PROGRESS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    results = data.get("results") if isinstance(data, dict) else None
    return {k: v for k, v in (results or {}).items()
            if isinstance(v, dict) and isinstance(v.get("state"), str)}


def record(name: str, state: str, start=None) -> Path | None:
    """Record ``state`` for exercise ``name`` in the workspace; returns the file, or None.

    Outside a workspace, or where the file cannot be written, it does nothing.

    Parameters
    ----------
    name : str
        The exercise, e.g. ``"rescale"``.
    state : str
        ``"passed"``, ``"failed"`` or ``"pending"``.
    start : str or Path, optional
        Where to look for the workspace from; default: the working directory.

    Returns
    -------
    Path or None
        The progress file written, or None where nothing was written.
    """
    root = workspace_root(start)
    if root is None:
        return None
    results = load(root)
    results[name] = {"state": state, "time": time.strftime("%Y-%m-%d %H:%M")}
    path, tmp = root / PROGRESS_FILE, root / (PROGRESS_FILE + ".tmp")
    try:
        tmp.write_text(json.dumps({"results": results}, indent=1, sort_keys=True) + "\n",
                       encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        return None
    return path
