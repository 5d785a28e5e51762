"""End-to-end ``asnbench run`` of one dataset per language task on fixtures."""

import json

import pytest
import torch
from typer.testing import CliRunner

from asnbench.cli import app
from asnbench.data.vocabulary import Vocabulary



def _run(tmp_path, root, dataset, *extra):
    args = [
        "run",
        dataset,
        "--epochs",
        "1",
        "--data-dir",
        str(root),
        "--results-dir",
        str(tmp_path / "runs"),
        "--checkpoint-dir",
        str(tmp_path / "checkpoints"),
        "--tracking-uri",
        f"sqlite:///{tmp_path / 'mlflow.db'}",
        "--no-progress",
        "--json",
        *extra,
    ]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def _checkpoint_state(tmp_path):
    (path,) = (tmp_path / "checkpoints").rglob("last.pt")
    return torch.load(path, weights_only=False)["model"]


@pytest.mark.slow
def test_text_classification_run(tmp_path, text_root):
    record = _run(tmp_path, text_root, "text/sst2", "--neuron", "asn")

    assert record["task"] == "text_classification"
    assert record["metric_name"] == "accuracy"
    assert 0.0 <= record["metric_value"] <= 1.0
    assert record["macs_per_sample"] > 0
    assert record["synops_per_sample"] > 0
    vocabulary = Vocabulary.from_tensor(_checkpoint_state(tmp_path)["vocabulary"])
    assert vocabulary.tokens[:2] == ["<pad>", "<unk>"]
    assert "funny" in vocabulary


@pytest.mark.slow
def test_language_modeling_run(tmp_path, lm_root):
    record = _run(tmp_path, lm_root, "lm/ptb", "--neuron", "lif", "--timesteps", "2")

    assert record["metric_name"] == "perplexity"
    assert record["higher_is_better"] is False
    assert 1.0 < record["metric_value"] < 1e4
    assert record["macs_per_sample"] == 0
    matmuls = [layer for layer in record["activity"]["layers"] if layer["kind"] == "matmul"]
    assert len(matmuls) == 4


@pytest.mark.slow
def test_sequence_labeling_run(tmp_path, tag_root):
    record = _run(tmp_path, tag_root, "tag/conll2003", "--neuron", "ann")

    assert record["metric_name"] == "entity_f1"
    assert 0.0 <= record["metric_value"] <= 1.0
    assert record["synops_per_sample"] == 0
    assert record["macs_per_sample"] > 0
    labels = Vocabulary.from_tensor(_checkpoint_state(tmp_path)["label_names"]).tokens
    assert labels == ["I-LOC", "I-MISC", "I-ORG", "I-PER", "O"]
