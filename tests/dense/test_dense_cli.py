"""End-to-end ``asnbench run`` of det/penn-fudan and seg/penn-fudan on a fixture-sized PennFudanPed copy."""

import json

import pytest
from typer.testing import CliRunner

from asnbench.cli import app
from asnbench.results import ResultsStore


def _run(root, tmp_path, dataset, neuron):
    args = [
        "run",
        dataset,
        "--neuron",
        neuron,
        "--epochs",
        "1",
        "--batch-size",
        "4",
        "--data-dir",
        str(root),
        "--no-download",
        "--results-dir",
        str(tmp_path / "runs"),
        "--checkpoint-dir",
        str(tmp_path / "checkpoints"),
        "--tracking-uri",
        f"sqlite:///{tmp_path / 'mlflow.db'}",
        "--no-progress",
        "--json",
    ]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize(("dataset", "metric"), [("det/penn-fudan", "map_50"), ("seg/penn-fudan", "miou")])
def test_dense_run_records_metric_and_counts(penn_fudan_root, tmp_path, dataset, metric):
    record = _run(penn_fudan_root, tmp_path, dataset, "asn")

    assert record["metric_name"] == metric
    assert 0.0 <= record["metric_value"] <= 1.0
    assert record["train_samples"] == 7
    assert record["test_samples"] == 3
    assert record["synops_per_sample"] > 0
    # Only the first conv sees the analog image: 3 -> 16 channels, 3x3, 96x96, zero padding not counted.
    assert record["macs_per_sample"] == 16 * 3 * (96 * 96 * 9 - 4 * 96 * 3 + 4)
    stored = ResultsStore(tmp_path / "runs").read().records
    assert [r["mlflow_run_id"] for r in stored] == [record["mlflow_run_id"]]


@pytest.mark.slow
def test_dense_run_ann_counts_only_macs(penn_fudan_root, tmp_path):
    record = _run(penn_fudan_root, tmp_path, "seg/penn-fudan", "ann")

    assert record["synops_per_sample"] == 0
    assert record["spikes_per_sample"] == 0
    assert record["macs_per_sample"] > 16 * 3 * 96 * 96
