"""End-to-end runs of ``asnbench run vision/digits`` through the command line."""

import json

import pytest
from typer.testing import CliRunner

from asnbench.cli import app
from asnbench.results import ResultsStore

REQUIRED_KEYS = {
    "dataset",
    "task",
    "neuron",
    "seed",
    "timesteps",
    "levels",
    "metric_name",
    "metric_value",
    "spikes_per_sample",
    "synops_per_sample",
    "macs_per_sample",
    "energy_pj_per_sample",
    "energy_model",
    "train_seconds",
    "eval_seconds",
    "mlflow_run_id",
}


@pytest.fixture(scope="module")
def tracking_uri(tmp_path_factory):
    # One MLflow store for the module: creating a SQLite store runs its migrations, which takes seconds.
    return f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}"


@pytest.fixture
def _run(tmp_path, tracking_uri):
    def invoke(*extra):
        return _invoke(tmp_path, tracking_uri, *extra)

    return invoke


def _invoke(tmp_path, tracking_uri, *extra):
    args = [
        "run",
        "vision/digits",
        "--epochs",
        "3",
        "--results-dir",
        str(tmp_path / "runs"),
        "--checkpoint-dir",
        str(tmp_path / "checkpoints"),
        "--tracking-uri",
        tracking_uri,
        "--no-progress",
        "--json",
        *extra,
    ]
    return CliRunner().invoke(app, args, catch_exceptions=False)


@pytest.mark.slow
@pytest.mark.parametrize("neuron", ["asn", "lif", "ann"])
def test_run_digits_records_and_tracks(_run, tmp_path, tracking_uri, neuron):
    import mlflow

    result = _run("--neuron", neuron)

    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert REQUIRED_KEYS <= record.keys()
    assert record["neuron"] == neuron
    assert record["metric_name"] == "accuracy"
    assert 0.5 < record["metric_value"] <= 1.0
    stored = ResultsStore(tmp_path / "runs").read().records
    assert [r["mlflow_run_id"] for r in stored] == [record["mlflow_run_id"]]
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    tracked = client.get_run(record["mlflow_run_id"])
    assert tracked.info.status == "FINISHED"
    assert tracked.data.metrics["final_metric_value"] == pytest.approx(record["metric_value"])
    assert tracked.data.params["neuron"] == neuron


@pytest.mark.slow
def test_spiking_neurons_count_accumulates(_run):
    result = _run("--neuron", "asn")
    record = json.loads(result.stdout.strip().splitlines()[-1])

    assert record["synops_per_sample"] > 0
    assert record["spikes_per_sample"] > 0
    # Only the analog first layer costs MACs: 64 inputs x 256 hidden units, one step.
    assert record["macs_per_sample"] == 64 * 256


@pytest.mark.slow
def test_ann_has_no_accumulates(_run):
    result = _run("--neuron", "ann")
    record = json.loads(result.stdout.strip().splitlines()[-1])

    assert record["synops_per_sample"] == 0
    assert record["macs_per_sample"] == 64 * 256 + 256 * 10


def test_unknown_dataset_exits_2_with_suggestion(tmp_path):
    result = CliRunner().invoke(app, ["run", "vision/mnits", "--results-dir", str(tmp_path / "runs")])

    assert result.exit_code == 2
    assert "vision/mnist" in result.output
    assert not (tmp_path / "runs").exists()


@pytest.mark.slow
def test_resume_continues_to_same_result(_run):
    first = _run("--neuron", "asn", "--epochs", "2")
    assert first.exit_code == 0, first.output
    resumed = _run("--neuron", "asn", "--epochs", "2", "--resume")

    assert resumed.exit_code == 0, resumed.output
    a = json.loads(first.stdout.strip().splitlines()[-1])
    b = json.loads(resumed.stdout.strip().splitlines()[-1])
    assert b["metric_value"] == a["metric_value"]
    assert b["mlflow_run_id"] == a["mlflow_run_id"]
