"""Where the course is published: the repository address, set in this one place.

Whoever publishes the course sets :data:`REPOSITORY` (the public GitHub address)
and :data:`RELEASE` (the release tag Binder and Colab open), then runs::

    python tools/notebooks.py publish

which rewrites everything derived from them: the Binder badge in ``README.md``
(between its ``launch-badges`` markers), ``repository-code`` in ``CITATION.cff``,
and the generated launch cells of every lesson (the Colab badge and the guarded
install cell, plus the Binder badge in the course index; while ``REPOSITORY`` is the
placeholder, lessons carry no launch cells at all). Nothing else in the
repository may spell the address; ``tests/test_publishing.py`` checks it.

Standard library only. A repository tool (``tools/``), not part of the installed package.
"""

from __future__ import annotations

__all__ = ["REPOSITORY", "RELEASE", "INDEX", "github_slug", "is_placeholder", "binder_url",
           "colab_url", "pip_requirement"]

#: The course's public repository. ``OWNER`` is a placeholder until the course is published.
REPOSITORY = "https://github.com/OWNER/bnteach"

#: The release tag the launch links open: ``v`` + the version in ``pyproject.toml``.
#: Binder builds and caches one image per tag, so a tag (not a branch) launches fast.
RELEASE = "v0.1.0"

#: The notebook Binder opens first, relative to the repository root.
INDEX = "lessons/00_index.ipynb"

_GITHUB = "https://github.com/"


def _current(repository, release=None):
    """Defaults read at call time, so a changed constant is always the one used."""
    return (REPOSITORY if repository is None else repository,
            RELEASE if release is None else release)


def github_slug(repository: str | None = None) -> str:
    """``"owner/name"`` from ``https://github.com/owner/name``."""
    repository, _ = _current(repository)
    if not repository.startswith(_GITHUB) or repository.rstrip("/").count("/") != 4:
        raise ValueError(f"REPOSITORY must look like https://github.com/<owner>/<name>; "
                         f"got {repository!r}.")
    return repository[len(_GITHUB):].rstrip("/")


def is_placeholder(repository: str | None = None) -> bool:
    """True until the publisher has replaced ``OWNER`` with the real owner."""
    return github_slug(repository).split("/")[0] == "OWNER"


def binder_url(repository: str | None = None, release: str | None = None) -> str:
    """The Binder launch link: the release tag, opened in JupyterLab at the course index."""
    repository, release = _current(repository, release)
    return (f"https://mybinder.org/v2/gh/{github_slug(repository)}/{release}"
            f"?urlpath=lab/tree/{INDEX}")


def colab_url(notebook: str, repository: str | None = None, release: str | None = None) -> str:
    """The Colab link of one lesson (``notebook`` is its file name in ``lessons/``)."""
    repository, release = _current(repository, release)
    return (f"https://colab.research.google.com/github/{github_slug(repository)}/blob/"
            f"{release}/lessons/{notebook}")


def pip_requirement(repository: str | None = None, release: str | None = None) -> str:
    """What ``pip install`` takes to install the course package from the release tag."""
    repository, release = _current(repository, release)
    return f"bnteach @ git+{repository.rstrip('/')}@{release}"
