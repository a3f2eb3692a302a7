"""Truth tests for lesson 7 (`07_training.ipynb`): each claim C7.x as it is written.

Every test recomputes a sentence of the lesson through the public API of ``bnteach``
on seeds the lesson does not use (the lesson uses 2024 plus small offsets, and the
training seeds [2024, 0..2] and [2024, 10..12]; these tests use 7701, 7702, ... and
[777, 0..7], [888, 0..3]), with the lesson's settings (digits divided by 16, the last
500 held out, width 64, batches of 32), and asserts the sentence with the tolerance
its wording implies. The training experiments are this course's own: one data set,
one width, a few seeds; the sentences say so, and these tests hold them to it.
"""

from __future__ import annotations

import numpy as np
import pytest

import bnteach as bn

N, WIDTH = 32, 64
X_ALL, Y_ALL = bn.datasets.load_digits()
X_ALL = X_ALL / 16
X_TRAIN, Y_TRAIN = X_ALL[:, :1297], Y_ALL[:1297]
X_TEST, Y_TEST = X_ALL[:, 1297:], Y_ALL[1297:]
PROBE = X_TEST[:, :N]
CONFIGS = {"He": (("relu",), 2.0), "RC+ReLU": (("rc", "relu"), 2.0),
           "RC+ReLU 2a/d": (("rc", "relu"), 2 * bn.theory.alpha(N)),
           "batch norm": (("rc", "rs", "relu"), 2.0)}
NETS = {"linear": ("linear",), "RS": ("rs", "linear"), "RC+RS": ("rc", "rs", "linear"),
        "RC+RS+ReLU": ("rc", "rs", "relu"), "RC+ReLU": ("rc", "relu")}


def batch(kind, rng):
    if kind == "digits":
        return X_TRAIN[:, rng.choice(X_TRAIN.shape[1], N, replace=False)]
    return rng.standard_normal((64, N))


def mean_cos(G):
    C = bn.metrics.cosines(G)
    return C[~np.eye(len(G), dtype=bool)].mean()


def is_split(G):
    s = bn.metrics.outlier_stats(G)
    return s.outlier_cos < 0.05 and s.norm_ratio > (N - 1) / 2


def train(name, lr, seed, depth, steps, every, root=777):
    comps, var = CONFIGS[name]
    rng = np.random.default_rng([root, seed])
    params = bn.training.init_params(64, WIDTH, depth, 10, weight_var=var, rng=rng)
    with np.errstate(all="ignore"):
        return bn.training.train(params, X_TRAIN, Y_TRAIN, components=comps, steps=steps, lr=lr,
                                 batch_size=N, X_test=X_TEST[:, :256], y_test=Y_TEST[:256],
                                 eval_every=20, probe=PROBE,
                                 probe_steps=range(0, steps + 1, every), rng=rng)


def test_c7_1_digit_batches_start_nearly_collinear():
    """§1: a batch of 32 digits has mean cosine about 0.7 and soft rank about 2; Gaussian
    samples are nearly orthogonal."""
    rng = np.random.default_rng(7701)
    for kind in ("digits", "gaussian"):
        Gs = [X.T @ X for X in (batch(kind, rng) for _ in range(20))]
        cos, soft = np.mean([mean_cos(G) for G in Gs]), np.mean([bn.metrics.soft_rank(G) for G in Gs])
        if kind == "digits":
            assert 0.6 <= cos <= 0.8 and 1.5 <= soft <= 2.5, (cos, soft)
        else:
            assert abs(cos) < 0.05 and soft > 15, (cos, soft)


@pytest.fixture(scope="module")
def five_networks():
    """{(network, kind): grams of 4 runs to layer 50}, on other seeds than the lesson's."""
    rng = np.random.default_rng(7702)
    return {(name, kind): [bn.run(batch(kind, rng), 50, width=WIDTH, components=comps,
                                  rng=rng).grams for _ in range(4)]
            for name, comps in NETS.items() for kind in ("digits", "gaussian")}


