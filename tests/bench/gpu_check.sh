#!/usr/bin/env bash
# The GPU path in one run (issue #21), for a lent GPU machine that has only the working tree,
# PyTorch (with its C++ LibTorch) and no Qt, OpenCV or network:
#   1. builds simclr-cli and bench_training_throughput only, with all the machine's cores
#      (installer/cuda-build.sh against PyTorch's LibTorch, into build-cuda/), unless
#      GPU_CHECK_BUILD_DIR names a build folder that is already configured;
#   2. runs `simclr-cli selftest --device DEVICE`;
#   3. writes a generated CIFAR-format set (tests/bench/make_cifar_like.py: one training batch
#      and the test batch, a partial set the reader accepts and says so) — not CIFAR-10;
#   4. the benchmark pair: our trainer (full-width ResNet-18, batch 512, 32x32) against the
#      PyTorch reference as public scripts run it (PIL transforms in a DataLoader, one worker
#      per core, fp32) and the same with channels_last + bf16 autocast, in seconds per
#      50 000-image epoch, views/s and peak GPU memory;
#   5. a few hundred steps of projects/quickstart.json on DEVICE (its `cuda` profile on a GPU:
#      ResNet-18 width 64, batch 512), with its loss and kNN monitor;
# and prints one summary (also in OUT/summary.txt).
#
#   tests/bench/gpu_check.sh [--device cuda|cpu] [--out DIR] [--phase all|build|run]
#
# --phase build stops after the build (its line is kept in OUT/build.txt); --phase run then
# does the rest in a second command, building incrementally (a no-op when nothing changed)
# and reporting the first phase's build time: for machines whose commands are time-limited.
#
# The header-only libraries the build needs (nlohmann-json, CLI11) come from the system or
# from build-deps/ (`installer/cuda-build.sh stage` on a Debian machine). build-deps/ is
# git-ignored (/build*/): a machine that gets only the working tree needs it carried along.
#
# Sizes (environment; the defaults are the GPU run's, the CPU dry run sets small ones):
#   GPU_CHECK_BATCH=512            batch of the benchmark pair
#   GPU_CHECK_BENCH_WARMUP=5       untimed steps, ours and the reference's
#   GPU_CHECK_BENCH_STEPS=30       timed steps
#   GPU_CHECK_QUICKSTART_STEPS=300 steps of the quickstart project
#   GPU_CHECK_TRAIN_IMAGES=10000   generated training images (one batch file)
#   GPU_CHECK_TEST_IMAGES=10000    generated test images (the kNN monitor's queries)
#   GPU_CHECK_BUILD_DIR=           an already configured build folder to build in instead
#   GPU_CHECK_SKIP_REFERENCE=1     leave out the PyTorch reference
#   PYTHON=                        the python with torch (default: python3, else /usr/bin/python3)
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

device=cuda
out=build-gpu-check
phase=all
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device=${2:?--device needs a value}; shift 2 ;;
    --out) out=${2:?--out needs a value}; shift 2 ;;
    --phase) phase=${2:?--phase needs a value}; shift 2 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu_check.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done
case "$device" in cpu|cuda|cuda:[0-9]*) ;; *) echo "gpu_check.sh: --device must be cpu, cuda or cuda:N" >&2; exit 2 ;; esac
case "$phase" in all|build|run) ;; *) echo "gpu_check.sh: --phase must be all, build or run" >&2; exit 2 ;; esac

batch=${GPU_CHECK_BATCH:-512}
warmup=${GPU_CHECK_BENCH_WARMUP:-5}
steps=${GPU_CHECK_BENCH_STEPS:-30}
qs_steps=${GPU_CHECK_QUICKSTART_STEPS:-300}
train_images=${GPU_CHECK_TRAIN_IMAGES:-10000}
test_images=${GPU_CHECK_TEST_IMAGES:-10000}
cores=$(nproc 2>/dev/null || echo 2)
mkdir -p "$out"
out=$(cd "$out" && pwd)
log=$out/gpu_check.log
[ "$phase" = run ] || : >"$log"
summary=()
failures=0
say() { echo "== $*" | tee -a "$log"; }
add() { summary+=("$*"); }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
start_all=$(now)

