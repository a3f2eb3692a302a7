"""Figures reach the notebook as images, in a real kernel, with the installed versions.

nbval compares no images, so a kernel that shows ``<Figure size 640x480 with 1 Axes>``
as text instead of a PNG passes every lesson. That happens with matplotlib < 3.9
under IPython 9 (the inline backend sends no ``image/png``), which is why
pyproject.toml's floor is matplotlib 3.9. This test runs a figure cell and an
explorer in a fresh kernel (``tests/notebook_runner.py``) and requires a PNG from each;
CI runs it on the latest releases and on the oldest allowed ones.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

RUNNER = Path(__file__).resolve().parent / "notebook_runner.py"

CELLS = [
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([0, 1], [1, 0])\n"
    "plt.show()",
    "from bnteach import widgets as bw\n"
    "explorer = bw.network_explorer(width=8, n=4, depth=5)\nexplorer",
]


def _notebook(path: Path) -> None:
    cells = [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "source": src, "outputs": [],
              "execution_count": None} for i, src in enumerate(CELLS)]
    path.write_text(json.dumps({"cells": cells, "nbformat": 4, "nbformat_minor": 5,
                                "metadata": {"kernelspec": {"name": "python3",
                                                            "display_name": "Python 3",
                                                            "language": "python"}}}))


def test_a_figure_and_an_explorer_send_png_images(tmp_path):
    _notebook(tmp_path / "figures.ipynb")
    out = subprocess.run([sys.executable, str(RUNNER), str(tmp_path / "figures.ipynb"),
                          str(tmp_path / "out.json")], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    cells = json.loads((tmp_path / "out.json").read_text())["cells"]
    import matplotlib
    for cell in cells:
        kinds = [sorted(o.get("data", {})) for o in cell["outputs"]]
        assert any("image/png" in k for k in kinds), (
            f"no PNG from this cell with matplotlib {matplotlib.__version__} (outputs: {kinds}):"
            f"\n{cell['source']}")
