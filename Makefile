PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
# Pinned pair installed before the project so that pip does not resolve the
# open torch range to a multi-GB download; pyproject keeps a range this pair satisfies.
TORCH_PIN ?= torch==2.14.1 torchvision==0.29.1

export MLFLOW_DISABLE_TELEMETRY ?= true
export HF_DATASETS_OFFLINE ?= 1
export HF_HUB_OFFLINE ?= 1

.PHONY: setup setup-loihi test smoke bench clean

setup: $(BIN)/asnbench

$(BIN)/asnbench: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install $(TORCH_PIN)
	$(BIN)/pip install -e '.[dev]'
	touch $@

# Lava (Loihi 2 simulator) needs Python 3.10: lava-nc 0.10.0 requires >=3.10,<3.11.
# It lives in its own venv and runs as a subprocess of `asnbench hw run`.
LAVA_VENV ?= .venv-lava
LAVA_PYTHON ?= $(shell python3.10 -c 'import sys; print(sys.executable)' 2>/dev/null \
	|| PYENV_VERSION=3.10 pyenv which python3.10 2>/dev/null)

setup-loihi: $(LAVA_VENV)/.lava-installed

$(LAVA_VENV)/.lava-installed:
	@test -n "$(LAVA_PYTHON)" || { echo "setup-loihi: no Python 3.10 found (lava-nc 0.10.0 needs >=3.10,<3.11); install one and run 'make setup-loihi LAVA_PYTHON=/path/to/python3.10'" >&2; exit 1; }
	test -x $(LAVA_VENV)/bin/python || $(LAVA_PYTHON) -m venv $(LAVA_VENV)
	$(LAVA_VENV)/bin/pip install lava-nc==0.10.0
	touch $@

test: setup
	$(BIN)/python -m pytest -q

smoke: setup
	$(BIN)/asnbench run vision/digits --neuron asn
	$(BIN)/asnbench run vision/digits --neuron lif
	$(BIN)/asnbench run vision/digits --neuron ann

# Speed and memory against snnTorch, SpikingJelly and NeuroBench; writes docs/benchmarks.md.
# eval and epoch read MNIST from $$ASNBENCH_DATA. Example: make bench BENCH_ARGS='--threads 1'
bench: setup
	$(BIN)/python -m benchmarks all $(BENCH_ARGS)

clean:
	rm -rf .pytest_cache mlruns mlflow.db results/runs
