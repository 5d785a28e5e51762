"""A NaN or infinite loss stops training with a clear message, a failed record and the last checkpoint kept."""

import math

import mlflow
import pytest
import torch

from asnbench import checkpoint
from asnbench.results import ResultsStore
from asnbench.tasks.image_classification import ImageClassification

# FAST_ARGS train 256 samples in batches of 64 (the digits smoke batch size): 4 steps per epoch.
STEPS_PER_EPOCH = 4


def _diverge_at(monkeypatch, call_number, value):
    """Make the training loss ``value`` from the ``call_number``-th call on; earlier calls are real."""
    real_loss = ImageClassification.loss
    calls = {"n": 0}

    def loss(self, model, batch, device):
        calls["n"] += 1
        result = real_loss(self, model, batch, device)
        if calls["n"] >= call_number:
            return result * torch.tensor(value)
        return result

    monkeypatch.setattr(ImageClassification, "loss", loss)


@pytest.mark.slow
@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_nonfinite_loss_fails_run(outputs, monkeypatch, value):
    _diverge_at(monkeypatch, STEPS_PER_EPOCH + 3, value)

    result = outputs.run_digits(tracking=True)

    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "epoch 2, step 3" in message
    assert "lower --lr" in message
    assert "checkpoint of epoch 1 is kept" in message
    contents = ResultsStore(outputs.results).read()
    assert len(contents.records) == 1
    failed = contents.records[0]
    assert failed["status"] == "failed"
    assert failed["failed_at_epoch"] == 2
    assert failed["failed_at_step"] == 3
    assert "epoch 2, step 3" in failed["error"]
    assert failed["run_key"]
    assert failed["config"]["dataset"] == "vision/digits"
    tracked = mlflow.MlflowClient(tracking_uri=outputs.tracking_uri).get_run(failed["mlflow_run_id"])
    assert tracked.info.status == "FAILED"
    [path] = outputs.checkpoint_files()
    kept = checkpoint.load(path)
    assert kept["epoch"] == 1
    assert kept["step"] == 0
    assert all(torch.isfinite(tensor).all() for tensor in kept["model"].values())


def test_nonfinite_loss_in_first_epoch_leaves_no_checkpoint(outputs, monkeypatch):
    _diverge_at(monkeypatch, 1, math.nan)

    result = outputs.run_digits()

    assert result.exit_code == 1
    assert "No epoch finished, so there is no checkpoint" in " ".join(result.output.split())
    assert outputs.checkpoint_files() == []
    [failed] = ResultsStore(outputs.results).read().records
    assert failed["failed_at_epoch"] == 1
    assert failed["failed_at_step"] == 1
    assert failed["tracking"] is False