def _cos(runs, layer):
    return np.mean([mean_cos(g[layer]) for g in runs])


def _soft(runs, layer):
    return np.mean([bn.metrics.soft_rank(g[layer]) for g in runs])


def test_c7_2_one_recentering_layer_makes_digits_look_gaussian(five_networks):
    """§2: after the first layer of RC+RS, RC+RS+ReLU or RC+ReLU the digits' mean cosine
    is within 0.02 of the Gaussians' (-0.03, 0.31, 0.31-0.32), and it stays close to it
    (within 0.05 at layer 10)."""
    for name in ("RC+RS", "RC+RS+ReLU", "RC+ReLU"):
        digits, gauss = five_networks[name, "digits"], five_networks[name, "gaussian"]
        assert abs(_cos(digits, 1) - _cos(gauss, 1)) <= 0.02, name
        assert abs(_cos(digits, 10) - _cos(gauss, 10)) <= 0.05, name
        expected = -1 / (N - 1) if name == "RC+RS" else 0.31
        assert abs(_cos(digits, 1) - expected) <= 0.02, (name, _cos(digits, 1))


def test_c7_2_without_recentering_the_shared_direction_survives(five_networks):
    """§2: the linear network keeps the digits' mean cosine far above the Gaussians' (0.3
    or more at layer 50, mean of four runs) while collapsing the batch (soft rank 1.7 at
    layer 50); RS alone brings it to about 0.1 by layer 10 and 0.05 by layer 50."""
    linear = five_networks["linear", "digits"]
    assert _cos(linear, 50) >= 0.3 and abs(_cos(five_networks["linear", "gaussian"], 50)) < 0.05
    assert _soft(linear, 50) < 2.2
    rs = five_networks["RS", "digits"]
    assert 0.05 <= _cos(rs, 10) <= 0.2 and _cos(rs, 50) <= 0.1, (_cos(rs, 10), _cos(rs, 50))


def test_c7_2_end_states_have_the_same_soft_rank_for_digits_and_gaussians(five_networks):
    """§2: about the same soft rank at layer 50 for digits as for Gaussians wherever RC or
    RS is present (about 6 to 7; about 1.1 to 1.2 for RC+ReLU)."""
    for name in ("RS", "RC+RS", "RC+RS+ReLU"):
        d, g = _soft(five_networks[name, "digits"], 50), _soft(five_networks[name, "gaussian"], 50)
        assert 5.5 <= d <= 7.5 and 5.5 <= g <= 7.5 and abs(d - g) < 1.0, (name, d, g)
    for kind in ("digits", "gaussian"):
        assert _soft(five_networks["RC+ReLU", kind], 50) < 1.6


def test_c7_3_digits_split_at_about_the_same_depths_as_gaussians():
    """§2: with RC+ReLU at width 64 no batch of either kind has split by layer 20, one or
    two of six by layer 50, and most by layers 100 to 200."""
    rng = np.random.default_rng(7703)
    hits = {}
    for kind in ("digits", "gaussian"):
        runs = [bn.run(batch(kind, rng), 200, width=WIDTH, rng=rng).grams for _ in range(6)]
        hits[kind] = [sum(is_split(g[layer]) for g in runs) for layer in (20, 50, 100, 200)]
    for kind, (h20, h50, h100, h200) in hits.items():
        assert h20 == 0 and h50 <= 3 and max(h100, h200) >= 4, (kind, hits)