# ---- the machine -------------------------------------------------------------------------
python=${PYTHON:-}
if [ -z "$python" ]; then
  for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import torch' 2>/dev/null; then python=$p; break; fi
  done
fi
add "machine: $(uname -n), $cores cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) memory"
if command -v nvidia-smi >/dev/null; then
  gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)
  cuda_driver=$(nvidia-smi 2>/dev/null | sed -n 's/.*CUDA Version: *\([0-9.]*\).*/\1/p' | head -1)
  add "GPU (nvidia-smi): ${gpu:-none listed}; driver's CUDA ${cuda_driver:-?}"
else
  add "GPU (nvidia-smi): no nvidia-smi on this machine"
fi
if [ -n "$python" ]; then
  add "PyTorch: $("$python" -c 'import torch; print(torch.__version__, "CUDA", torch.version.cuda, "cuDNN", torch.backends.cudnn.version(), "| GPUs seen:", torch.cuda.device_count())' 2>&1 | tail -1) ($python)"
else
  add "PyTorch: none found (set PYTHON): no build against PyTorch's LibTorch, no reference"
fi

# ---- 1. build ----------------------------------------------------------------------------
say "build"
build_dir=${GPU_CHECK_BUILD_DIR:-}
[ -z "$build_dir" ] && [ "$phase" = run ] && [ -f build-cuda/CMakeCache.txt ] && build_dir=build-cuda
start=$(now)
if [ -n "$build_dir" ] && [ -f "$build_dir/CMakeCache.txt" ]; then
  cmake --build "$build_dir" --parallel "$cores" --target simclr-cli bench_training_throughput >>"$log" 2>&1
  build_rc=$?
  how="incremental, in $build_dir"
else
  build_dir=${build_dir:-build-cuda}
  if [ ! -f /usr/include/nlohmann/json.hpp ] && [ ! -f build-deps/include/nlohmann/json.hpp ]; then
    echo "gpu_check.sh: no nlohmann-json headers: run installer/cuda-build.sh stage on a Debian machine and carry build-deps/ along (it is git-ignored)" | tee -a "$log" >&2
  fi
  if ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then export PATH=/usr/local/cuda/bin:$PATH; fi
  PYTHON=$python SIMCLR_CUDA_BUILD_DIR=$build_dir SIMCLR_CUDA_TARGETS="simclr-cli bench_training_throughput" \
    installer/cuda-build.sh build >>"$log" 2>&1
  build_rc=$?
  how="configured and built in $build_dir against $python's LibTorch"
fi
build_s=$(since "$start")
cli=$build_dir/app/cli/simclr-cli
bench=$build_dir/tests/bench/bench_training_throughput
if [ $build_rc -ne 0 ] || [ ! -x "$cli" ]; then
  add "build: FAILED after ${build_s} s ($how; see $log)"
  tail -30 "$log" >&2
  printf '%s\n' "${summary[@]}" | tee "$out/summary.txt"
  exit 1
fi
build_line="build: ${build_s} s ($how, $cores jobs, targets simclr-cli bench_training_throughput)"
if [ "$phase" = run ] && [ -f "$out/build.txt" ]; then
  add "$(cat "$out/build.txt") [phase build]"
  add "build again in this phase: ${build_s} s ($how)"
else
  add "$build_line"
fi
if [ "$phase" = build ]; then
  echo "$build_line" >"$out/build.txt"
  printf '%s\n' "${summary[@]}" | tee "$out/summary.txt"
  exit 0
fi
add "simclr-cli: $("$cli" --version 2>&1 | tail -1)"

# ---- 2. self-test ------------------------------------------------------------------------
say "selftest --device $device"
start=$(now)
"$cli" selftest --device "$device" >"$out/selftest.txt" 2>&1
selftest_rc=$?
cat "$out/selftest.txt" >>"$log"
add "selftest --device $device: exit $selftest_rc in $(since "$start") s"
while IFS= read -r line; do add "  $line"; done < <(grep -E '^(PASS|FAIL|SKIP) |^selftest on |^error' "$out/selftest.txt")
[ $selftest_rc -eq 0 ] || failures=$((failures + 1))

