#!/usr/bin/env bash
# RL2F training on one GPU: start the teacher as a `vllm serve` process on loopback, wait until it
# answers, train (student in vLLM colocate mode), stop the teacher. The teacher model, host and
# port come from the config's `teacher.model` (vllm/NAME) and `teacher.base_url`. A repro config
# (configs/repro/, its teacher under `train:`) runs `rl2f-eval repro` beside the same teacher.
#   scripts/train-gpu.sh [CONFIG] [extra `python -m rl2f_eval.train` or `repro` options]
set -euo pipefail
config=${1:-configs/train/maze-h100.yaml}
shift || true
bin=${BIN:-.venv/bin}
teacher_memory=${TEACHER_GPU_MEMORY:-0.35}
teacher_length=${TEACHER_MAX_MODEL_LEN:-8192}

"$bin/python" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' || {
    echo "train-gpu: no CUDA GPU visible (for a CPU run: make train-smoke)" >&2
    exit 2
}
read -r model host port kind < <("$bin/python" - "$config" <<'PY'
import sys, urllib.parse, yaml
config = yaml.safe_load(open(sys.argv[1]))
kind = "repro" if "train" in config else "train"
teacher = (config["train"] if kind == "repro" else config).get("teacher", {})
if not str(teacher.get("model", "")).startswith("vllm/") or not teacher.get("base_url"):
    sys.exit("train-gpu: the config's teacher needs model: vllm/NAME and base_url")
url = urllib.parse.urlparse(teacher["base_url"])
print(teacher["model"].removeprefix("vllm/"), url.hostname, url.port or 80, kind)
PY
)
log=${TEACHER_LOG:-teacher-vllm.log}
echo "teacher: vllm serve $model on $host:$port (log: $log)" >&2
"$bin/vllm" serve "$model" --host "$host" --port "$port" --dtype bfloat16 \
    --gpu-memory-utilization "$teacher_memory" --max-model-len "$teacher_length" >"$log" 2>&1 &
teacher=$!
trap 'kill "$teacher" 2>/dev/null; wait "$teacher" 2>/dev/null || true' EXIT
until "$bin/python" -c "import urllib.request as u; u.urlopen('http://$host:$port/health', timeout=2)" 2>/dev/null; do
    kill -0 "$teacher" 2>/dev/null || { echo "train-gpu: the teacher server exited; see $log" >&2; exit 1; }
    sleep 5
done
if [ "$kind" = repro ]; then
    "$bin/rl2f-eval" repro "$config" "$@"
else
    "$bin/python" -m rl2f_eval.train --config "$config" "$@"
fi
