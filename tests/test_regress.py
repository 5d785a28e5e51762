"""``regress``: exit codes for improved, equal, regressed and missing records, and tolerance parsing."""

import json

import pytest
from result_records import make_record
from typer.testing import CliRunner

from asnbench.cli import app
from asnbench.errors import ConfigError
from asnbench.regress import Tolerance, check_records, parse_tolerances
from asnbench.results import ResultsStore

REFERENCE = dict(metric=0.90, spikes=100.0, synops=1000.0, energy=5000.0)


def _setup(tmp_path, **current):
    reference_store = ResultsStore(tmp_path / "reference-runs")
    reference_store.append(make_record(**REFERENCE))
    reference = tmp_path / "reference.json"
    written = CliRunner().invoke(
        app, ["regress", "--reference", str(reference), "--results-dir", str(tmp_path / "reference-runs"), "--write"]
    )
    assert written.exit_code == 0, written.output
    store = ResultsStore(tmp_path / "runs")
    if current:
        store.append(make_record(**{**REFERENCE, **current}))
    return reference


def _regress(tmp_path, reference, *extra):
    args = ["regress", "--reference", str(reference), "--results-dir", str(tmp_path / "runs"), *extra]
    return CliRunner().invoke(app, args)


@pytest.mark.parametrize(
    "current, exit_code",
    [
        ({}, 0),
        ({"metric": 0.95, "energy": 3000.0}, 0),
        ({"metric": 0.89}, 0),
        ({"metric": 0.80}, 1),
        ({"energy": 6000.0}, 1),
        ({"spikes": 150.0}, 1),
    ],
    ids=["equal", "improved", "within-tolerance", "metric-dropped", "energy-grew", "spikes-grew"],
)
def test_regress_exit_codes(tmp_path, current, exit_code):
    reference = _setup(tmp_path, **(current or {"metric": REFERENCE["metric"]}))

    result = _regress(tmp_path, reference)

    assert result.exit_code == exit_code, result.output
    assert ("regressed:" in result.output) == (exit_code == 1)


def test_regress_missing_record_fails(tmp_path):
    reference = _setup(tmp_path)

    result = _regress(tmp_path, reference)

    assert result.exit_code == 1
    assert "no record" in result.output


def test_regress_tolerance_option(tmp_path):
    reference = _setup(tmp_path, metric=0.80)

    assert _regress(tmp_path, reference, "--tolerance", "accuracy=0.15").exit_code == 0
    assert _regress(tmp_path, reference, "--tolerance", "metric=20%").exit_code == 0
    assert _regress(tmp_path, reference, "--tolerance", "accuracy=0.05").exit_code == 1


def test_regress_latest_record_counts(tmp_path):
    reference = _setup(tmp_path, metric=0.50)
    ResultsStore(tmp_path / "runs").append(make_record(**REFERENCE))

    assert _regress(tmp_path, reference).exit_code == 0


def test_regress_bad_reference_and_tolerance(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"entries": []}))

    assert _regress(tmp_path, bad).exit_code == 2
    assert _regress(tmp_path, tmp_path / "absent.json").exit_code == 2
    with pytest.raises(ConfigError, match="NAME=5%"):
        parse_tolerances(["accuracy"])


def test_lower_is_better_metric():
    reference = [dict(make_record(metric=100.0), metric_name="perplexity", higher_is_better=False)]
    tolerances = {"metric": Tolerance(0.05, relative=True)}

    better = check_records(reference, [make_record(metric=90.0)], tolerances)
    worse = check_records(reference, [make_record(metric=106.0)], tolerances)

    assert (better.checks[0].quantity, better.checks[0].status) == ("perplexity", "improved")
    assert (worse.checks[0].quantity, worse.checks[0].status) == ("perplexity", "regressed")


def test_parse_tolerances():
    tolerances = parse_tolerances(["accuracy=0.02", "energy_pj_per_sample=5%"])

    assert tolerances["accuracy"] == Tolerance(0.02, relative=False)
    assert tolerances["energy_pj_per_sample"] == Tolerance(0.05, relative=True)
    assert tolerances["metric"] == Tolerance(0.03, relative=True)


def test_committed_reference_readable():
    from pathlib import Path

    from asnbench.regress import read_reference
    from asnbench.suites import load_suite

    entries = read_reference(Path("results/reference.json"))
    suite = load_suite("suites/ci.yaml")

    assert {(e["dataset"], e["neuron"], e["seed"]) for e in entries} == {
        (c.config.dataset, c.config.neuron, c.config.seed) for c in suite.combinations
    }
