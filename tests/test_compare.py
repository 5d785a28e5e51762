"""``compare``: means, spreads, differences and ratios against records written here."""

import csv
import io
import json
import statistics

import pytest
from result_records import make_record
from typer.testing import CliRunner

from asnbench.cli import app
from asnbench.compare import compare
from asnbench.errors import AsnbenchError
from asnbench.results import ResultsStore


def _records():
    return [
        make_record(neuron="lif", seed=0, metric=0.90, spikes=200.0, synops=2000.0, energy=8000.0),
        make_record(neuron="lif", seed=1, metric=0.92, spikes=220.0, synops=2200.0, energy=8800.0),
        make_record(neuron="asn", seed=0, metric=0.94, spikes=50.0, synops=500.0, energy=2000.0),
        make_record(neuron="asn", seed=1, metric=0.96, spikes=70.0, synops=700.0, energy=2800.0),
        make_record(neuron="ann", seed=0, metric=0.97, spikes=0.0, synops=0.0, energy=4000.0),
        make_record(dataset="vision/mnist", neuron="asn", seed=0, metric=0.98),
    ]


def test_compare_statistics_and_ratios():
    comparison = compare(_records(), "lif", ("asn", "lif", "ann"))
    row = comparison.rows[("vision/digits", "smoke")]

    assert comparison.neurons == ["lif", "asn", "ann"]
    assert row["lif"].metric_mean == pytest.approx(0.91)
    assert row["lif"].metric_std == pytest.approx(statistics.stdev([0.90, 0.92]))
    assert row["asn"].seeds == [0, 1]
    assert row["asn"].delta == pytest.approx(0.95 - 0.91)
    assert row["asn"].spikes_ratio == pytest.approx(60.0 / 210.0)
    assert row["asn"].synops_ratio == pytest.approx(600.0 / 2100.0)
    assert row["asn"].energy_ratio == pytest.approx(2400.0 / 8400.0)
    assert row["ann"].metric_std is None
    assert row["ann"].energy_ratio == pytest.approx(4000.0 / 8400.0)
    assert row["lif"].energy_ratio == pytest.approx(1.0)


def test_compare_dataset_without_baseline():
    comparison = compare(_records(), "lif")
    mnist = comparison.rows[("vision/mnist", "smoke")]["asn"]

    assert mnist.metric_mean == pytest.approx(0.98)
    assert mnist.delta is None
    assert mnist.energy_ratio is None


def test_compare_latest_configuration_wins():
    records = _records() + [
        make_record(neuron="asn", seed=0, metric=0.50, epochs=7, finished_at="2026-02-01T00:00:00+00:00"),
    ]
    row = compare(records, "lif").rows[("vision/digits", "smoke")]

    assert row["asn"].metric_mean == pytest.approx(0.50)
    assert row["asn"].seeds == [0]


def test_compare_ignores_failed_and_unknown_baseline():
    records = _records() + [dict(make_record(neuron="plif", metric=0.1), status="failed")]

    assert "plif" not in compare(records, "lif").neurons
    with pytest.raises(AsnbenchError, match="baseline neuron 'plif'"):
        compare(records, "plif")


@pytest.mark.parametrize("output_format", ["csv", "json", "md", "table"])
def test_compare_cli_formats(tmp_path, output_format):
    store = ResultsStore(tmp_path / "runs")
    for record in _records():
        store.append(record)
    out = tmp_path / f"compare.{output_format}"

    result = CliRunner().invoke(
        app,
        ["compare", "--baseline", "lif", "--results-dir", str(tmp_path / "runs"), "--format", output_format, "--out", str(out)],
    )

    assert result.exit_code == 0, result.output
    text = out.read_text()
    if output_format == "json":
        rows = json.loads(text)["results"]
        asn = next(r for r in rows if r["neuron"] == "asn" and r["dataset"] == "vision/digits")
        assert asn["energy_ratio"] == pytest.approx(2400.0 / 8400.0)
    elif output_format == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 4
        asn = next(r for r in rows if r["neuron"] == "asn" and r["dataset"] == "vision/digits")
        assert float(asn["delta"]) == pytest.approx(0.04)
        assert asn["seeds"] == "0 1"
    elif output_format == "md":
        lines = text.strip().splitlines()
        header = [cell.strip() for cell in lines[0].strip("|").split("|")]
        digits = [cell.strip() for cell in lines[2].strip("|").split("|")]
        assert header[:4] == ["dataset", "profile", "metric", "lif"]
        assert digits[header.index("asn energy ×")] == "0.286x"
        assert digits[header.index("asn Δ")] == "+0.0400"
    else:
        assert "vision/digits" in text
        assert "0.286x" in text


def test_compare_cli_empty_store(tmp_path):
    result = CliRunner().invoke(app, ["compare", "--results-dir", str(tmp_path / "none")])

    assert result.exit_code == 2
    assert "no finished records" in result.output
