"""The versioned network file that the Lava worker runs: one ``.npz`` archive.

Contents: ``meta``, a JSON string, and numpy arrays named ``layer{i}.{name}``.
``meta`` contains ``format``, ``version``, ``timesteps``, ``input_shape``,
``num_classes``, ``neuron`` and ``layers``, a list in network order of:

* ``{"type": "synapse", "module": "Linear"|"Conv2d", "storage": "dense"|"coo",
  "in_features", "out_features", "in_shape", "out_shape", "spiking_input",
  "message_bits", "scale", "weight_exp"}`` with arrays ``weight`` (``[out, in]``
  for dense, values for coo), ``rows`` and ``cols`` (coo), ``bias``
  (per output element), and ``weight_mantissa`` (int32, fixed point).
  A convolution is unrolled to a sparse matrix over C, H, W-ordered
  elements, so Flatten needs no entry.
* ``{"type": "neuron", "kind": "asn"|"lif", "name", "size", "levels",
  "reset"}`` with per-neuron float arrays ``bias``, ``beta`` and ``theta0``,
  ``rho``, ``alpha`` (ASN) or ``threshold`` (LIF), and the same names with
  ``_mantissa`` (int64) for fixed point.
* ``{"type": "maxpool", "in_shape", "out_shape"}`` with ``groups``
  (``[out, window]`` indices into the preceding neuron layer's output).

Fixed point: a synapse's ``scale`` is the value of one integer state unit
of the neuron layer it feeds, ``weight_mantissa * 2**weight_exp`` is its
weight in those units, decays are mantissas over 4096, and thresholds,
biases and adaptation steps are in state units. The worker in
``asnbench/hardware/worker/lava_worker.py`` reads this format with numpy
alone and checks the same name and version.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from asnbench.errors import AsnbenchError

FORMAT_NAME = "asnbench-lava-network"
FORMAT_VERSION = 1
LAYER_TYPES = ("synapse", "neuron", "maxpool")
REQUIRED_ARRAYS = {
    "synapse": ("weight", "bias", "weight_mantissa"),
    "neuron": ("bias", "beta", "bias_mantissa", "beta_mantissa"),
    "maxpool": ("groups",),
}


class ExportFormatError(AsnbenchError):
    """A network file that is malformed or of another format version."""


@dataclass
class ExportedNetwork:
    """A network in export form: JSON-able ``meta`` and named numpy arrays."""

    meta: dict[str, Any]
    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def layers(self) -> list[dict[str, Any]]:
        return self.meta["layers"]

    def array(self, index: int, name: str) -> np.ndarray:
        return self.arrays[f"layer{index}.{name}"]


def validate(network: ExportedNetwork, source: str = "network") -> None:
    """Raise :class:`ExportFormatError` naming the first missing or inconsistent entry."""
    meta = network.meta
    if meta.get("format") != FORMAT_NAME:
        raise ExportFormatError(f"{source} is not an asnbench network file (format {meta.get('format')!r})")
    if meta.get("version") != FORMAT_VERSION:
        raise ExportFormatError(
            f"{source} has format version {meta.get('version')!r}, this asnbench reads version "
            f"{FORMAT_VERSION}; export the run again with `asnbench export`"
        )
    for key in ("timesteps", "input_shape", "num_classes", "neuron", "layers"):
        if key not in meta:
            raise ExportFormatError(f"{source} is missing meta field {key!r}")
    layers = meta["layers"]
    if not layers or layers[0].get("type") != "synapse" or layers[-1].get("type") != "synapse":
        raise ExportFormatError(f"{source} must start and end with a synapse layer")
    for index, layer in enumerate(layers):
        kind = layer.get("type")
        if kind not in LAYER_TYPES:
            raise ExportFormatError(f"{source} layer {index} has unknown type {kind!r}")
        for name in REQUIRED_ARRAYS[kind]:
            if f"layer{index}.{name}" not in network.arrays:
                raise ExportFormatError(f"{source} is missing array layer{index}.{name}")
        if kind == "synapse":
            bias = network.array(index, "bias")
            if bias.shape != (layer["out_features"],):
                raise ExportFormatError(
                    f"{source} layer{index}.bias has shape {bias.shape}, expected ({layer['out_features']},)"
                )
        if kind == "neuron" and network.array(index, "beta").shape != (layer["size"],):
            raise ExportFormatError(f"{source} layer{index}.beta does not have {layer['size']} entries")


def save(network: ExportedNetwork, path: str | os.PathLike) -> None:
    """Write ``network`` to ``path`` (``.npz``) after validating it."""
    validate(network)
    np.savez(path, meta=np.array(json.dumps(network.meta, sort_keys=True)), **network.arrays)


def load(path: str | os.PathLike) -> ExportedNetwork:
    """Read and validate a network file written by :func:`save`."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except FileNotFoundError as error:
        raise ExportFormatError(f"network file {path} does not exist") from error
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise ExportFormatError(f"network file {path} is not a readable .npz archive: {error}") from error
    if "meta" not in arrays:
        raise ExportFormatError(f"network file {path} has no 'meta' entry, so it was not written by asnbench")
    try:
        meta = json.loads(str(arrays.pop("meta")))
    except json.JSONDecodeError as error:
        raise ExportFormatError(f"network file {path} has invalid meta JSON: {error}") from error
    network = ExportedNetwork(meta, arrays)
    validate(network, source=f"network file {path}")
    return network
