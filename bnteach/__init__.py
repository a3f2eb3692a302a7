"""bnteach: what batch normalization does to a deep network at initialization.

The compute layer of the course (numpy only). A layer of a random network is
taken apart into recentering (RC), rescaling (RS) and a non-linearity (NL), as in
Nachum, Bondaschi, Gastpar and Khina, "Batch Normalization Decomposed" (arXiv
2412.02843), building on Daneshmand et al. (2020, 2021).

Modules
-------
layers     the per-component maps: recenter, rescale, relu, bn_layer, centered_gram
batches    every input batch, sizes keyword-only: gaussian(d=, n=), nearly_rank_one,
           cluster_outlier, from_gram
trajectory what a run records: Trajectory (grams per layer) and NetConfig
simulate   finite-width random networks: run(...) -> Trajectory; run_many(..., seeds=...)
meanfield  the infinitely wide network, a map on Gram matrices: run(...) -> Trajectory
metrics    every measurement in one namespace, per_layer and describe; from
  geometry   one Gram matrix: cosines, ranks, the orthogonality gap
  clusters   outliers, centered norms, a cluster's spread, active neurons
theory     closed forms, each with its source; with
  lyapunov   the Lyapunov exponents of deep linear networks
tree       the course's branching-tree model (lesson 5); with
  branching  groups through depth, split trees
training   a trainable network of the course's layers: init_params, train -> History; with
  backprop   exact gradients through the batch statistics, grad_check
  datasets   the 8×8 handwritten digits, shipped with the package (load_digits)
exercises  checkers for the lessons' exercises, with hints

``bnteach.plotting`` (matplotlib) and ``bnteach.widgets`` (ipywidgets) sit on top
and are imported explicitly by the lessons.

Notation
--------
=========  ==========================================================
d          width (neurons per layer)
n          batch size (samples, n >= 2)
depth      number of layers L; index 0 is the input
X          representation, shape (d, n), samples as columns
Z          pre-normalization W @ X, shape (d, n)
W          weights, shape (d, d_in)
G          Gram matrix X.T @ X, shape (n, n)
P          centering matrix I_n - 11ᵀ/n; RC is Z @ P
C          cosine matrix from G
RC/RS/NL   recentering / rescaling / non-linearity; ``components=`` takes
           any subset of {"rc", "rs"} and at most one of
           {"relu", "tanh", "linear"}, applied in the order rc -> rs -> NL
=========  ==========================================================
"""

from bnteach import (backprop, batches, branching, clusters, datasets, exercises, geometry, layers,
                     lyapunov, meanfield, metrics, simulate, theory, training, trajectory, tree)
from bnteach.simulate import Trajectory, run, run_many

__version__ = "0.1.0"

__all__ = ["backprop", "batches", "branching", "clusters", "datasets", "exercises", "geometry",
           "layers", "lyapunov", "meanfield", "metrics", "simulate", "theory", "training",
           "trajectory", "tree", "Trajectory", "run", "run_many"]
