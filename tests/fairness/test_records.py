"""Spike slots, levels and the memory term in the records of real runs on vision/digits."""

import pytest

from asnbench.config import RunConfig
from asnbench.runner import RunOptions, run

MEMORY_MODEL = "name: digits-sram\ne_mac_pj: 4.6\ne_ac_pj: 0.9\nmemory:\n  e_access_pj: 10\n"


def run_digits(tmp_path, neuron, **config):
    options = RunOptions(
        results_dir=str(tmp_path / "runs"),
        checkpoint_dir=str(tmp_path / "checkpoints"),
        progress=False,
        tracking=False,
    )
    settings = {"epochs": 1, "max_train_samples": 64, "batch_size": 32, **config}
    return run(RunConfig(dataset="vision/digits", neuron=neuron, **settings), options)


@pytest.mark.slow
@pytest.mark.parametrize(
    "neuron, config, slots, levels",
    [
        ("asn", {"timesteps": 1, "levels": 4}, 4, 4),
        ("asn", {"timesteps": 2, "levels": 3}, 6, 3),
        ("lif", {"timesteps": 2}, 2, None),
        ("qann", {"levels": 4}, None, 4),
        ("ann", {}, None, None),
    ],
)
def test_record_spike_slots(tmp_path, neuron, config, slots, levels):
    record = run_digits(tmp_path, neuron, **config)
    assert record["spike_slots"] == slots
    assert record["activity"]["spike_slots"] == slots
    assert record["levels"] == levels


@pytest.mark.slow
def test_record_memory_term_from_yaml(tmp_path):
    path = tmp_path / "sram.yaml"
    path.write_text(MEMORY_MODEL, encoding="utf-8")
    record = run_digits(tmp_path, "asn", energy_model=str(path))
    activity = record["activity"]
    operations = record["macs_per_sample"] + record["synops_per_sample"]
    assert record["energy_model"] == "digits-sram"
    assert activity["memory_accesses_per_sample"] == pytest.approx(3 * operations)
    assert activity["memory_energy_pj_per_sample"] == pytest.approx(30 * operations)
    assert record["energy_pj_per_sample"] == pytest.approx(
        4.6 * record["macs_per_sample"] + 0.9 * record["synops_per_sample"]
    )
