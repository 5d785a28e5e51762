"""Pairing ASN with LIF at equal spike slots and QANN at equal levels, from records and through the CLI."""

import json

import pytest
from typer.testing import CliRunner

from asnbench.cli import app
from asnbench.config import RunConfig
from asnbench.errors import AsnbenchError
from asnbench.fairness import fair_compare, spike_slots
from asnbench.results import ResultsStore


def record(neuron, timesteps=None, levels=4, seed=0, metric=0.9, macs=1000.0, synops=0.0, slots="derive", **extra):
    config = RunConfig(dataset="vision/digits", neuron=neuron, seed=seed, timesteps=timesteps, levels=levels).resolved()
    result = {
        "dataset": config.dataset,
        "profile": config.profile,
        "neuron": neuron,
        "seed": seed,
        "timesteps": config.timesteps,
        "levels": levels if neuron in ("asn", "nasn", "qann") else None,
        "metric_name": "accuracy",
        "higher_is_better": True,
        "metric_value": metric,
        "spikes_per_sample": 10.0,
        "synops_per_sample": synops,
        "macs_per_sample": macs,
        "energy_pj_per_sample": 4.6 * macs + 0.9 * synops,
        "energy_model": "45nm",
        "run_key": config.key(),
        "status": "finished",
        "config": config.to_dict(),
        "finished_at": "2026-01-01T00:00:00+00:00",
        **extra,
    }
    if slots != "derive":
        result["spike_slots"] = slots
    return result


RECORDS = [
    record("ann", metric=0.95, macs=19_000.0),
    record("qann", levels=4, metric=0.90, macs=19_000.0),
    record("qann", levels=2, metric=0.88, macs=19_000.0),
    record("lif", timesteps=4, metric=0.91, macs=16_000.0, synops=8_000.0, slots=4.0),
    record("lif", timesteps=16, metric=0.92, macs=16_000.0, synops=30_000.0, slots=16.0),
    record("asn", timesteps=1, levels=4, metric=0.94, macs=16_000.0, synops=2_000.0, slots=4.0),
    record("asn", timesteps=1, levels=4, seed=1, metric=0.92, macs=16_000.0, synops=4_000.0, slots=4.0),
]


def only(comparison):
    [row] = comparison.pairings.values()
    [pairing] = row
    return pairing


def test_asn_pairs_with_equal_slots_lif():
    pairing = only(fair_compare(RECORDS))
    assert pairing.reference.label == "asn T=1 D=4"
    assert [c.label for c in pairing.equal_slots] == ["lif T=4"]


def test_asn_pairs_with_equal_levels_qann():
    pairing = only(fair_compare(RECORDS))
    assert [c.label for c in pairing.equal_levels] == ["qann T=1 D=4"]


def test_seeds_averaged_per_configuration():
    reference = only(fair_compare(RECORDS)).reference
    assert reference.seeds == [0, 1]
    assert reference.metric_mean == pytest.approx(0.93)
    assert reference.synops_per_sample == pytest.approx(3_000.0)


def test_energy_recomputed_per_model():
    comparison = fair_compare(RECORDS, ["45nm", "45nm-int8"])
    reference = only(comparison).reference
    # 16,000 MACs and 3,000 ACs per sample.
    assert reference.energy_pj["45nm"] == pytest.approx(4.6 * 16_000 + 0.9 * 3_000)
    assert reference.energy_pj["45nm-int8"] == pytest.approx(0.23 * 16_000 + 0.03 * 3_000)
    assert reference.memory_energy_pj["45nm"] is None


def test_configurations_listed_in_order():
    [row] = fair_compare(RECORDS).configurations.values()
    labels = [c.label for c in row]
    assert labels == ["ann T=1", "qann T=1 D=2", "qann T=1 D=4", "lif T=4", "lif T=16", "asn T=1 D=4"]


