"""SIGINT, SIGTERM and SIGKILL mid-run, then ``--resume``: same final metrics as an uninterrupted run."""

import os
import signal
import subprocess
import sys
import time

import mlflow
import pytest

from asnbench import checkpoint
from asnbench.results import ResultsStore
from asnbench.tasks.image_classification import ImageClassification

# 512 samples in batches of 32: 16 steps per epoch, 3 epochs.
RUN_ARGS = ("--epochs", "3", "--max-train-samples", "512", "--batch-size", "32", "--no-progress")
STEPS_PER_EPOCH = 16
COMPARED = (
    "metric_value",
    "integer_metric_value",
    "spikes_per_sample",
    "synops_per_sample",
    "macs_per_sample",
    "energy_pj_per_sample",
)


def _run(outputs, *extra, tracking=False):
    return outputs.invoke("run", "vision/digits", *RUN_ARGS, *outputs.args(tracking), "--json", *extra)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, make_outputs):
    """The record of the same run without interruption."""
    outputs = make_outputs(tmp_path_factory.mktemp("uninterrupted"))
    result = _run(outputs)
    assert result.exit_code == 0, result.output
    return outputs.record(result)


def _signal_at(monkeypatch, call_number, signal_number):
    """Send ``signal_number`` to this process during the ``call_number``-th training step."""
    real_loss = ImageClassification.loss
    calls = {"n": 0}

    def loss(self, model, batch, device):
        calls["n"] += 1
        if calls["n"] == call_number:
            os.kill(os.getpid(), signal_number)
        return real_loss(self, model, batch, device)

    monkeypatch.setattr(ImageClassification, "loss", loss)


def _assert_same_metrics(resumed, reference):
    for key in COMPARED:
        assert resumed[key] == reference[key], key


@pytest.mark.slow
@pytest.mark.parametrize(("signal_number", "exit_code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_saves_step_and_resumes_equal(outputs, monkeypatch, uninterrupted, signal_number, exit_code):
    with monkeypatch.context() as patch:
        _signal_at(patch, STEPS_PER_EPOCH + 5, signal_number)
        stopped = _run(outputs, tracking=True)

    assert stopped.exit_code == exit_code
    message = " ".join(stopped.output.split())
    assert f"stopped by {signal.Signals(signal_number).name} after epoch 1, step 5" in message
    assert "--resume" in message
    assert ResultsStore(outputs.results).read().records == []
    [path] = outputs.checkpoint_files()
    saved = checkpoint.load(path)
    assert (saved["epoch"], saved["step"]) == (1, 5)
    client = mlflow.MlflowClient(tracking_uri=outputs.tracking_uri)
    assert client.get_run(saved["mlflow_run_id"]).info.status == "KILLED"

    resumed = _run(outputs, "--resume", tracking=True)

    assert resumed.exit_code == 0, resumed.output
    record = outputs.record(resumed)
    _assert_same_metrics(record, uninterrupted)
    assert record["mlflow_run_id"] == saved["mlflow_run_id"]
    assert client.get_run(record["mlflow_run_id"]).info.status == "FINISHED"
    assert [r["status"] for r in ResultsStore(outputs.results).read().records] == ["finished"]


def _start_cli(outputs):
    command = [sys.executable, "-m", "asnbench", "run", "vision/digits", *RUN_ARGS, *outputs.args()]
    return subprocess.Popen(command, cwd=outputs.root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for_checkpoint(outputs, process, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not outputs.checkpoint_files():
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, "no checkpoint appeared"
        time.sleep(0.005)


@pytest.mark.slow
@pytest.mark.parametrize(("signal_number", "return_code"), [(signal.SIGTERM, 143), (signal.SIGKILL, -signal.SIGKILL)])
def test_killed_process_resumes_equal(outputs, uninterrupted, signal_number, return_code):
    process = _start_cli(outputs)
    try:
        _wait_for_checkpoint(outputs, process)
        process.send_signal(signal_number)
        stderr = process.communicate(timeout=120)[1].decode()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == return_code, stderr
    assert ResultsStore(outputs.results).read().records == []
    [path] = outputs.checkpoint_files()
    saved = checkpoint.load(path)
    # SIGKILL loses the epoch in progress: the checkpoint is the last finished epoch.
    assert saved["epoch"] >= 1
    if signal_number == signal.SIGKILL:
        assert saved["step"] == 0

    resumed = _run(outputs, "--resume")

    assert resumed.exit_code == 0, resumed.output
    _assert_same_metrics(outputs.record(resumed), uninterrupted)
