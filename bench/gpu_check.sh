#!/usr/bin/env bash
# The MNIST models on a GPU machine, in one prepared run (about 5 minutes on one GPU):
#   bash bench/gpu_check.sh [OUT]        (OUT: where the run directories go; default /tmp/gpu-check)
#
# For each model (dcgan, conditional, infogan): a short budget (3 epochs of the embedded digits) on
# CUDA with mixed precision and channels-last (the config's defaults there), checked for finite
# outputs and a score that rises from the untrained generator's; its images/s beside the same
# budget on the CPU (2 threads); then the torchrun path with NCCL at world size 1. Prints one line
# per check and exits non-zero when any fails. Needs only what the README installs.
set -uo pipefail
OUT=${1:-/tmp/gpu-check}
mkdir -p "$OUT"
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
FAILED=0

"$PY" - <<'EOF' || { echo "FAIL: no CUDA device"; exit 1; }
import torch
assert torch.cuda.is_available(), "torch sees no CUDA device"
print("device:", torch.cuda.get_device_name(0), "| torch", torch.__version__, "| bf16:", torch.cuda.is_bf16_supported())
EOF

for MODEL in dcgan conditional infogan; do
  for DEVICE in cuda cpu; do
    DIR="$OUT/$MODEL-$DEVICE"
    if [ "$DEVICE" = cpu ]; then export OMP_NUM_THREADS=2; else unset OMP_NUM_THREADS; fi
    if ! "$PY" -m explorer.cli mnist --model "$MODEL" --device "$DEVICE" --epochs 3 --eval-every 1 \
         --set eval_samples=2000 --no-progress --out "$DIR" > "$DIR.log" 2>&1; then
      echo "FAIL: $MODEL on $DEVICE (see $DIR.log)"; tail -5 "$DIR.log"; FAILED=1; continue
    fi
  done
  "$PY" - "$OUT" "$MODEL" <<'EOF' || FAILED=1
import json, math, sys
import numpy as np
out, model = sys.argv[1], sys.argv[2]
gpu = json.load(open(f"{out}/{model}-cuda/metrics.json"))
cpu = json.load(open(f"{out}/{model}-cpu/metrics.json"))
samples = np.load(f"{out}/{model}-cuda/samples.npy")
curve = [q["inception_score"] for q in gpu["quality_curve"]]
problems = []
if not all(math.isfinite(q) for q in curve) or not math.isfinite(gpu["frechet_distance"]):
    problems.append("a score is not finite")
if samples.std() == 0:
    problems.append("the samples are all the same")
if len(curve) < 2 or curve[-1] <= curve[0]:
    problems.append(f"the score did not rise: {curve}")
extra = {k: round(gpu[k], 3) for k in ("class_accuracy", "code_agreement") if k in gpu}
print(f"{'FAIL' if problems else 'ok'}: {model}: GPU {gpu['images_per_second']:.0f} images/s vs CPU "
      f"{cpu['images_per_second']:.0f} ({gpu['images_per_second'] / cpu['images_per_second']:.1f}x); IS per epoch "
      f"{[round(c, 2) for c in curve]}, final IS {gpu['inception_score']:.2f}, FD {gpu['frechet_distance']:.1f} "
      f"{extra} {'; '.join(problems)}")
sys.exit(1 if problems else 0)
EOF
done

# torchrun, NCCL, world size 1: the distributed path runs and writes the same directory
if "$PY" -m torch.distributed.run --nproc-per-node 1 -m explorer.cli mnist --model conditional --device cuda \
     --epochs 1 --eval-every 0 --set eval_samples=1000 --no-progress --out "$OUT/torchrun" > "$OUT/torchrun.log" 2>&1 \
   && grep -q "nccl\|NCCL\|processes\|iterations" "$OUT/torchrun.log" && [ -f "$OUT/torchrun/metrics.json" ]; then
  echo "ok: torchrun --nproc-per-node 1 (NCCL): $(tail -1 "$OUT/torchrun.log")"
else
  echo "FAIL: torchrun (see $OUT/torchrun.log)"; tail -5 "$OUT/torchrun.log"; FAILED=1
fi
exit $FAILED
