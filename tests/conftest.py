"""Shared fixtures and the one tolerance table of the unit tests.

Tests import the table with ``from conftest import TOL``. Every entry is used;
each says what it bounds. Statistical checks use fixed seeds, so they are
deterministic; their tolerances are stated in standard errors (``n_se``) so that
a correct implementation would pass for almost every seed, not only this one.
"""

from __future__ import annotations

import numpy as np
import pytest

SEED = 20241203

TOL = {
    # float64 identities that hold up to a few roundings (P @ P = P, row means, ...)
    "exact": 1e-12,
    # exact orthogonality from disjoint supports (n = 2 after RC+ReLU)
    "machine": 1e-15,
    # a value printed to 4 decimals in science.md: one unit in the last place
    "table4": 1e-4,
    # science.md R5 "measured" (1 - cos) ratios of the wide map at eps = 1e-3
    "alpha_measured": 1e-3,
    # ... and their distance to alpha(n) itself (the ReLU's cubic contraction at eps = 1e-3)
    "alpha_first_order": 3e-3,
    # |kappa(n) - 1/pi| at n = 10**6 (the gap is about 0.5/n)
    "kappa_limit": 1e-5,
    # wide-limit RC+ReLU attractor's within-cluster (1 - cos) against cluster_angle(n),
    # relative (science.md R6: "matches closely" at n = 16 and 32; measured 1.8% and 0.4%)
    "attractor": 0.03,
    # a statistical comparison passes within this many standard errors
    "n_se": 5,
    # mean norm ratio over layers against n - 1 at d = 256, relative (science.md R4 table;
    # the standard error of the mean used here is about 0.5%, the d = 256 bias about 1%)
    "ratio_mean": 0.05,
    # raw norm kept by weight variance 2*alpha/d at width 2e5 (science.md R5: "within 1%";
    # one standard error is about 0.25%)
    "norm_1pct": 0.01,
}


@pytest.fixture
def rng():
    """A fresh, fixed-seed generator for each test."""
    return np.random.default_rng(SEED)