def test_old_records_derive_slots():
    assert spike_slots(record("asn", timesteps=2, levels=3)) == 6
    assert spike_slots(record("lif", timesteps=8)) == 8
    assert spike_slots(record("ann")) is None


def test_no_partner_left_empty():
    pairing = only(fair_compare([record("asn", timesteps=2, levels=4, slots=8.0)]))
    assert pairing.equal_slots == []
    assert pairing.equal_levels == []


def test_no_finished_records_raises():
    with pytest.raises(AsnbenchError, match="no finished records"):
        fair_compare([{**RECORDS[0], "status": "failed"}])


@pytest.fixture
def store(tmp_path):
    results = ResultsStore(str(tmp_path / "runs"))
    for item in RECORDS:
        results.append(item)
    return str(tmp_path / "runs")


def test_cli_equal_slots_markdown(store, tmp_path):
    memory_model = tmp_path / "sram.yaml"
    memory_model.write_text("name: sram\ne_mac_pj: 4.6\ne_ac_pj: 0.9\nmemory: {e_access_pj: 10}\n", encoding="utf-8")
    args = ["compare", "--equal-slots", "--results-dir", store, "--format", "md"]
    args += ["--energy-model", "45nm-int8", "--energy-model", str(memory_model)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "| energy pJ 45nm-int8 | energy pJ sram | memory pJ sram |" in result.output
    assert "| vision/digits | smoke | asn T=1 D=4 | equal slots | lif T=4 | +0.0200 |" in result.output
    assert "| vision/digits | smoke | asn T=1 D=4 | equal levels | qann T=1 D=4 | +0.0300 |" in result.output
    assert "model 45nm-int8: MAC 0.23 pJ, AC 0.03 pJ" in result.output


def test_cli_equal_slots_json(store):
    result = CliRunner().invoke(app, ["compare", "--equal-slots", "--results-dir", store, "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["energy_models"] == ["45nm"]
    assert payload["pairings"][0]["equal_slots"] == ["lif T=4"]
    assert payload["pairings"][0]["equal_levels"] == ["qann T=1 D=4"]


def test_cli_unknown_energy_model_exits_2(store):
    args = ["compare", "--equal-slots", "--results-dir", store, "--energy-model", "45nm-int9"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "45nm-int9" in result.output


def test_records_without_timesteps_field():
    # Records written by older versions carry timesteps and levels only in their config.
    old = [{k: v for k, v in item.items() if k not in ("timesteps", "levels", "spike_slots")} for item in RECORDS]
    pairing = only(fair_compare(old))
    assert pairing.reference.label == "asn T=1 D=4"
    assert [c.label for c in pairing.equal_slots] == ["lif T=4"]
    assert [c.label for c in pairing.equal_levels] == ["qann T=1 D=4"]


def test_leaderboard_markdown_fair_section(store, tmp_path):
    out = tmp_path / "board.md"
    args = ["leaderboard", "export", "--results-dir", store, "--format", "md", "--out", str(out), "--equal-slots"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "## Fair comparisons" in text
    assert "| vision/digits | smoke | asn T=1 D=4 | equal slots | lif T=4 | +0.0200 |" in text


def test_leaderboard_markdown_default_unchanged(store, tmp_path):
    out = tmp_path / "board.md"
    result = CliRunner().invoke(app, ["leaderboard", "export", "--results-dir", store, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Fair comparisons" not in out.read_text(encoding="utf-8")


def test_energy_model_reruns_count_once():
    rerun = record("asn", timesteps=1, levels=4, metric=0.50, macs=16_000.0, synops=2_000.0, slots=4.0)
    rerun["config"] = {**rerun["config"], "energy_model": "45nm-int8"}
    rerun["run_key"] = "rerun-int8"
    rerun["finished_at"] = "2026-01-02T00:00:00+00:00"
    reference = only(fair_compare([*RECORDS, rerun])).reference
    assert reference.seeds == [0, 1]
    assert reference.metric_mean == pytest.approx((0.50 + 0.92) / 2)
