"""The same seed, config and machine give the same metrics on the CPU, and the record states it."""

import pytest

COMPARED = (
    "metric_value",
    "integer_metric_value",
    "spikes_per_sample",
    "synops_per_sample",
    "macs_per_sample",
    "energy_pj_per_sample",
    "firing_rate",
    "run_key",
)


@pytest.mark.slow
@pytest.mark.parametrize("neuron", ["asn", "lif"])
def test_two_cpu_runs_identical(tmp_path, make_outputs, neuron):
    records = []
    for name in ("first", "second"):
        outputs = make_outputs(tmp_path / name)
        result = outputs.run_digits("--neuron", neuron)
        assert result.exit_code == 0, result.output
        records.append(outputs.record(result))

    first, second = records
    for key in COMPARED:
        assert first[key] == second[key], key
    assert first["activity"]["layers"] == second["activity"]["layers"]
    assert first["deterministic"] is True
    assert first["deterministic_algorithms"] is False
