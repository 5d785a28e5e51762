"""The single-process parts of data-parallel support: environment, sharding, count vectors, launcher."""

from __future__ import annotations

import signal
import sys

import pytest
import torch
from typer.testing import CliRunner

from asnbench import distributed
from asnbench.cli import app
from asnbench.config import RunConfig
from asnbench.distributed import DistributedContext
from asnbench.errors import ConfigError
from asnbench.interrupts import StopRequest
from asnbench.launch import torchrun_command
from asnbench.metrics.activity import ActivityMonitor
from asnbench.models import build_model
from asnbench.neurons import neuron_factory
from asnbench.tasks.image_classification import ImageClassification
from asnbench.training import Training


def test_detect_reads_torchrun_environment(monkeypatch):
    monkeypatch.setenv("RANK", "3")
    monkeypatch.setenv("WORLD_SIZE", "4")
    monkeypatch.setenv("LOCAL_RANK", "1")
    context = distributed.detect()
    assert context == DistributedContext(rank=3, world_size=4, local_rank=1)
    assert context.enabled
    assert not context.is_main


def test_detect_without_environment_is_single(monkeypatch):
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
        monkeypatch.delenv(name, raising=False)
    context = distributed.detect()
    assert not context.enabled
    assert context.is_main


def test_detect_rejects_rank_outside_world(monkeypatch):
    monkeypatch.setenv("RANK", "2")
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.raises(ConfigError, match="RANK=2 and WORLD_SIZE=2"):
        distributed.detect()


def test_evaluation_shards_cover_dataset_once():
    dataset = list(range(11))
    shards = [distributed.evaluation_shard(dataset, DistributedContext(rank, 3, rank)) for rank in range(3)]
    items = sorted(item for shard in shards for item in shard)
    assert items == dataset


def test_train_shards_split_each_epoch():
    loader = torch.utils.data.DataLoader(list(range(10)), batch_size=5)
    shards = [distributed.shard_train_loader(loader, DistributedContext(rank, 2, rank), seed=7, epoch=1) for rank in (0, 1)]
    seen = [int(item) for shard in shards for batch in shard for item in batch]
    assert sorted(seen) == list(range(10))
    again = [int(item) for batch in distributed.shard_train_loader(loader, DistributedContext(0, 2, 0), 7, 1) for item in batch]
    assert again == seen[:5]


def test_accuracy_metric_merges_counts():
    task = ImageClassification()
    first, second = task.new_metric(), task.new_metric()
    first.update(torch.tensor([[1.0, 0.0], [0.0, 1.0]]), (None, torch.tensor([0, 0])))
    second.update(torch.tensor([[1.0, 0.0]]), (None, torch.tensor([0])))
    assert distributed.metric_is_mergeable(first)
    first.merge(second)
    assert first.compute() == pytest.approx(2 / 3)


def _monitored_network():
    network = build_model(
        "mlp", input_shape=(1, 8, 8), num_classes=10, make_neuron=neuron_factory("asn", levels=4), timesteps=1
    )
    monitor = ActivityMonitor(network)
    with monitor, torch.no_grad():
        network(torch.rand(5, 1, 8, 8))
    return monitor


def test_count_vector_round_trip_keeps_report():
    monitor = _monitored_network()
    before = monitor.report().to_dict()
    monitor.load_count_vector(monitor.count_vector())
    assert monitor.report().to_dict() == before


def test_summed_count_vectors_keep_per_sample_figures():
    monitor = _monitored_network()
    before = monitor.report()
    monitor.load_count_vector(monitor.count_vector() * 2)
    after = monitor.report()
    assert after.samples == 2 * before.samples
    assert after.synops_per_sample == pytest.approx(before.synops_per_sample)
    assert after.spikes_per_sample == pytest.approx(before.spikes_per_sample)
    assert after.macs_per_sample == pytest.approx(before.macs_per_sample)


def test_torchrun_command_drops_nproc_option():
    command = torchrun_command(["run", "vision/digits", "--nproc-per-node", "2", "--epochs", "1"], 2)
    assert command[:3] == [sys.executable, "-m", "torch.distributed.run"]
    assert command[-6:] == ["-m", "asnbench", "run", "vision/digits", "--epochs", "1"]
    assert command.count("--nproc-per-node") == 1
    assert "--nproc-per-node=3" not in torchrun_command(["run", "--nproc-per-node=3"], 3)


def test_torchrun_command_rejects_zero_processes():
    with pytest.raises(ConfigError, match="at least 1"):
        torchrun_command(["run"], 0)


def test_amp_on_cpu_exits_2(tmp_path):
    folders = ["--results-dir", str(tmp_path / "runs"), "--checkpoint-dir", str(tmp_path / "checkpoints")]
    result = CliRunner().invoke(app, ["run", "vision/digits", "--amp", "--no-tracking", *folders])
    assert result.exit_code == 2
    assert "--amp needs a CUDA device" in result.output


def _rank_one_training(tmp_path):
    model = torch.nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    return Training(
        RunConfig(dataset="vision/digits"),
        ImageClassification(),
        model,
        optimizer,
        torch.optim.lr_scheduler.StepLR(optimizer, 1),
        torch.device("cpu"),
        tmp_path / "last.pt",
        context=DistributedContext(rank=1, world_size=2, local_rank=1),
    )


def test_signal_after_reduction_waits_for_next_check(tmp_path, monkeypatch):
    """A signal that lands just after the cross-rank vote must not make this rank stop alone."""
    training = _rank_one_training(tmp_path)
    stop = StopRequest()
    votes = []

    def vote_then_signal(flag: bool) -> bool:
        votes.append(flag)
        if len(votes) == 1:
            stop.signal_number = signal.SIGTERM  # arrives once the peers have voted "go on"
            return False
        return flag

    monkeypatch.setattr(distributed, "any_rank", vote_then_signal)
    assert training._stop_requested(stop) is False
    assert training._stop_requested(stop) is True
    assert votes == [False, True]


def test_stop_on_a_peer_rank_stops_this_rank(tmp_path, monkeypatch):
    training = _rank_one_training(tmp_path)
    stop = StopRequest()
    monkeypatch.setattr(distributed, "any_rank", lambda flag: True)
    assert training._stop_requested(stop) is True
    assert stop.signal_number == signal.SIGTERM
