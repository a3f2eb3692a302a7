"""Daneshmand et al. (2021)'s width sweep, their way and bnteach's way, side by side.

The experiment of their Figure 2b: rescaled (RS-only) linear networks of batch 4 and
500 layers, widths 16 to 512, 20 runs per width, from their nearly rank-one input
(``bnteach.batches.nearly_rank_one``); the statistic is the orthogonality gap
``‖G/tr G − I/n‖_F`` (``bnteach.metrics.orthogonality_gap``) averaged over the 500
layers, then over the runs. Their figure shows it falling like a power of the width
(log-log slope about −0.46 in the sweep as we run it).

* **Their method**: explicit d×d Gaussian weight matrices, each layer ``H = W H``,
  then every row normalised, ``H ← diag(H Hᵀ)^(-1/2) H`` (RS up to the factor √n,
  which the gap does not see).
* **bnteach**: ``simulate.run_many`` with ``components=("rs", "linear")``: the Gram
  sampler (exact in law), all 20 runs of a width advanced together.

Both compute the statistic with the same vectorized function from the Gram matrices
of every layer, and both are warmed up on a tiny sweep before the timings. The script prints the statistic per width for both, the slope of
log gap against log width for both, each sweep's wall time, the ratio, and the
machine's load average (other load slows both; the ratio is the number to read).

Run: ``python benchmarks/peer_daneshmand.py [--runs 20 --depth 500]``
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from bnteach import batches, metrics, simulate

WIDTHS = (16, 32, 64, 128, 256, 512)


def mean_gap(grams):
    """The orthogonality gap of every Gram matrix of shape (..., n, n), averaged over all."""
    n = grams.shape[-1]
    trace = np.einsum("...ii->...", grams)[..., None, None]
    return float(np.linalg.norm(grams / trace - np.eye(n) / n, axis=(-2, -1)).mean())


def their_run(X0, depth, rng):
    """Explicit Gaussian weights, ``H = W H``, rows normalised: the Gram matrix of each layer."""
    d, n = X0.shape
    H, grams = X0, np.empty((depth, n, n))
    for layer in range(depth):
        H = rng.standard_normal((d, d)) @ H                    # (d, d) @ (d, n)
        H = H / np.sqrt(np.sum(H * H, axis=1, keepdims=True))  # diag(H Hᵀ)^(-1/2) H
        grams[layer] = H.T @ H
    return grams


def sweep_theirs(widths, n, depth, runs):
    return [mean_gap(np.array([their_run(batches.nearly_rank_one(d=d, n=n), depth,
                                         np.random.default_rng([2021, d, r]))
                               for r in range(runs)])) for d in widths]


def sweep_bnteach(widths, n, depth, runs):
    out = []
    for d in widths:
        trajs = simulate.run_many(batches.nearly_rank_one(d=d, n=n), depth,
                                  seeds=[1000 * d + r for r in range(runs)],
                                  components=("rs", "linear"))
        out.append(mean_gap(np.array([t.grams[1:] for t in trajs])))   # layers 1..depth
    return out


def slope(widths, gaps):
    return float(np.polyfit(np.log(widths), np.log(gaps), 1)[0])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--depth", type=int, default=500)
    parser.add_argument("--n", type=int, default=4)
    args = parser.parse_args(argv)
    G = np.random.default_rng(0).standard_normal((4, 3))
    G = G @ G.T
    assert abs(mean_gap(G[None]) - metrics.orthogonality_gap(G)) < 1e-12   # the same statistic

    # Warm up both methods outside the timings (numpy loads numpy.random on first use, and
    # first calls pay one-time costs), on a tiny sweep of the same kind.
    sweep_bnteach(WIDTHS[:1], args.n, 2, 2)
    sweep_theirs(WIDTHS[:1], args.n, 2, 2)
    load = os.getloadavg()
    start = time.perf_counter()
    ours = sweep_bnteach(WIDTHS, args.n, args.depth, args.runs)
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    theirs = sweep_theirs(WIDTHS, args.n, args.depth, args.runs)
    t_theirs = time.perf_counter() - start

    print(f"Daneshmand et al. (2021), Fig. 2b sweep: RS-only linear, batch {args.n}, "
          f"{args.depth} layers, {args.runs} runs per width; orthogonality gap averaged over "
          f"layers and runs")
    print(f"{'width':>6}{'explicit weights':>18}{'bnteach':>10}")
    for d, a, b in zip(WIDTHS, theirs, ours):
        print(f"{d:>6}{a:>18.4f}{b:>10.4f}")
    print(f"{'slope of log gap vs log width':<34}{slope(WIDTHS, theirs):>8.3f}"
          f"{slope(WIDTHS, ours):>10.3f}")
    print(f"{'wall time (s)':<34}{t_theirs:>8.2f}{t_ours:>10.2f}")
    print(f"bnteach is {t_theirs / t_ours:.1f}x faster (goal: at least 40x, slopes within "
          f"0.05). Load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, after "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f", on {os.cpu_count()} CPUs.")


if __name__ == "__main__":
    main()
