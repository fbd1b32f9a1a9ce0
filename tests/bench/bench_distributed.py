#!/usr/bin/env python3
"""Data-parallel training against one process, on the same machine and global batch:
2 ranks x T/2 threads (simclr-cli train --nproc-per-node 2) against 1 process x T threads,
alternating, each for --steps steps after --warmup; views/s is the median over the measured
steps of each run (rank 0's step time, waiting for the others included). The 2-rank runs
are made twice: with the gradient sum overlapping backward (the default) and after it
(SIMCLR_GRADIENT_OVERLAP=0). Also the bytes the ranks exchanged per step and the time spent
waiting for collectives (status.json's "communication"),
and a scaling model for N devices (see RESULTS.md), checked against the measured 2-rank step.

    tests/bench/bench_distributed.py [--build build] [--project projects/quickstart.json]
        [--steps 20] [--warmup 5] [--repeats 2] [--threads 2] [--json FILE]

Needs real CIFAR-10 for the quickstart project ($SIMCLR_DATA_DIR). Standard library only.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(cli, project, runs, name, steps, threads, nproc, overlap=True):
    cmd = [cli, "-q", "train", project, "--max-steps", str(steps), "--runs-dir", runs, "--run-name", name,
           "--threads", str(threads)]
    if nproc > 1:
        cmd += ["--nproc-per-node", str(nproc)]
    env = dict(os.environ, SIMCLR_GRADIENT_OVERLAP="1" if overlap else "0")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    run_dir = os.path.join(runs, name)
    steps_seen = []
    with open(os.path.join(run_dir, "metrics.jsonl")) as f:
        for line in f:
            record = json.loads(line)
            if record.get("type") == "step":
                steps_seen.append(record)
    with open(os.path.join(run_dir, "status.json")) as f:
        status = json.load(f)
    return steps_seen, status


def quartiles(values):
    q = statistics.quantiles(values, n=4)
    return statistics.median(values), q[0], q[2]


def ring_seconds(bytes_, n, bandwidth):
    """Ring all-reduce: each rank sends and receives 2 (N-1)/N of the buffer."""
    return 2 * (n - 1) / n * bytes_ / bandwidth


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--project", default=os.path.join(REPO, "projects", "quickstart.json"))
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json")
    args = ap.parse_args()
    cli = os.path.join(args.build, "app", "cli", "simclr-cli")
    total = args.warmup + args.steps
    one, two, comm, after, comm_after = [], [], [], [], []
    with tempfile.TemporaryDirectory(prefix="simclr-bench-dist-") as runs:
        # The project without its kNN monitor (it is not what is measured, and takes a minute).
        with open(args.project) as f:
            spec = json.load(f)
        spec.setdefault("evaluation", {}).update({"knn_every_epochs": 0, "knn_at_start": False})
        spec.setdefault("dataset", {})
        project = os.path.join(runs, "project.json")
        with open(project, "w") as f:
            json.dump(spec, f)
        # 1 process; 2 ranks with the gradient sum overlapping backward; 2 ranks summing after it.
        for r in range(args.repeats):
            for nproc, overlap, rates_into, comm_into in ((1, True, one, None), (2, True, two, comm),
                                                          (2, False, after, comm_after)):
                name = f"n{nproc}-{'overlap' if overlap else 'after'}-r{r}"
                steps, status = run(cli, project, runs, name, total, args.threads // nproc, nproc, overlap)
                rates = [s["views_per_s"] for s in steps if s["step"] > args.warmup]
                rates_into.extend(rates)
                if comm_into is not None:
                    comm_into.append(status["communication"])
                print(f"run {name}: median {statistics.median(rates):.1f} views/s", file=sys.stderr)

    with open(args.project) as f:
        batch = json.load(f)["training"]["batch_size"]
    ours, ref, no_overlap = quartiles(two), quartiles(one), quartiles(after)
    bytes_step = statistics.median(c["bytes_per_step"] for c in comm)
    comm_s = statistics.median(c["seconds_per_step"] for c in comm)
    step_2 = 2 * batch / ours[0]
    step_1 = 2 * batch / ref[0]
    # Scaling model, checked on the measured 2-rank run: a step is the compute of one rank's
    # share plus the collectives. On loopback each rank's share at T/2 threads takes about as
    # long as the whole batch at T threads, so the predicted 2-rank step is step_1 + comm_s.
    predicted_2 = step_1 + comm_s
    report = {
        "global_batch": batch,
        "one_process_views_per_s": {"median": ref[0], "q1": ref[1], "q3": ref[2], "threads": args.threads},
        "two_ranks_views_per_s": {"median": ours[0], "q1": ours[1], "q3": ours[2], "threads_each": args.threads // 2},
        "ratio": ours[0] / ref[0],
        "two_ranks_after_backward_views_per_s": {"median": no_overlap[0], "q1": no_overlap[1], "q3": no_overlap[2]},
        "overlap_gain": ours[0] / no_overlap[0],
        "gradient_wait_seconds_per_step": statistics.median(c["gradient_wait_seconds_per_step"] for c in comm),
        "gradient_wait_seconds_per_step_after_backward": statistics.median(
            c["gradient_wait_seconds_per_step"] for c in comm_after),
        "bytes_per_step": bytes_step,
        "communication_seconds_per_step": comm_s,
        "communication_share": comm_s / step_2,
        "effective_loopback_bytes_per_s": bytes_step / comm_s if comm_s > 0 else None,
        "step_seconds": {"one_process": step_1, "two_ranks": step_2, "model_two_ranks": predicted_2},
        "model_error": predicted_2 / step_2 - 1,
    }
    print(f"global batch {batch}: 1 process x {args.threads} threads {ref[0]:.1f} [{ref[1]:.1f}-{ref[2]:.1f}] views/s, "
          f"2 ranks x {args.threads // 2} {ours[0]:.1f} [{ours[1]:.1f}-{ours[2]:.1f}] views/s, ratio {report['ratio']:.2f}")
    print(f"2 ranks summing gradients after backward: {no_overlap[0]:.1f} [{no_overlap[1]:.1f}-{no_overlap[2]:.1f}] "
          f"views/s; overlapping them with backward: {100 * (report['overlap_gain'] - 1):+.1f} % views/s, waiting for "
          f"the gradients {report['gradient_wait_seconds_per_step_after_backward'] * 1000:.1f} ms -> "
          f"{report['gradient_wait_seconds_per_step'] * 1000:.1f} ms per step")
    print(f"communicated {bytes_step / 1e6:.2f} MB per step, {comm_s * 1000:.1f} ms of it waited for "
          f"({100 * report['communication_share']:.1f} % of the step)")
    print(f"model: 2-rank step {predicted_2:.3f} s predicted, {step_2:.3f} s measured ({100 * report['model_error']:+.1f} %)")
    # What the model says for N GPUs: gradients by ring all-reduce, z by all-gather, with the
    # measured bytes per rank (z grows with N: all-gather moves (N-1)/N of the global z).
    for bandwidth_gbs in (10, 100):
        for n in (8, 64):
            t = ring_seconds(bytes_step, n, bandwidth_gbs * 1e9)
            print(f"  N={n:3d} at {bandwidth_gbs:3d} GB/s: about {t * 1000:.1f} ms of communication per step")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
