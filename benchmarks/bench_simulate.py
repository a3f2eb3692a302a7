"""Time the Gram sampler of ``simulate.run`` against explicit Gaussian weight matrices.

Same network (RC+ReLU, width 1024, batch 16, depth 300, Gaussian weights of variance
2/d), two ways: ``simulate.run`` samples ``W @ X`` from its law through a QR factor of
the batch (O(width·n²) per layer); the reference draws every weight matrix
(O(width²) random numbers per layer) and applies ``layers.bn_layer``. Prints the best
of a few repeats of each, and their ratio (the target is at least 20x).

Run: ``python benchmarks/bench_simulate.py [--width 1024 --n 16 --depth 300]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from bnteach import batches, layers, simulate


def explicit_run(X0, depth, width, components, rng):
    """The reference: explicit Gaussian weights, renormalized each layer like run()."""
    X = X0 / np.sqrt(np.sum(X0 * X0) / X0.shape[1])
    for _ in range(depth):
        W = rng.standard_normal((width, X.shape[0])) * np.sqrt(2.0 / X.shape[0])
        X = layers.bn_layer(X, W, components)                  # (width, n)
        X = X / np.sqrt(np.sum(X * X) / X.shape[1])
    return X


def best_of(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=1024)
    parser.add_argument("--n", type=int, default=16)
    parser.add_argument("--depth", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    components = ("rc", "relu")
    X0 = batches.gaussian(d=args.width, n=args.n, rng=0)
    fast = best_of(lambda: simulate.run(X0, args.depth, components=components, rng=1),
                   args.repeats)
    slow = best_of(lambda: explicit_run(X0, args.depth, args.width, components,
                                        np.random.default_rng(1)), args.repeats)
    print(f"RC+ReLU, width {args.width}, batch {args.n}, depth {args.depth} "
          f"(best of {args.repeats})")
    print(f"{'path':<34}{'seconds':>10}")
    print(f"{'simulate.run (Gram/QR sampler)':<34}{fast:>10.3f}")
    print(f"{'explicit Gaussian weights':<34}{slow:>10.3f}")
    print(f"{'speed-up':<34}{slow / fast:>9.1f}x")


if __name__ == "__main__":
    main()
