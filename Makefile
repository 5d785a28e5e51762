PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
# Pinned pair installed before the project so that pip does not resolve the
# open torch range to a multi-GB download; pyproject keeps a range this pair satisfies.
TORCH_PIN ?= torch==2.14.1 torchvision==0.29.1

export MLFLOW_DISABLE_TELEMETRY ?= true
export HF_DATASETS_OFFLINE ?= 1
export HF_HUB_OFFLINE ?= 1

.PHONY: setup test smoke clean

setup: $(BIN)/asnbench

$(BIN)/asnbench: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install $(TORCH_PIN)
	$(BIN)/pip install -e '.[dev]'
	touch $@

test: setup
	$(BIN)/python -m pytest -q

smoke: setup
	$(BIN)/asnbench run vision/digits --neuron asn
	$(BIN)/asnbench run vision/digits --neuron lif
	$(BIN)/asnbench run vision/digits --neuron ann

clean:
	rm -rf .pytest_cache mlruns mlflow.db results/runs