def test_c7_4_grad_check_separates_right_from_wrong_gradients():
    """§3: in float64 a right gradient gives well below 1e-6, a wrong one 1e-2 or more
    (here: the backward pass without the statistics' terms, written out)."""
    rng = np.random.default_rng(7704)
    for comps in [("relu",), ("rc", "relu"), ("rs", "relu"), ("rc", "rs", "relu")]:
        errs = []
        for _ in range(8):
            params = bn.training.init_params(64, 16, 3, 10, rng=rng)
            j = rng.choice(X_TRAIN.shape[1], 12, replace=False)
            errs.append(bn.backprop.grad_check(params, X_TRAIN[:, j], Y_TRAIN[j], comps, rng=rng))
        assert np.max(errs) < 1e-6, (comps, errs)
    params = bn.training.init_params(64, 16, 3, 10, rng=rng)
    X, y = X_TRAIN[:, 100:112], Y_TRAIN[100:112]
    # finite differences of the loss against a gradient that treats mean and r as constants
    comps = ("rc", "rs", "relu")
    reps = [X]
    for W in params[:-1]:
        Z = W @ reps[-1]
        reps.append(np.maximum(bn.layers.rescale(bn.layers.recenter(Z)), 0))
    logits = params[-1] @ reps[-1]
    p = np.exp(logits - logits.max(0)) / np.exp(logits - logits.max(0)).sum(0)
    d_logits = (p - np.eye(10)[:, y]) / len(y)
    dA = params[-1].T @ d_logits
    W = params[-2]
    Zc = bn.layers.recenter(W @ reps[-2])
    r = np.sqrt(np.mean(Zc ** 2, axis=1, keepdims=True))
    wrong = (dA * (Zc > 0) / r) @ reps[-2].T                         # statistics dropped
    right = bn.backprop.loss_and_grads(params, X, y, comps)[1][-2]
    rel = np.abs(wrong - right) / np.maximum(np.abs(wrong) + np.abs(right), 1e-12)
    assert np.max(rel) > 1e-2


@pytest.fixture(scope="module")
def depth_20():
    """{(network, lr): 4 runs}: depth 20, 60 steps, seeds [777, 0..3]."""
    return {(name, lr): [train(name, lr, s, 20, 60, 60) for s in range(4)]
            for name in CONFIGS for lr in (0.2, 0.05)}


def test_c7_5_at_depth_20_only_batch_norm_learns_much(depth_20):
    """§4: after 60 steps at lr 0.2 batch norm classifies about two thirds of the held-out
    digits (0.61 to 0.73 in four other seeds), the three others stay close to chance (at
    most 0.35 in any run); at lr 0.05 batch norm learns more slowly (about 0.3 to 0.55) and both
    RC+ReLU networks not at all (0.08 to 0.13)."""
    acc = {key: np.array([h.test_acc[-1] for h in runs]) for key, runs in depth_20.items()}
    assert np.all((acc["batch norm", 0.2] >= 0.55) & (acc["batch norm", 0.2] <= 0.8))
    for name in ("He", "RC+ReLU", "RC+ReLU 2a/d"):
        assert np.all(acc[name, 0.2] <= 0.35), (name, acc[name, 0.2])
        assert acc["batch norm", 0.2].min() > acc[name, 0.2].max() + 0.2
    assert 0.3 <= acc["batch norm", 0.05].mean() <= 0.55
    assert acc["batch norm", 0.05].mean() < acc["batch norm", 0.2].mean()
    for name in ("RC+ReLU", "RC+ReLU 2a/d"):
        assert np.all((acc[name, 0.05] >= 0.05) & (acc[name, 0.05] <= 0.15)), acc[name, 0.05]


def test_c7_6_at_depth_20_training_creates_no_outlier_and_batch_norm_stays_equiangular(depth_20):
    """§4: batch norm's probe starts equiangular (mean cosine near κ(32) ≈ 0.30) and is
    still there at step 60; no probe is split at step 0 or at step 60."""
    for (name, lr), runs in depth_20.items():
        for h in runs:
            assert not any(is_split(G) for G in h.probe_grams), (name, lr)
            if name == "batch norm":
                assert all(0.27 <= mean_cos(G) <= 0.36 for G in h.probe_grams)


@pytest.fixture(scope="module")
def depth_100():
    return {name: [train(name, 0.2, s, 100, 20, 5) for s in range(8 if name == "RC+ReLU" else 4)]
            for name in ("RC+ReLU", "batch norm")}


