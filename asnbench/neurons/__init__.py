"""Neuron models sharing one interface; build them by name with :func:`neuron_factory`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asnbench.errors import UnknownNameError
from asnbench.neurons.ann import ANN
from asnbench.neurons.asn import ASN
from asnbench.neurons.base import Neuron
from asnbench.neurons.lif import LIF
from asnbench.neurons.nasn import NASN
from asnbench.neurons.plif import PLIF
from asnbench.neurons.surrogate import SURROGATES

NEURONS: dict[str, type[Neuron]] = {"asn": ASN, "nasn": NASN, "lif": LIF, "plif": PLIF, "ann": ANN}

# Options that only some neurons accept; the factory passes each neuron only its own.
_OPTIONS = {
    "levels": {"asn", "nasn"},
    "surrogate": {"lif", "plif"},
    "tau": {"asn", "nasn", "lif", "plif"},
    "threshold": {"asn", "nasn", "lif", "plif"},
    "reset": {"lif", "plif"},
}

NeuronFactory = Callable[..., Neuron]


def neuron_factory(name: str, **options: Any) -> NeuronFactory:
    """Return ``make(num_channels, channel_dim=1) -> Neuron`` for neuron ``name``.

    ``options`` set constructor arguments; ``None`` values and options that
    ``name`` does not use (``levels`` for LIF, ``surrogate`` for ASN) are
    dropped, so one run configuration can build any neuron.
    """
    if name not in NEURONS:
        raise UnknownNameError("neuron", name, NEURONS)
    cls = NEURONS[name]
    kwargs = {
        key: value
        for key, value in options.items()
        if value is not None and name in _OPTIONS.get(key, {name})
    }

    def make(num_channels: int, channel_dim: int = 1) -> Neuron:
        return cls(num_channels, channel_dim, **kwargs)

    make.neuron_name = name  # type: ignore[attr-defined]
    return make


__all__ = ["ANN", "ASN", "LIF", "NASN", "NEURONS", "PLIF", "SURROGATES", "Neuron", "neuron_factory"]