# ---- 3. data -----------------------------------------------------------------------------
say "generated CIFAR-format data"
data=$out/data/cifar-10-batches-bin
gen_python=${python:-python3}
if ! "$gen_python" tests/bench/make_cifar_like.py "$data" --train-batches 1 --per-batch "$train_images" \
  --test "$test_images" >>"$log" 2>&1; then
  add "data: FAILED to generate (see $log)"
  printf '%s\n' "${summary[@]}" | tee "$out/summary.txt"
  exit 1
fi
add "data: generated CIFAR-format set (not CIFAR-10), data_batch_1.bin with $train_images images + test_batch.bin with $test_images, in $data"

# ---- 4. the benchmark pair ---------------------------------------------------------------
say "ours: bench_training_throughput --device $device"
start=$(now)
SIMCLR_DATA_DIR=$out/data "$bench" --device "$device" --only resnet18 --batch "$batch" --warmup "$warmup" \
  --steps "$steps" --json "$out/ours.json" >"$out/ours.txt" 2>&1
ours_rc=$?
cat "$out/ours.txt" >>"$log"
if [ $ours_rc -eq 0 ]; then
  add "ours ($(since "$start") s): $("${gen_python}" - "$out/ours.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
c = r["cases"][0]
peak = c.get("peak_cuda_allocated_mib")
print(f"{c['name']} batch {r['batch_size']}, precision auto (bf16 on CUDA) + channels_last: "
      f"{c['seconds_per_epoch']:.2f} s per {r['epoch_images']}-image epoch, {c['views_per_s_wall']:.0f} views/s, "
      f"loss {c['first_loss']:.3f} -> {c['last_loss']:.3f}, peak GPU memory "
      + (f"{peak:.0f} MiB (reserved {c['peak_cuda_reserved_mib']:.0f})" if peak is not None else "- (not a CUDA build/device)")
      + f", peak RSS {r.get('peak_rss_mb', 0):.0f} MB")
EOF
)"
else
  add "ours: FAILED (exit $ours_rc): $(tail -2 "$out/ours.txt" | tr '\n' ' ')"
  failures=$((failures + 1))
fi

reference() {  # $1 = public | fast
  local setting=$1 start rc
  say "reference --setting $setting --device $device"
  start=$(now)
  "$python" tests/bench/reference/pytorch_simclr.py --mode train --model resnet18 --data "$out/data" \
    --batch "$batch" --warmup "$warmup" --repeats "$steps" --device "$device" --setting "$setting" \
    --threads "$cores" --workers "$cores" --json "$out/reference_$setting.json" >"$out/reference_$setting.txt" 2>&1
  rc=$?
  cat "$out/reference_$setting.txt" >>"$log"
  if [ $rc -eq 0 ]; then
    add "reference $setting ($(since "$start") s): $("$python" - "$out/reference_$setting.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
peak = r.get("peak_cuda_allocated_mib")
what = {"public": "fp32 NCHW", "fast": "channels_last + bf16 autocast"}[r["setting"]]
print(f"PyTorch {r['torch']} {what}, {r['workers']} DataLoader workers: {r['seconds_per_epoch']:.2f} s per "
      f"{r['epoch_images']}-image epoch, {r['views_per_s']['median']:.0f} views/s, peak GPU memory "
      + (f"{peak:.0f} MiB (reserved {r['peak_cuda_reserved_mib']:.0f})" if peak is not None else "- (CPU)"))
EOF
)"
  else
    add "reference $setting: FAILED (exit $rc): $(tail -2 "$out/reference_$setting.txt" | tr '\n' ' ')"
    failures=$((failures + 1))
  fi
}
if [ "${GPU_CHECK_SKIP_REFERENCE:-0}" = 1 ]; then
  add "reference: skipped (GPU_CHECK_SKIP_REFERENCE=1)"
elif [ -z "$python" ] || ! "$python" -c 'import torchvision, numpy, PIL' 2>/dev/null; then
  add "reference: not run: ${python:-no python with torch} lacks torchvision, numpy or PIL"
