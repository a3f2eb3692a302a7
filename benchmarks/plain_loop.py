"""The fixed cost per layer of ``simulate.run`` against a plain numpy loop of the same mathematics.

The plain loop is what anyone would write for one RC+ReLU (or RS+linear) network with
the Gram sampler: per layer the QR factor ``R`` of the batch, a Gaussian draw
``g`` of shape (width, k), ``Z = g @ (σ/√d) R``, the components, the renormalization
to ``‖X‖_F² = n`` and the Gram matrix. No checks, no bookkeeping: it keeps neither
identical samples identical nor the raw scale, and reports no errors. ``simulate.run``
does all of that, and ``simulate.run_many`` advances many seeds in one loop; this
script times all three, interleaved (the best of several repeats of each, so that
other load on the machine hurts them alike), at small sizes where the fixed cost
dominates. The target: ``run`` at most about 1.3 times the plain loop.

Run: ``python benchmarks/plain_loop.py [--width 64 --n 4 --depth 500 --seeds 8]``
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from bench_simulate import best_of    # benchmarks/ is on sys.path when run as a script
from bnteach import batches, simulate


def plain_run(X0, depth, rng, components=("rc", "relu"), weight_var=2.0):
    """One run, the plain way: the same draws and arithmetic as ``simulate.run``."""
    n = X0.shape[1]
    grams = np.empty((depth + 1, n, n))
    X = X0 / np.sqrt(np.sum(X0 * X0) / n)
    grams[0] = X.T @ X
    for layer in range(1, depth + 1):
        R = np.linalg.qr(X, mode="r")                                  # (k, n)
        Z = rng.standard_normal((X.shape[0], R.shape[0])) @ (np.sqrt(weight_var / X.shape[0]) * R)
        if "rc" in components:
            Z = Z - Z.mean(axis=1, keepdims=True)                      # RC
        if "rs" in components:
            Z = Z / np.sqrt(np.mean(Z * Z, axis=1, keepdims=True))     # RS
        X = np.maximum(Z, 0.0) if "relu" in components else Z
        X = X / np.sqrt(np.sum(X * X) / n)
        grams[layer] = X.T @ X
    return grams


def plain_many(X0, depth, rngs, components=("rc", "relu"), weight_var=2.0):
    """The plain loop on stacked arrays: every seed advanced together, one generator each."""
    S, (d, n) = len(rngs), X0.shape
    grams = np.empty((S, depth + 1, n, n))
    X = np.broadcast_to(X0 / np.sqrt(np.sum(X0 * X0) / n), (S, d, n))
    grams[:, 0] = np.swapaxes(X, 1, 2) @ X
    for layer in range(1, depth + 1):
        R = np.linalg.qr(X, mode="r")                                  # (S, k, n)
        g = np.stack([r.standard_normal((d, R.shape[1])) for r in rngs])
        Z = g @ (np.sqrt(weight_var / d) * R)
        if "rc" in components:
            Z = Z - Z.mean(axis=2, keepdims=True)
        if "rs" in components:
            Z = Z / np.sqrt(np.mean(Z * Z, axis=2, keepdims=True))
        X = np.maximum(Z, 0.0) if "relu" in components else Z
        X = X / np.sqrt(np.sum(X * X, axis=(1, 2)) / n)[:, None, None]
        grams[:, layer] = np.swapaxes(X, 1, 2) @ X
    return grams


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--n", type=int, default=4)
    parser.add_argument("--depth", type=int, default=500)
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    X0 = batches.gaussian(d=args.width, n=args.n, rng=0)
    depth, S = args.depth, args.seeds
    load = os.getloadavg()
    print(f"width {args.width}, batch {args.n}, depth {depth}; best of {args.repeats}, "
          f"interleaved; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on "
          f"{os.cpu_count()} CPUs")
    print(f"{'components':<14}{'plain loop':>11}{'run':>8}{'ratio':>7}{'plain x' + str(S):>11}"
          f"{'run_many x' + str(S):>14}   (µs per run and layer)")
    for components in (("rc", "relu"), ("rs", "linear")):
        # the same numbers both ways: the plain loop does the same mathematics
        check = plain_run(X0, 5, np.random.default_rng(1), components)
        assert np.allclose(check, simulate.run(X0, 5, components=components, rng=1).grams)
        t = {k: [] for k in ("plain", "run", "plain_many", "many")}
        for _ in range(args.repeats):
            t["plain"].append(best_of(lambda: plain_run(X0, depth, np.random.default_rng(1),
                                                     components), 1))
            t["run"].append(best_of(lambda: simulate.run(X0, depth, components=components,
                                                      rng=1), 1))
            t["plain_many"].append(best_of(lambda: plain_many(
                X0, depth, [np.random.default_rng(s) for s in range(S)], components), 1))
            t["many"].append(best_of(lambda: simulate.run_many(X0, depth, components=components,
                                                            seeds=range(S)), 1))
        us = {k: 1e6 * min(v) / depth for k, v in t.items()}
        print(f"{'+'.join(components):<14}{us['plain']:>11.1f}{us['run']:>8.1f}"
              f"{us['run'] / us['plain']:>7.2f}{us['plain_many'] / S:>11.1f}"
              f"{us['many'] / S:>14.1f}")


if __name__ == "__main__":
    main()