def test_c7_7_at_depth_100_sgd_learns_nothing_and_the_outlier_mostly_persists(depth_100):
    """§5: in every run the loss stays at log 10 ≈ 2.303 to within 0.002; the probe is
    split at step 0 in every run and still there, on the same sample, in seven of eight
    (the course's tests); batch norm at depth 100 has no outlier and does not learn either,
    its loss above log 10 (about 2.40 to 2.45)."""
    runs = depth_100["RC+ReLU"]
    for h in runs:
        assert np.max(np.abs(h.train_loss - np.log(10))) < 0.002
        assert is_split(h.probe_grams[0])
        assert h.test_acc[-1] <= 0.15
    kept = sum(is_split(h.probe_grams[-1]) and bn.metrics.outlier_stats(h.probe_grams[-1]).index
               == bn.metrics.outlier_stats(h.probe_grams[0]).index for h in runs)
    assert kept == 7, kept
    for h in depth_100["batch norm"]:
        assert not any(is_split(G) for G in h.probe_grams)
        assert 2.35 <= np.mean(h.train_loss[-10:]) <= 2.5 and h.test_acc[-1] <= 0.15


def test_c7_8_the_gradient_explodes_with_depth_most_with_batch_norm():
    """§5: at depth 100 the first layer's gradient is about 1e9 times the last hidden
    layer's with batch norm, 1e2 to 1e6 times with RC+ReLU; at depth 20 tens, about 40 to
    80 with batch norm and 4 to 30 without RS (ten draws each)."""
    rng = np.random.default_rng(7708)
    expected = {(100, "batch norm"): (2e8, 5e9), (100, "RC+ReLU"): (50, 2e6),
                (20, "batch norm"): (30, 100), (20, "RC+ReLU"): (3, 40)}
    for (depth, name), (low, high) in expected.items():
        comps, var = CONFIGS[name]
        for _ in range(10):
            p = bn.training.init_params(64, WIDTH, depth, 10, weight_var=var, rng=rng)
            g = bn.backprop.loss_and_grads(p, X_TRAIN[:, :N], Y_TRAIN[:N], comps)[1]
            ratio = np.linalg.norm(g[0]) / np.linalg.norm(g[depth - 1])
            assert low <= ratio <= high, (depth, name, ratio)


def test_c7_9_on_your_own_answers():
    """On your own, answers 1-3 (other seeds, root 889): at lr 0.5 batch norm still learns
    (held-out accuracy above 0.5) while the He network and both RC+ReLU networks stay below
    0.35; with momentum 0.9 the depth-100 RC+ReLU loss stays at log 10 or diverges to nan;
    at depth 50 (lr 0.2, 100 steps) none learns (held-out accuracy at most 0.15)."""
    for name in CONFIGS:
        for seed in range(2):
            acc = train(name, 0.5, seed, 20, 60, 60, root=889).test_acc[-1]
            assert acc > 0.5 if name == "batch norm" else acc < 0.35, (name, acc)
    for lr in (0.05, 0.2):
        for seed in range(2):
            comps, var = CONFIGS["RC+ReLU"]
            rng = np.random.default_rng([889, 10 + seed])
            p = bn.training.init_params(64, WIDTH, 100, 10, weight_var=var, rng=rng)
            with np.errstate(all="ignore"):
                h = bn.training.train(p, X_TRAIN, Y_TRAIN, components=comps, steps=40, lr=lr,
                                      batch_size=N, momentum=0.9, rng=rng)
            last = h.train_loss[-1]
            assert not np.isfinite(last) or abs(last - np.log(10)) < 0.01, (lr, last)
    for name in CONFIGS:
        for seed in range(2):
            acc = train(name, 0.2, 20 + seed, 50, 100, 100, root=889).test_acc[-1]
            assert acc <= 0.15, (name, acc)