else
  reference public
  reference fast
  if [ -f "$out/ours.json" ] && [ -f "$out/reference_public.json" ] && [ -f "$out/reference_fast.json" ]; then
    add "ratio: $("${gen_python}" - "$out" "$device" <<'EOF'
import json, sys, os
d = sys.argv[1]
ours = json.load(open(os.path.join(d, "ours.json")))["cases"][0]["seconds_per_epoch"]
pub = json.load(open(os.path.join(d, "reference_public.json")))["seconds_per_epoch"]
fast = json.load(open(os.path.join(d, "reference_fast.json")))["seconds_per_epoch"]
best = min(pub, fast)
goal = ("goal on an H100/H200: <= 4 s and >= 1.3x the faster: " + ("met" if ours <= 4 and best / ours >= 1.3 else "not met")
        if sys.argv[2] != "cpu" else "the goal is for a GPU")
print(f"ours {ours:.2f} s/epoch; {pub / ours:.2f}x the public setting, {fast / ours:.2f}x the fast one ({goal})")
EOF
)"
  fi
fi

# ---- 5. the quickstart project ----------------------------------------------------------
say "quickstart: train --device $device --max-steps $qs_steps"
start=$(now)
runs=$out/runs
rm -rf "$runs"
SIMCLR_DATA_DIR=$out/data "$cli" train projects/quickstart.json --device "$device" --max-steps "$qs_steps" \
  --runs-dir "$runs" --run-name gpu-check >"$out/quickstart.txt" 2>&1
qs_rc=$?
cat "$out/quickstart.txt" >>"$log"
metrics=$(find "$runs" -name metrics.jsonl 2>/dev/null | head -1)
if [ $qs_rc -eq 0 ] && [ -n "$metrics" ]; then
  add "quickstart ($(since "$start") s, profile $([ "$device" = cpu ] && echo cpu || echo cuda)): $("${gen_python}" - "$metrics" "$(dirname "$metrics")" <<'EOF'
import json, sys, os
records = []
for line in open(sys.argv[1]):
    try:
        records.append(json.loads(line))
    except ValueError:
        pass
steps = [r for r in records if "loss" in r and "step" in r]
monitor = [r for r in records if any(k.startswith("knn") for k in r)]
cfg = {}
for name in ("config.json", "project.json"):
    p = os.path.join(sys.argv[2], name)
    if os.path.exists(p):
        cfg = json.load(open(p))
        break
model, training = cfg.get("model", {}), cfg.get("training", {})
text = (f"width {model.get('width', '?')}, batch {training.get('batch_size', '?')}, precision {training.get('precision', '?')}; "
        f"{len(steps)} steps, loss {steps[0]['loss']:.3f} -> {steps[-1]['loss']:.3f}" if steps else "no steps logged")
if steps and "views_per_s" in steps[-1]:
    tail = [s["views_per_s"] for s in steps[len(steps) // 2:]]
    text += f", {sorted(tail)[len(tail) // 2]:.0f} views/s (median of the second half)"
if monitor:
    def at(r):
        return (f"step {r.get('step')} {100 * r.get('knn_top1', 0):.1f}%"
                + (f" (k=10 {100 * r['knn_top1_k10']:.1f}%)" if "knn_top1_k10" in r else ""))
    shown = monitor if len(monitor) <= 6 else monitor[:2] + monitor[-3:]
    text += f"; kNN monitor top-1 (k={monitor[0].get('knn_k', '?')}, chance 10%): " + ", ".join(at(r) for r in shown)
print(text)
EOF
)"
  grep -i "partial set" "$out/quickstart.txt" | head -1 | sed 's/^/  log: /' | while IFS= read -r l; do echo "$l"; done >"$out/partial_note.txt"
  [ -s "$out/partial_note.txt" ] && add "$(cat "$out/partial_note.txt")"
else
  add "quickstart: FAILED (exit $qs_rc): $(tail -3 "$out/quickstart.txt" | tr '\n' ' ')"
  failures=$((failures + 1))
fi

add "total: $(since "$start_all") s; $failures part(s) failed; logs in $out"
{
  echo "==================== gpu_check.sh --device $device: summary ===================="
  printf '%s\n' "${summary[@]}"
} | tee "$out/summary.txt"
[ $failures -eq 0 ]
