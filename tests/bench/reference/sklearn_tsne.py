#!/usr/bin/env python3
"""scikit-learn's Barnes-Hut t-SNE on a .npy file: the reference bench_tsne compares against.

    python3 sklearn_tsne.py DATA.npy --json OUT.json [--embedding OUT.npy] [--threads 2]
        [--perplexity 30] [--iterations 1000] [--seed 0]

Thread counts (OpenMP for the gradient, BLAS, joblib for the neighbours) are capped with
threadpoolctl and n_jobs so both sides of the comparison use the same number of cores. Only
fit_transform is timed: not the imports, not the file read.
"""
import argparse
import inspect
import json
import resource
import time

import numpy as np
import sklearn
from sklearn.manifold import TSNE
from threadpoolctl import threadpool_limits


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data")
    parser.add_argument("--json", required=True)
    parser.add_argument("--embedding")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--perplexity", type=float, default=30.0)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    x = np.load(args.data)
    # scikit-learn 1.5 renamed n_iter to max_iter (and 1.7 removed n_iter).
    iterations_name = "max_iter" if "max_iter" in inspect.signature(TSNE).parameters else "n_iter"
    tsne = TSNE(n_components=2, perplexity=args.perplexity, early_exaggeration=12.0, learning_rate="auto",
                init="pca", method="barnes_hut", angle=0.5, random_state=args.seed, n_jobs=args.threads,
                **{iterations_name: args.iterations})
    with threadpool_limits(limits=args.threads):
        start = time.perf_counter()
        embedding = tsne.fit_transform(x)
        seconds = time.perf_counter() - start
    if args.embedding:
        np.save(args.embedding, embedding.astype(np.float32))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    result = {
        "seconds": seconds,
        "kl_divergence": float(tsne.kl_divergence_),
        "iterations": int(tsne.n_iter_) + 1,
        "learning_rate": float(tsne.learning_rate_),
        "peak_rss_mb": peak_kb / 1024.0,
        "sklearn_version": sklearn.__version__,
        "n": int(x.shape[0]),
        "dim": int(x.shape[1]),
    }
    with open(args.json, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
