"""End to end: train a tiny run, then `hw run` and `export` it through the command line."""

import json

import nir
import pytest
from typer.testing import CliRunner

from asnbench.cli import app
from asnbench.hardware import export_format

from .conftest import lava_python

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hw-run")
    options = ["--results-dir", str(folder / "runs"), "--tracking-uri", f"sqlite:///{folder / 'mlflow.db'}"]
    result = CliRunner().invoke(
        app,
        ["run", "vision/digits", "--neuron", "asn", "--epochs", "1", "--max-train-samples", "128",
         "--checkpoint-dir", str(folder / "ckpt"), "--no-progress", "--json", *options],
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.strip().splitlines()[-1])
    return record, options


def test_hw_run_reports_parity(trained_run):
    lava = lava_python()
    if lava is None:
        pytest.skip("no Lava environment: run `make setup-loihi` to build .venv-lava")
    record, options = trained_run
    run_id = record["mlflow_run_id"]
    result = CliRunner().invoke(
        app, ["hw", "run", "vision/digits", "--run", run_id, "--samples", "40", "--lava-python", str(lava), *options]
    )
    assert result.exit_code == 0, result.output
    store = options[1] + "/runs.jsonl"
    reports = [json.loads(line) for line in open(store) if '"hardware_parity"' in line]
    assert len(reports) == 1
    report = reports[0]
    assert report["samples"] == 40
    assert report["prediction_agreement"] == 1.0
    assert report["spike_counts_equal"] is True
    assert report["lava_steps_per_sample"] == pytest.approx(1 + 1 / 40)

    import mlflow

    run = mlflow.MlflowClient(tracking_uri=options[3]).get_run(run_id)
    assert run.data.metrics["hw_loihi2_sim_floating_pt_prediction_agreement"] == 1.0


def test_hw_run_rejects_other_dataset(trained_run, tmp_path):
    lava = lava_python()
    if lava is None:
        pytest.skip("no Lava environment: run `make setup-loihi` to build .venv-lava")
    record, options = trained_run
    result = CliRunner().invoke(
        app, ["hw", "run", "vision/mnist", "--run", record["mlflow_run_id"], "--lava-python", str(lava), *options]
    )
    assert result.exit_code == 2
    assert "trained on vision/digits" in result.output


def test_export_nir_rejects_asn_then_approximates(trained_run, tmp_path):
    record, options = trained_run
    out = tmp_path / "model.nir"
    args = ["export", "--run", record["mlflow_run_id"], "--format", "nir", "--out", str(out), *options]
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 2
    assert "adaptive threshold" in refused.output
    approximated = CliRunner().invoke(app, [*args, "--approximate"])
    assert approximated.exit_code == 0, approximated.output
    assert isinstance(nir.read(str(out)).nodes["layer2"], nir.LIF)


def test_export_lava_file(trained_run, tmp_path):
    record, options = trained_run
    out = tmp_path / "model.npz"
    result = CliRunner().invoke(
        app, ["export", "--run", record["mlflow_run_id"], "--format", "lava", "--out", str(out), *options]
    )
    assert result.exit_code == 0, result.output
    assert export_format.load(out).meta["neuron"] == "asn"


def test_unknown_run_rejected(trained_run, tmp_path):
    _, options = trained_run
    result = CliRunner().invoke(app, ["export", "--run", "missing", "--out", str(tmp_path / "m.nir"), *options])
    assert result.exit_code == 2
    assert "no finished run 'missing'" in result.output
