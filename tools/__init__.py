"""The repository's maintenance tools: never packaged, never needed to follow the lessons.

Run each from any directory as a script (``python tools/notebooks.py nav``,
``python tools/build_site.py DEST``); tests import them as ``tools.<name>``
(``pyproject.toml`` puts the repository root on pytest's ``pythonpath``).

* ``address``: the repository address and release tag, set in this one place;
* ``notebooks``: ``clean``, ``nav``, ``bless``, ``publish``, and ``LESSONS``, the course order;
* ``build_site``: the lessons, executed, as a static HTML site.

Imports go one way: the tools may import ``bnteach``; nothing in ``bnteach`` imports them
(``tests/test_architecture.py`` checks it). Each script puts the repository root first on
``sys.path`` when run directly, so ``tools`` and the checkout's ``bnteach`` are the ones found.
"""
