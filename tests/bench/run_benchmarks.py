#!/usr/bin/env python3
"""Runs every benchmark of tests/bench/ and the PyTorch reference in one go, each as its own
process (so each reports its own peak memory), and prints one table: figure, unit, ours
(median [IQR]), the reference's, ours / reference, and the load average when each started.
The same goes to a JSON file with every benchmark's raw report.

    tests/bench/run_benchmarks.py [--build build] [--threads 2] [--quick] [--json FILE]
        [--data DIR] [--with-tsne | --no-tsne] [--only NAME,...] [--python /usr/bin/python3]

--quick: fewer repeats and steps (18 minutes on 2 cores at load average 2-5). Without it:
about an hour there, t-SNE included. t-SNE (engine vs scikit-learn, 10 000 points, a few minutes
each) runs in full mode and with --quick only when --with-tsne is given.

The reference is tests/bench/reference/pytorch_simclr.py (torchvision per-image transforms
in a DataLoader, torchvision's resnet18, NT-Xent, SGD) run with Debian's python3-torch; the
t-SNE reference is scikit-learn; the neighbour-query reference is the naive LibTorch form.
Real CIFAR-10 ($SIMCLR_DATA_DIR or --data, cifar-10-batches-bin) is needed for the
end-to-end training figures; without it they are skipped (and said so), and the rest run on
seeded random pixels. Standard library only.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REFERENCE = os.path.join(REPO, "tests", "bench", "reference", "pytorch_simclr.py")
PRESETS = ["none", "paper", "simclr-cifar", "simclr-imagenet"]
SIZES = [32, 224]

# Repeats and steps per mode: (quick, full).
SETTINGS = {
    "aug_repeats": (5, 20), "aug_ref_repeats": (3, 10),
    "step_warmup": (1, 2), "step_repeats": (3, 10),
    "train_warmup": (2, 3), "train_steps": (3, 20),
    "feature_images": (2048, 10000), "feature_repeats": (2, 3),
    "knn_repeats": (1, 3), "neighbour_repeats": (50, 500),
}


def find_cifar(data_dir):
    for root in [data_dir, os.environ.get("SIMCLR_DATA_DIR")]:
        if root:
            for d in [root, os.path.join(root, "cifar-10-batches-bin")]:
                if os.path.exists(os.path.join(d, "test_batch.bin")):
                    return root
    return None


def machine():
    model, cores = platform.processor(), os.cpu_count()
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    flags = ""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((l for l in f if l.startswith("flags")), "")
    except OSError:
        pass
    simd = [x for x in ("avx2", "avx512f", "avx512_bf16", "amx_bf16") if f" {x}" in flags]
    return {"cpu": model, "cores": cores, "simd": simd, "kernel": platform.release(), "host": platform.node()}


class Runner:
    def __init__(self, args, work):
        self.args, self.work, self.raw, self.rows, self.log = args, work, {}, [], []

    def run(self, key, argv):
        """Runs one benchmark process; returns its JSON report (None when it failed)."""
        out = os.path.join(self.work, key.replace(" ", "_").replace("/", "_") + ".json")
        load = os.getloadavg()[0]
        print(f"[{time.strftime('%H:%M:%S')}] load {load:.2f}  {key}: {' '.join(argv)}", flush=True)
        start = time.time()
        proc = subprocess.run(argv + ["--json", out], cwd=REPO, env=self.env, capture_output=True, text=True)
        seconds = time.time() - start
        if proc.returncode != 0 or not os.path.exists(out):
            message = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            print(f"    FAILED (exit {proc.returncode}): {' | '.join(message)}", flush=True)
            self.log.append({"key": key, "argv": argv, "exit": proc.returncode, "stderr": proc.stderr[-2000:]})
            return None
        with open(out) as f:
            report = json.load(f)
        report["_load_at_start"], report["_seconds"] = load, seconds
        self.raw[key] = report
        return report

    @property
    def env(self):
        env = dict(os.environ)
        if self.args.data_found:
            env["SIMCLR_DATA_DIR"] = self.args.data_found
        # The same thread count for every BLAS and OpenMP pool on both sides.
        env["OMP_NUM_THREADS"] = env["OPENBLAS_NUM_THREADS"] = str(self.args.threads)
        return env

    def add(self, group, figure, unit, ours, ref, ours_report=None, ref_report=None, note=""):
        """ours, ref: summaries {median, q1, q3, ...} or plain numbers, or None."""
        def norm(s):
            return None if s is None else (s if isinstance(s, dict) else {"median": s})
        ours, ref = norm(ours), norm(ref)
        ratio = ours["median"] / ref["median"] if ours and ref and ref["median"] else None
        self.rows.append({"group": group, "figure": figure, "unit": unit, "ours": ours, "reference": ref,
                          "ratio": ratio, "note": note,
                          "load_ours": ours_report.get("_load_at_start") if ours_report else None,
                          "load_reference": ref_report.get("_load_at_start") if ref_report else None})

    def mem(self, group, figure, ours_report, ref_report, note=""):
        self.add(group, figure, "MB", ours_report and ours_report.get("peak_rss_mb"),
                 ref_report and ref_report.get("peak_rss_mb"), ours_report, ref_report, note)


def pick(args, name):
    return SETTINGS[name][0 if args.quick else 1]


def bench_exe(args, name):
    return os.path.join(args.build, "tests", "bench", name)


def case(report, **match):
    for c in (report or {}).get("cases", []):
        if all(c.get(k) == v for k, v in match.items()):
            return c
    return None


def run_augmentation(r, args):
    t = ["--threads", str(args.threads)]
    ours = r.run("augmentation", [bench_exe(args, "bench_augmentation"), "--warmup", "2",
                                  "--repeats", str(pick(args, "aug_repeats"))] + t)
    refs = {}
    for size in SIZES:
        for preset in PRESETS:
            refs[(preset, size)] = r.run(f"reference augmentation {preset} {size}", [
                args.python, REFERENCE, "--mode", "augmentation", "--preset", preset, "--size", str(size),
                "--warmup", "2", "--repeats", str(pick(args, "aug_ref_repeats"))] + t)
    for size in SIZES:
        for preset in PRESETS:
            c, ref = case(ours, preset=preset, image_size=size), refs[(preset, size)]
            r.add("augmentation", f"augmentation {preset} {size}px (batch 256)", "images/s",
                  c and c["images_per_s"], ref and ref["images_per_s"], ours, ref)
    ref_peak = max((x for x in refs.values() if x), key=lambda x: x["peak_rss_mb"], default=None)
    r.mem("augmentation", "peak RSS, augmentation (reference: largest of its runs)", ours, ref_peak)


def run_model_step(r, args):
    t = ["--threads", str(args.threads)]
    reps = ["--warmup", str(pick(args, "step_warmup")), "--repeats", str(pick(args, "step_repeats"))]
    for model in ["quickstart", "resnet18"]:
        ref = r.run(f"reference model_step {model}",
                    [args.python, REFERENCE, "--mode", "model_step", "--model", model] + reps + t)
        for variant in ["fp32", "trainer"]:
            ours = r.run(f"model_step {model} {variant}", [bench_exe(args, "bench_model_step"), "--only", model,
                                                           "--variants", variant] + reps + t)
            c = case(ours, model=model, variant=variant)
            label = c["name"] if c else f"{model} {variant}"
            r.add("model step", f"model step {label}, batch 256", "ms/step", c and c["step_ms"],
                  ref and ref["step_ms"], ours, ref, "reference: torchvision fp32, SGD")
            r.mem("model step", f"peak RSS, model step {label}", ours, ref)


def run_training(r, args):
    if not args.data_found:
        print("CIFAR-10 not found ($SIMCLR_DATA_DIR or --data): skipping end-to-end training", flush=True)
        r.rows.append({"group": "training", "figure": "end-to-end training", "note": "skipped: no CIFAR-10"})
        return
    t = ["--threads", str(args.threads)]
    warmup, steps = pick(args, "train_warmup"), pick(args, "train_steps")
    for model in ["quickstart", "resnet18"]:
        ref = r.run(f"reference train {model}", [args.python, REFERENCE, "--mode", "train", "--model", model,
                                                 "--warmup", str(warmup), "--repeats", str(steps)] + t)
        ours = r.run(f"training {model}", [bench_exe(args, "bench_training_throughput"), "--only", model,
                                           "--warmup", str(warmup), "--steps", str(steps)] + t)
        c = next(iter((ours or {}).get("cases", [])), None)
        label = c["name"] if c else model
        r.add("training", f"end-to-end SimCLR training {label}, batch 256, CIFAR-10", "views/s",
              c and c["views_per_s"], ref and ref["views_per_s"], ours, ref,
              "ours: the trainer as the quickstart project runs it")
        r.mem("training", f"peak RSS, training {label}", ours, ref,
              "reference: main process (its DataLoader workers come on top)")


def run_evaluation(r, args):
    t = ["--threads", str(args.threads)]
    images, reps = str(pick(args, "feature_images")), str(pick(args, "feature_repeats"))
    for model in ["quickstart", "resnet18"]:
        ours = r.run(f"features {model}", [bench_exe(args, "bench_evaluation"), "--only", model, "--images", images,
                                           "--repeats", reps] + t)
        ref = r.run(f"reference features {model}", [args.python, REFERENCE, "--mode", "features", "--model", model,
                                                    "--images", images, "--batch", "512", "--repeats", reps] + t)
        c = case(ours, model=model)
        label = c["name"][len("features "):] if c else model
        r.add("evaluation", f"feature extraction {label} ({images} images)", "images/s",
              c and c["images_per_s"], ref and ref["images_per_s"], ours, ref)
        r.mem("evaluation", f"peak RSS, feature extraction {model}", ours, ref)
    knn = str(pick(args, "knn_repeats"))
    ours = r.run("knn", [bench_exe(args, "bench_evaluation"), "--only", "knn", "--knn-repeats", knn] + t)
    ref = r.run("reference knn", [args.python, REFERENCE, "--mode", "knn", "--repeats", knn] + t)
    c = case(ours, name="knn")
    r.add("evaluation", "kNN (k=200) 10 000 test vs 50 000 train, 512-d", "ms", c and c["ms"], ref and ref["ms"],
          ours, ref, "reference: the usual kNN monitor of public SimCLR code")
    r.mem("evaluation", "peak RSS, kNN", ours, ref)


def run_neighbours(r, args):
    ours = r.run("neighbours", [bench_exe(args, "bench_neighbours"), "--threads", str(args.threads),
                                "--repeats", str(pick(args, "neighbour_repeats"))])
    if ours:
        r.add("neighbours", "one neighbour query, 50 000 x 512 bank, k=10", "ms", ours["query_ms"],
              ours["naive_ms"], ours, ours, "reference: naive cosine_similarity + topk, same process")


def run_tsne(r, args):
    data = "cifar10" if args.data_found else "clusters"
    ours = r.run("tsne", [bench_exe(args, "bench_tsne"), "--data", data, "--threads", str(args.threads),
                          "--python", args.python])
    if ours:
        r.add("t-SNE", f"t-SNE 10 000 points ({data}, 512-d, 1000 iterations)", "s", ours["simclr"]["seconds"],
              ours.get("sklearn", {}).get("seconds"), ours, ours, "reference: scikit-learn TSNE, same settings")
        # bench_tsne reports the KL after each repeat; the last one is the final embedding's.
        def final_kl(side):
            values = ours.get(side, {}).get("kl_exact_our_p")
            return values[-1] if isinstance(values, list) and values else values
        r.add("t-SNE", "t-SNE exact KL under our P (lower is better)", "nats", final_kl("simclr"),
              final_kl("sklearn"), ours, ours)
        r.add("t-SNE", "peak RSS, t-SNE", "MB", ours["simclr"]["peak_rss_mb"],
              ours.get("sklearn", {}).get("peak_rss_mb"), ours, ours)


def fmt(s, unit):
    if not s:
        return "-"
    d = 0 if s["median"] >= 100 else (1 if s["median"] >= 10 else 3 if s["median"] < 1 else 2)
    text = f"{s['median']:.{d}f}"
    if "q1" in s and s.get("repeats", 0) > 1:
        text += f" [{s['q1']:.{d}f}-{s['q3']:.{d}f}]"
    return text


def table(rows):
    lines = ["| figure | unit | ours median [IQR] | reference median [IQR] | ours / ref | speed-up | load ours / ref |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        if "unit" not in row:
            lines.append(f"| {row['figure']} | | {row['note']} | | | | |")
            continue
        ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else "-"
        speedup = "-"  # how many times faster ours is: rates as they are, times inverted
        if row["ratio"]:
            if row["unit"].endswith("/s"):
                speedup = f"{row['ratio']:.2f}x"
            elif row["unit"] in ("ms", "s", "ms/step"):
                speedup = f"{1 / row['ratio']:.2f}x"
        load = "/".join(f"{x:.1f}" if x is not None else "-" for x in (row["load_ours"], row["load_reference"]))
        lines.append(f"| {row['figure']} | {row['unit']} | {fmt(row['ours'], row['unit'])} | "
                     f"{fmt(row['reference'], row['unit'])} | {ratio} | {speedup} | {load} |")
    return "\n".join(lines)


def goals(rows):
    def find(prefix):
        return next((r for r in rows if r["figure"].startswith(prefix) and r.get("ratio") is not None), None)
    out = []
    for prefix, label, ok in [
            ("augmentation simclr-cifar 32px", "augmentation >= 10x torchvision per-image (simclr-cifar, 32 px)",
             lambda x: x >= 10),
            ("augmentation simclr-cifar 224px", "augmentation >= 10x torchvision per-image (simclr-cifar, 224 px)",
             lambda x: x >= 10),
            ("end-to-end SimCLR training resnet18", "end-to-end training, full ResNet-18, batch 256 >= 1.5x",
             lambda x: x >= 1.5),
            ("peak RSS, training resnet18", "peak memory of that training <= 2x the reference's",
             lambda x: x <= 2)]:
        row = find(prefix)
        out.append({"goal": label, "ratio": row and row["ratio"],
                    "met": None if row is None else bool(ok(row["ratio"]))})
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(REPO, "build"), help="the build folder (default: build/)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", help="default: BUILD/bench-results.json")
    parser.add_argument("--data", help="folder holding cifar-10-batches-bin (default: $SIMCLR_DATA_DIR)")
    parser.add_argument("--with-tsne", dest="tsne", action="store_true", default=None)
    parser.add_argument("--no-tsne", dest="tsne", action="store_false")
    parser.add_argument("--only", help="comma-separated: augmentation,model_step,training,evaluation,"
                                       "neighbours,tsne")
    parser.add_argument("--python", default="/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3",
                        help="the Python with Debian's python3-torch/torchvision (default /usr/bin/python3)")
    args = parser.parse_args()
    args.build = os.path.abspath(args.build)
    args.json = args.json or os.path.join(args.build, "bench-results.json")
    args.data_found = find_cifar(args.data)
    if args.tsne is None:
        args.tsne = not args.quick
    missing = [n for n in ["bench_augmentation", "bench_model_step", "bench_training_throughput",
                           "bench_evaluation", "bench_neighbours", "bench_tsne"]
               if not os.path.exists(bench_exe(args, n))]
    if missing:
        sys.exit(f"not built in {args.build}: {', '.join(missing)} (configure with -DSIMCLR_BUILD_BENCHMARKS=ON)")

    suites = [("augmentation", run_augmentation), ("model_step", run_model_step), ("training", run_training),
              ("evaluation", run_evaluation), ("neighbours", run_neighbours)]
    if args.tsne:
        suites.append(("tsne", run_tsne))
    if args.only:
        wanted = args.only.split(",")
        suites = [s for s in suites if s[0] in wanted]

    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = os.getloadavg()
    print(f"benchmarks, {'quick' if args.quick else 'full'} mode, {args.threads} threads, "
          f"CIFAR-10: {args.data_found or 'not found'}, load average {load_start[0]:.2f} {load_start[1]:.2f} "
          f"{load_start[2]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="simclr-bench-") as work:
        r = Runner(args, work)
        for name, fn in suites:
            try:
                fn(r, args)
            except Exception as e:  # one broken suite must not cost the others' figures
                print(f"    suite {name} FAILED: {type(e).__name__}: {e}", flush=True)
                r.log.append({"key": name, "error": f"{type(e).__name__}: {e}"})
    load_end = os.getloadavg()
    minutes = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds() / 60

    text = table(r.rows)
    goal_list = goals(r.rows)
    print()
    print(text)
    print()
    for g in goal_list:
        state = "n/a" if g["met"] is None else ("met" if g["met"] else "NOT met")
        ratio = f"{g['ratio']:.2f}" if g["ratio"] is not None else "-"
        print(f"goal: {g['goal']}: {ratio} -> {state}")
    print(f"\n{minutes:.1f} minutes; load average at start {load_start[0]:.2f}, at end {load_end[0]:.2f}")

    build = next((x.get("build") for x in r.raw.values() if x.get("build")), None)
    torch_version = next((x.get("torch") for x in r.raw.values() if x.get("torch")), None)
    result = {"date": started.isoformat(timespec="seconds"), "minutes": minutes, "quick": args.quick,
              "threads": args.threads, "cifar10": args.data_found, "machine": machine(),
              "load_average_start": load_start, "load_average_end": load_end,
              "ours_build": build, "reference_torch": torch_version, "rows": r.rows, "goals": goal_list,
              "table_markdown": text, "failures": r.log, "raw": r.raw}
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(f"written: {args.json}")
    return 1 if r.log else 0


if __name__ == "__main__":
    sys.exit(main())
