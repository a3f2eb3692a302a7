"""pyproject.toml lists packages explicitly (to map lessons/ into bnteach._lessons):
check that every sub-package of bnteach is listed, so none is left out of a wheel."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is new in Python 3.11")
def test_every_subpackage_is_listed_in_pyproject():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "bnteach").rglob("__init__.py")
    }
    listed = set(config["packages"])
    assert on_disk <= listed, f"add {sorted(on_disk - listed)} to [tool.setuptools] packages"
    assert config["package-dir"]["bnteach._lessons"] == "lessons"
    assert {"*.ipynb", "solutions/*.py"} <= set(config["package-data"]["bnteach._lessons"])
