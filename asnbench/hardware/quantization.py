"""Fixed-point mantissas for Lava's bit-accurate Loihi 2 models.

Each synaptic layer gets its own state unit ``scale`` (the float value of one
integer unit in the neuron layer it feeds). Weights become even 8-bit
mantissas in ``[-256, 254]`` (Lava's ``Dense`` truncates the lowest bit of
mixed-sign 8-bit weights) times ``2**WEIGHT_EXP``, so the largest weight
maps to ``254 * 2**WEIGHT_EXP`` state units. Thresholds, biases and
adaptation steps are rounded to state units, decays to 12-bit fractions.
"""

from __future__ import annotations

import numpy as np

# Six extra state bits below the weight LSB, as Loihi's own LIF shifts its threshold by 6.
WEIGHT_EXP = 6
MAX_MANTISSA = 254
DECAY_ONE = 4096
STATE_MAX = 2**23 - 1


def quantize_synapse(weight: np.ndarray) -> dict:
    """Return ``scale``, ``weight_exp`` and the int32 ``weight_mantissa`` of float ``weight``."""
    largest = float(np.abs(weight).max()) if weight.size else 0.0
    if largest == 0.0:
        largest = 1.0
    scale = largest / (MAX_MANTISSA * 2**WEIGHT_EXP)
    halves = np.round(weight / (scale * 2**WEIGHT_EXP) / 2)
    mantissa = np.clip(2 * halves, -256, MAX_MANTISSA).astype(np.int32)
    return {"scale": scale, "weight_exp": WEIGHT_EXP, "weight_mantissa": mantissa}


def _state_units(value: np.ndarray, scale: float, minimum: int | None = None) -> np.ndarray:
    units = np.round(value / scale)
    if minimum is not None:
        units = np.maximum(units, minimum)
    return np.clip(units, -STATE_MAX, STATE_MAX).astype(np.int64)


def quantize_neuron(info: dict, arrays: dict[str, np.ndarray], scale: float) -> dict[str, np.ndarray]:
    """Return the ``*_mantissa`` arrays of a neuron layer whose input synapse has state unit ``scale``."""
    mantissas = {
        "bias_mantissa": _state_units(arrays["bias"], scale),
        "beta_mantissa": np.round(arrays["beta"] * DECAY_ONE).astype(np.int64),
    }
    if info["kind"] == "asn":
        mantissas["theta0_mantissa"] = _state_units(arrays["theta0"], scale, minimum=1)
        mantissas["alpha_mantissa"] = _state_units(arrays["alpha"], scale)
        mantissas["rho_mantissa"] = np.round(arrays["rho"] * DECAY_ONE).astype(np.int64)
    else:
        mantissas["threshold_mantissa"] = _state_units(arrays["threshold"], scale, minimum=1)
    return mantissas
