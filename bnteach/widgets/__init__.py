"""Interactive explorers for the lessons: controls -> compute (cached) -> one figure.

Each explorer is built by a function returning an ipywidgets object, so a lesson
cell is one line: :func:`network_explorer` and :func:`layer_viewer`
(:mod:`bnteach.widgets.network`), :func:`variance_explorer` and
:func:`tree_explorer` (:mod:`bnteach.widgets.models`), all four built by one
helper (:mod:`bnteach.widgets._explore`).
Controls are labelled with their units; controls that start a simulation use
``continuous_update=False`` (the simulation runs when the slider is released);
every update shows exactly one image (each explorer keeps one figure of fixed
size, updates it in place and renders it once to PNG); simulations are cached per
(configuration, seed), so a control that only changes the view (which metric,
log scale) does not simulate again; and the ``seed`` control makes every view
reproducible. Only core ipywidgets are used (no ipympl), so the explorers work
in JupyterLab, on Binder and on Colab.

This sub-package is the only part of the package that imports ipywidgets.
"""

from bnteach.widgets.models import SCALINGS, tree_explorer, variance_explorer
from bnteach.widgets.network import INPUTS, METRICS, layer_viewer, network_explorer

__all__ = ["network_explorer", "layer_viewer", "variance_explorer", "tree_explorer",
           "METRICS", "INPUTS", "SCALINGS"]
