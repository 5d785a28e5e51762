"""Energy presets against hand-worked totals, and user-defined models in YAML files."""

import pytest

from asnbench.config import RunConfig
from asnbench.errors import ConfigError, UnknownNameError
from asnbench.metrics.energy import (
    ENERGY_MODELS,
    estimate_energy,
    estimate_memory_accesses,
    estimate_memory_energy,
    get_energy_model,
)
from asnbench.metrics.energy_file import load_energy_model

# 1,000 MACs and 5,000 ACs, priced by hand: e_mac * 1000 + e_ac * 5000.
HAND_WORKED = {
    "45nm": 4.6 * 1000 + 0.9 * 5000,  # 9,100 pJ
    "45nm-fp16": 1.5 * 1000 + 0.4 * 5000,  # 3,500 pJ
    "45nm-int32": 3.2 * 1000 + 0.1 * 5000,  # 3,700 pJ
    "45nm-int8": 0.23 * 1000 + 0.03 * 5000,  # 380 pJ
}


@pytest.mark.parametrize("name", sorted(HAND_WORKED))
def test_preset_matches_hand_total(name):
    assert estimate_energy(1000, 5000, name) == pytest.approx(HAND_WORKED[name], rel=1e-12)


def test_presets_have_no_memory_term():
    for name, model in ENERGY_MODELS.items():
        assert model.memory is None, name
        assert estimate_memory_accesses(10, 10, name) is None
        assert estimate_memory_energy(10, 10, name) is None


def write(tmp_path, text, name="model.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


VALID = """\
name: sram-8kb
e_mac_pj: 4.6
e_ac_pj: 0.9
memory:
  e_access_pj: 10
  state_writes_per_op: 0.5
"""


def test_yaml_model_loads(tmp_path):
    model = load_energy_model(write(tmp_path, VALID))
    assert model.name == "sram-8kb"
    assert model.e_mac_pj == 4.6
    assert model.e_ac_pj == 0.9
    assert model.memory.e_access_pj == 10
    assert model.memory.weight_reads_per_op == 1
    assert model.memory.state_reads_per_op == 1
    assert model.memory.state_writes_per_op == 0.5


def test_yaml_model_totals_by_hand(tmp_path):
    path = str(write(tmp_path, VALID))
    # 2.5 accesses per operation x (1000 + 5000) operations x 10 pJ.
    assert estimate_memory_accesses(1000, 5000, path) == 15_000
    assert estimate_memory_energy(1000, 5000, path) == 150_000
    assert estimate_energy(1000, 5000, path) == pytest.approx(9100)


def test_get_energy_model_reads_yml_path(tmp_path):
    path = write(tmp_path, "name: plain\ne_mac_pj: 1\ne_ac_pj: 0.5\n", name="plain.yml")
    model = get_energy_model(str(path))
    assert model.name == "plain"
    assert model.memory is None
    assert model.description == "user-defined energy model from plain.yml"


def test_run_config_accepts_yaml_path(tmp_path):
    path = str(write(tmp_path, VALID))
    assert RunConfig(energy_model=path).resolved().energy_model == path


@pytest.mark.parametrize(
    "text, field",
    [
        ("e_mac_pj: 1\ne_ac_pj: 1\n", "'name'"),
        ("name: m\ne_ac_pj: 1\n", "'e_mac_pj'"),
        ("name: m\ne_mac_pj: 1\n", "'e_ac_pj'"),
        ("name: m\ne_mac_pj: 1\ne_ac_pj: 1\nmemory: {weight_reads_per_op: 1}\n", "'memory.e_access_pj'"),
    ],
)
def test_yaml_missing_field_named(tmp_path, text, field):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_energy_model(path)
    message = str(raised.value)
    assert str(path) in message
    assert field in message
    assert "missing" in message


@pytest.mark.parametrize(
    "text, field",
    [
        ("name: m\ne_mac_pj: -1\ne_ac_pj: 1\n", "'e_mac_pj'"),
        ("name: m\ne_mac_pj: 1\ne_ac_pj: -0.1\n", "'e_ac_pj'"),
        ("name: m\ne_mac_pj: 1\ne_ac_pj: 1\nmemory: {e_access_pj: -5}\n", "'memory.e_access_pj'"),
        ("name: m\ne_mac_pj: 1\ne_ac_pj: 1\nmemory: {e_access_pj: 5, state_reads_per_op: -1}\n", "'memory.state_reads_per_op'"),
    ],
)
def test_yaml_negative_field_rejected(tmp_path, text, field):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_energy_model(path)
    message = str(raised.value)
    assert str(path) in message
    assert field in message
    assert "non-negative" in message


@pytest.mark.parametrize(
    "text, expected",
    [
        ("name: m\ne_mac_pj: one\ne_ac_pj: 1\n", "'e_mac_pj' must be a finite number"),
        ("name: m\ne_mac_pj: .inf\ne_ac_pj: 1\n", "'e_mac_pj' must be a finite number"),
        ("name: m\ne_mac_pj: 1\ne_ac_pj: 1\ne_add_pj: 1\n", "'e_add_pj' is not a known field"),
        ("name: m\ne_mac_pj: 1\ne_ac_pj: 1\nmemory: 5\n", "'memory' must be a mapping"),
        ("name: 45nm\ne_mac_pj: 1\ne_ac_pj: 1\n", "the name of a preset"),
        ("- 1\n- 2\n", "must contain a mapping"),
        ("name: [unclosed\n", "could not be read as YAML"),
    ],
)
def test_yaml_invalid_content_rejected(tmp_path, text, expected):
    with pytest.raises(ConfigError, match=expected):
        load_energy_model(write(tmp_path, text))


def test_yaml_file_not_found(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        get_energy_model(str(tmp_path / "absent.yaml"))


def test_unknown_preset_still_suggests():
    with pytest.raises(UnknownNameError, match="45nm-fp16"):
        get_energy_model("45nm-fp61")


def test_suite_accepts_yaml_energy_model(tmp_path):
    from asnbench.suites.schema import load_suite

    model = write(tmp_path, VALID)
    suite = write(tmp_path, f"name: t\nneurons: [asn]\noverrides: {{energy_model: {model}}}\ndatasets: [vision/digits]\n", "suite.yml")
    [combination] = load_suite(suite).combinations
    assert combination.config.energy_model == str(model)


def test_suite_reports_missing_energy_model_file(tmp_path):
    from asnbench.suites.nodes import SuiteValidationError
    from asnbench.suites.schema import load_suite

    absent = tmp_path / "absent.yaml"
    suite = write(tmp_path, f"name: t\nneurons: [asn]\noverrides: {{energy_model: {absent}}}\ndatasets: [vision/digits]\n", "suite.yml")
    with pytest.raises(SuiteValidationError, match="absent.yaml not found"):
        load_suite(suite)
