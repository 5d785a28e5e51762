"""Tiny random networks on Lava's simulator against PyTorch spike inference (needs .venv-lava)."""

import numpy as np
import pytest

from asnbench.hardware.lava_driver import LavaRunError, run_on_lava
from asnbench.hardware.network_export import export_network
from asnbench.hardware.reference import run_reference

from .conftest import random_inputs, tiny_network

pytestmark = pytest.mark.slow


def _compare(lava, neuron, fixed_point, timesteps=1, conv=False, **options):
    network, shape = tiny_network(neuron, timesteps=timesteps, conv=conv, **options)
    inputs = random_inputs(shape)
    exported = export_network(network, shape, 3)
    reference = run_reference(network, inputs, record=True)
    result = run_on_lava(exported, inputs, fixed_point=fixed_point, python=lava, timeout=300, record_spikes=True)
    return reference, result


@pytest.mark.parametrize(
    "neuron, timesteps, conv, options",
    [("asn", 2, False, {}), ("lif", 3, False, {}), ("lif", 3, False, {"reset": "hard"}), ("asn", 1, True, {})],
    ids=["asn-mlp", "lif-mlp", "lif-hard-reset", "asn-cnn-maxpool"],
)
def test_float_spikes_identical(lava, neuron, timesteps, conv, options):
    reference, result = _compare(lava, neuron, False, timesteps, conv, **options)
    assert reference.spike_counts.sum() > 0
    assert len(result.spike_trains) == len(reference.spike_trains)
    for layer, (expected, actual) in enumerate(zip(reference.spike_trains, result.spike_trains)):
        np.testing.assert_array_equal(actual, expected, err_msg=f"spike train of neuron layer {layer}")
    np.testing.assert_array_equal(result.spike_counts, reference.spike_counts)
    np.testing.assert_allclose(result.logits, reference.logits, rtol=1e-9, atol=1e-9)
    assert result.lava_steps == len(reference.logits) * timesteps + len(reference.spike_trains)


@pytest.mark.parametrize("neuron, timesteps", [("asn", 2), ("lif", 3)])
def test_fixed_point_close_to_float(lava, neuron, timesteps):
    reference, result = _compare(lava, neuron, True, timesteps)
    agreement = (result.logits.argmax(1) == reference.logits.argmax(1)).mean()
    assert agreement >= 0.9
    relative = np.abs(result.spike_counts.sum(1) - reference.spike_counts.sum(1)) / reference.spike_counts.sum(1)
    assert np.all(relative <= 0.1), relative
    assert np.all(result.spike_counts == np.round(result.spike_counts))


def test_fixed_point_rejects_float_mantissas(lava):
    network, shape = tiny_network("lif")
    exported = export_network(network, shape, 3)
    exported.arrays["layer1.threshold_mantissa"] = exported.arrays["layer1.threshold_mantissa"].astype(float)
    with pytest.raises(LavaRunError, match="threshold_mantissa has dtype float64"):
        run_on_lava(exported, random_inputs(shape, count=2), fixed_point=True, python=lava, timeout=60)


def test_timeout_stops_the_run(lava):
    network, shape = tiny_network("asn")
    exported = export_network(network, shape, 3)
    # Enough samples that the run cannot finish within the 1 s limit on a fast machine.
    with pytest.raises(LavaRunError, match="timed out after 1 s"):
        run_on_lava(exported, random_inputs(shape, count=20_000), python=lava, timeout=1)
