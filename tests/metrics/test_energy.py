"""Energy models and the E = E_MAC * MACs + E_AC * ACs estimate on hand-worked layers."""

from __future__ import annotations

import dataclasses

import pytest
from torch import nn

from asnbench.errors import UnknownNameError
from asnbench.metrics.energy import ENERGY_MODELS, EnergyModel, estimate_energy, get_energy_model
from asnbench.metrics.fanout import dense_connections


def test_45nm_float32_values():
    model = get_energy_model("45nm")

    assert model.name == "45nm"
    assert model.e_mac_pj == pytest.approx(4.6)  # fp32 multiply 3.7 pJ + add 0.9 pJ
    assert model.e_ac_pj == pytest.approx(0.9)
    assert "Horowitz" in model.source


@pytest.mark.parametrize(
    ("name", "e_mac_pj", "e_ac_pj"),
    [("45nm-int32", 3.2, 0.1), ("45nm-int8", 0.23, 0.03)],
)
def test_45nm_integer_values(name, e_mac_pj, e_ac_pj):
    model = get_energy_model(name)

    assert model.e_mac_pj == pytest.approx(e_mac_pj)
    assert model.e_ac_pj == pytest.approx(e_ac_pj)


def test_registry_names_match_models():
    for name, model in ENERGY_MODELS.items():
        assert model.name == name


def test_energy_model_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        get_energy_model("45nm").e_ac_pj = 0.0


def test_energy_model_rejects_negative_energy():
    with pytest.raises(ValueError, match="non-negative"):
        EnergyModel("broken", -1.0, 0.1, "", "")


def test_unknown_energy_model_suggests_close_name():
    with pytest.raises(UnknownNameError) as caught:
        get_energy_model("45nm-int16")

    message = str(caught.value)
    assert "energy model" in message
    assert "Did you mean" in message
    assert "'45nm-int32'" in message


def test_unknown_energy_model_is_key_error():
    with pytest.raises(KeyError):
        get_energy_model("7nm")


def test_estimate_energy_formula():
    # 1000 MACs at 4.6 pJ plus 2000 ACs at 0.9 pJ.
    assert estimate_energy(1000, 2000, get_energy_model("45nm")) == pytest.approx(6400.0)
    assert estimate_energy(1000, 2000, "45nm-int8") == pytest.approx(290.0)


def test_estimate_energy_rejects_negative_counts():
    with pytest.raises(ValueError, match="non-negative"):
        estimate_energy(-1, 0, "45nm")


def test_conv_320_border_exact_energy():
    # 3x3 conv, 128 -> 64 channels, 320x320 map, padding 1, 12% of inputs spike once per step.
    layer = nn.Conv2d(128, 64, 3, padding=1)
    rate = 0.12
    model = get_energy_model("45nm")

    dense = dense_connections(layer, (128, 320, 320))
    # Per axis, 318 interior positions reach 3 outputs and the 2 border positions reach 2.
    per_axis = 318 * 3 + 2 * 2
    assert dense == 128 * 64 * per_axis**2

    exact = estimate_energy(0, rate * dense, model)
    assert exact == pytest.approx(128 * 64 * 958**2 * 0.12 * 0.9)
    assert exact == pytest.approx(811_978_850.3, rel=1e-9)

    # The usual interior approximation counts 9 taps at every position.
    interior = 3 * 3 * 128 * 64 * 320 * 320 * 0.12 * 0.9
    border_correction = 128 * 64 * (9 * 320 * 320 - 958**2) * 0.12 * 0.9
    assert interior > exact
    assert interior - exact == pytest.approx(border_correction)
    assert (interior - exact) / interior < 0.005
