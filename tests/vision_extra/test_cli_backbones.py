"""End-to-end CLI runs of the ResNet and transformer backbones on CIFAR-10 and event fixtures."""

import json

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from asnbench.cli import app
from asnbench.data.cifar import CIFAR10_CLASSES

from .event_fixtures import write_dvs_gesture


@pytest.fixture(scope="module")
def tracking_uri(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}"


def _write_cifar10_jpeg(root, per_class):
    rng = np.random.default_rng(0)
    for split in ("train", "test"):
        for name in CIFAR10_CLASSES:
            folder = root / "cifar10_jpeg_subset" / split / name
            folder.mkdir(parents=True)
            for index in range(per_class):
                pixels = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
                Image.fromarray(pixels).save(folder / f"{index}.jpg")


def _run(tmp_path, tracking_uri, dataset, *extra):
    args = [
        "run", dataset, "--epochs", "1", "--batch-size", "8", "--data-dir", str(tmp_path / "data"),
        "--results-dir", str(tmp_path / "runs"), "--checkpoint-dir", str(tmp_path / "checkpoints"),
        "--tracking-uri", tracking_uri, "--no-progress", "--json", *extra,
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("model, neuron", [("resnet", "asn"), ("transformer", "nasn")])
def test_cifar10_backbone_run(tmp_path, tracking_uri, model, neuron):
    _write_cifar10_jpeg(tmp_path / "data", per_class=2)
    record = _run(tmp_path, tracking_uri, "vision/cifar10", "--model", model, "--neuron", neuron)
    assert record["model"] == model
    assert record["test_samples"] == 20
    assert 0.0 <= record["metric_value"] <= 1.0
    assert record["synops_per_sample"] > 0
    assert record["macs_per_sample"] > 0  # the analog first layer under direct encoding


@pytest.mark.slow
def test_dvs_gesture_run_counts_first_layer_as_accumulates(tmp_path, tracking_uri, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    write_dvs_gesture(tmp_path / "data", {"ibmGestureTrain": [1], "ibmGestureTest": [24]}, events=100)
    record = _run(tmp_path, tracking_uri, "vision/dvs-gesture", "--neuron", "asn", "--timesteps", "2")
    assert record["model"] == "resnet"
    assert record["test_samples"] == 11
    assert record["macs_per_sample"] == 0
    assert record["synops_per_sample"] > 0
