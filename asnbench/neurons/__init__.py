"""Neuron models sharing one interface; build them by name with :func:`neuron_factory`."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from asnbench.errors import UnknownNameError
from asnbench.neurons.ann import ANN
from asnbench.neurons.asn import ASN
from asnbench.neurons.base import Neuron
from asnbench.neurons.lif import LIF
from asnbench.neurons.nasn import NASN
from asnbench.neurons.plif import PLIF
from asnbench.neurons.qann import QANN
from asnbench.neurons.surrogate import SURROGATES

NEURONS: dict[str, type[Neuron]] = {"asn": ASN, "nasn": NASN, "lif": LIF, "plif": PLIF, "ann": ANN, "qann": QANN}


def _accepted_options(cls: type[Neuron]) -> set[str]:
    """Keyword arguments of ``cls`` and its base classes' constructors."""
    names: set[str] = set()
    for klass in cls.__mro__:
        if klass is Neuron or not issubclass(klass, Neuron):
            continue
        names.update(inspect.signature(klass.__init__).parameters)
    return names - {"self", "num_channels", "channel_dim", "kwargs"}

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
    accepted = _accepted_options(cls)
    kwargs = {key: value for key, value in options.items() if value is not None and key in accepted}

    def make(num_channels: int, channel_dim: int = 1) -> Neuron:
        return cls(num_channels, channel_dim, **kwargs)

    make.neuron_name = name  # type: ignore[attr-defined]
    return make


__all__ = ["ANN", "ASN", "LIF", "NASN", "NEURONS", "PLIF", "QANN", "SURROGATES", "Neuron", "neuron_factory"]
