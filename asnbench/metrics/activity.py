"""Hook-based counting of spikes, synaptic operations, MACs and energy of a SpikingNetwork.

Counting rules, applied per :class:`~asnbench.models.synapse.Synapse` and
per forward call (one batch):

* Input of a layer is ``x`` shaped ``[steps, batch, ...]``. ``steps`` is the
  number of logical timesteps, or ``timesteps * D`` binary sub-steps when
  the preceding neuron runs in spike inference. The fan-out of an input
  element is defined in :mod:`asnbench.metrics.fanout`.
* SynOps (accumulates, ACs) of a layer with spiking input
  (``synapse.spiking_input``) = sum over steps and input elements of
  ``x * fan-out``. The count is value-aware: an integer spike of 3 costs
  ``3 * fan-out``, the same as its three binary sub-steps in spike
  inference, so both modes give the same number. Event-camera input
  (events binned into frames) is spikes, so the first layer of an event
  dataset has spiking input and counts accumulates, ``count * fan-out``
  for a pixel with several events in a bin.
* MACs of a layer with analog input (``spiking_input`` False: the first
  layer under direct encoding and every layer of the ANN) = sum over steps
  and input elements of the fan-out, that is every existing connection
  once per step whatever the value. Input that is one step repeated over
  all steps (direct encoding of a static sample, a stride-0 view) is
  multiplied once by the Synapse, so it counts one step.
* Bias additions are not counted, nor are neuron state updates or
  normalizations (NASN normalizations are folded into the weights and bias
  for spike inference).
* NeuroBench-compatible counts are recorded beside. A layer whose input in
  this call is all 0 or 1 adds ``nonzero inputs * fan-out`` to
  ``nb_effective_acs``, any other layer adds it to ``nb_effective_macs``,
  because NeuroBench counts a nonzero input as one operation whatever its
  value. ``nb_dense`` adds ``steps * dense connections`` per sample, with
  ``steps`` as above, so spike inference multiplies it by ``D``.

A :class:`~asnbench.models.spike_matmul.SpikeMatmul` (attention) multiplies
two activations, ``[..., n, k] @ [..., k, m]`` per logical step, and has no
weights:

* when both operands are spike counts (``spiking_inputs``), it costs one
  accumulate per nonzero pair weighted by the product of the values, which
  for nonnegative operands is ``sum(a @ b)`` (masked entries excluded); an
  integer operand costs what its binary sub-steps cost;
* otherwise it costs ``n * k * m`` MACs per logical step and per batch
  element (heads count as batch elements), whatever the values or mask;
* NeuroBench-style: ``sum((a != 0) @ (b != 0))`` on the logical-step
  operands, as ACs when both operands as received are all 0 or 1 and as
  MACs otherwise; ``nb_dense`` adds ``n * k * m`` per logical step.

Spike slots are the binary output steps one spiking neuron has per sample:
``T * D`` for an ASN in spike inference, ``T`` for LIF. The report averages
them over the network's spiking neurons, and they are ``None`` without one.
When the energy model has a memory-access term, its accesses and energy
(:func:`~asnbench.metrics.energy.estimate_memory_accesses`) are reported
beside the compute energy and not added into it.

Spikes are counted by forward hooks on every neuron with ``is_spiking``:
spikes = sum of its output, which is the same number for integer counts and
for their binary sub-steps. Samples are counted by a forward pre-hook on the
network.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import torch
from torch import nn

from asnbench.metrics.energy import (
    DEFAULT_ENERGY_MODEL,
    EnergyModel,
    estimate_energy,
    estimate_memory_accesses,
    estimate_memory_energy,
    get_energy_model,
)
from asnbench.metrics.fanout import dense_connections, spatial_fanout
from asnbench.models.network import SpikingNetwork
from asnbench.models.spike_matmul import SpikeMatmul
from asnbench.models.synapse import Synapse, is_repeated
from asnbench.neurons.base import Neuron

POLICIES: dict[str, str] = {
    "first_layer": (
        "MAC (analog input under direct encoding), counted once per sample because the input "
        "repeated over timesteps is multiplied once and its current reused; "
        "AC when its Synapse has spiking_input=True"
    ),
    "analog_input": "MAC for every connection in every step, whatever the input value",
    "spike_values": "value-aware (count x fan-out), equal for integer spikes and binary sub-steps",
    "fan_out": "exact per input element, including convolution borders; zero padding is not a connection",
    "bias": "not counted",
    "normalization": "folded into weights, not counted",
    "neuron_updates": "not counted",
    "neurobench": (
        "nonzero inputs x fan-out per call: ACs when every input is 0 or 1, MACs otherwise; "
        "dense = input steps x connections"
    ),
}


@dataclass
class LayerActivity:
    """Per-sample counts of one synapse or one spiking neuron.

    Fields that do not apply to the layer's ``kind`` are ``None``: synapses
    have no spikes, neurons have no operations. ``energy_share`` is the
    layer's fraction of the network's energy (0 when the total is 0).
    """

    name: str
    kind: str
    module: str
    spiking_input: bool | None = None
    synops_per_sample: float | None = None
    macs_per_sample: float | None = None
    energy_pj_per_sample: float | None = None
    energy_share: float | None = None
    nb_effective_acs_per_sample: float | None = None
    nb_effective_macs_per_sample: float | None = None
    nb_dense_per_sample: float | None = None
    neurons: int | None = None
    spikes_per_sample: float | None = None
    firing_rate: float | None = None
    spikes_per_neuron_step: float | None = None


@dataclass
class ActivityReport:
    """Activity and operation counts of a network, averaged per sample.

    ``firing_rate`` is spikes / (neurons x output steps x samples) over all
    spiking neurons, where output steps are the binary sub-steps in spike
    inference, so it lies in [0, 1] for binary outputs.
    ``spikes_per_neuron_step`` divides by logical timesteps instead and can
    exceed 1 for integer spikes. Both are ``None`` when the network has no
    spiking neuron (the ANN), and so is ``spike_slots``, the binary output
    steps per spiking neuron and sample. Energies are in picojoules under the
    energy model named in ``energy_model``. ``energy_pj_per_sample`` is
    compute only; the ``memory_*`` fields hold the model's memory-access term
    and are ``None`` when it has none.
    """

    samples: int
    spikes_per_sample: float
    synops_per_sample: float
    macs_per_sample: float
    energy_pj_per_sample: float
    firing_rate: float | None
    spikes_per_neuron_step: float | None
    nb_effective_acs_per_sample: float
    nb_effective_macs_per_sample: float
    nb_dense_per_sample: float
    energy_model: str
    spike_slots: float | None = None
    memory_accesses_per_sample: float | None = None
    memory_energy_pj_per_sample: float | None = None
    layers: list[LayerActivity] = field(default_factory=list)
    policies: dict[str, str] = field(default_factory=lambda: dict(POLICIES))

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-serializable types, layers as a list of dicts."""
        return asdict(self)


def _accumulator_device(device: torch.device) -> torch.device:
    # MPS has no float64, so its counts are accumulated on the CPU instead.
    # NOTE: the MPS and CUDA paths have not been run by the tests, which use the CPU.
    return torch.device("cpu") if device.type == "mps" else device


def _reduction_dtype(device: torch.device) -> torch.dtype:
    return torch.float32 if device.type == "mps" else torch.float64


class _SynapseCounter:
    """Accumulated counts of one synapse: exact Python ints for shapes, float64 tensors for values."""

    def __init__(self, name: str, synapse: Synapse):
        self.name = name
        self.synapse = synapse
        self._fanouts: dict[tuple[tuple[int, ...], torch.device, torch.dtype], tuple[int, Any]] = {}
        self.reset()

    def reset(self) -> None:
        self.macs = 0
        self.nb_dense = 0
        # [synops, nb_effective_acs, nb_effective_macs], kept on the input's device
        # so that counting does not synchronize with the accelerator.
        self.value_counts: torch.Tensor | None = None

    def _geometry(self, shape: tuple[int, ...], device: torch.device, dtype: torch.dtype):
        """Return ``(dense connections, fan-out)`` for one sample's input shape, cached.

        The fan-out is a Python float for Linear (the same for every input)
        and a spatial map on ``device`` for convolutions.
        """
        key = (shape, device, dtype)
        if key not in self._fanouts:
            layer = self.synapse.layer
            dense = dense_connections(layer, shape)
            if isinstance(layer, nn.Linear):
                fanout: Any = float(layer.out_features)
            else:
                fanout = spatial_fanout(layer, shape).to(device=device, dtype=dtype)
            self._fanouts[key] = (dense, fanout)
        return self._fanouts[key]

    @torch.no_grad()
    def count(self, x: torch.Tensor) -> None:
        steps, batch = x.shape[0], x.shape[1]
        dtype = _reduction_dtype(x.device)
        dense, fanout = self._geometry(tuple(x.shape[2:]), x.device, dtype)
        self.nb_dense += steps * batch * dense
        if not self.synapse.spiking_input:
            # Direct encoding repeats one analog input at every step (a stride-0 view);
            # the Synapse then applies its weights once, so the MACs are counted once.
            computed_steps = 1 if is_repeated(x) else steps
            self.macs += computed_steps * batch * dense

        nonzero = x != 0
        binary = torch.all(nonzero.logical_not() | (x == 1))
        active = self._weighted_sum(nonzero, fanout, dtype)
        zero = torch.zeros_like(active)
        synops = self._weighted_sum(x, fanout, dtype) if self.synapse.spiking_input else zero
        counts = torch.stack([synops, torch.where(binary, active, zero), torch.where(binary, zero, active)])

        counts = counts.to(device=_accumulator_device(x.device), dtype=torch.float64)
        if self.value_counts is None:
            self.value_counts = counts
        else:
            self.value_counts = self.value_counts.to(counts.device) + counts

    @staticmethod
    def _weighted_sum(values: torch.Tensor, fanout: Any, dtype: torch.dtype) -> torch.Tensor:
        """Return the sum of ``values * fan-out`` over steps, batch and input elements."""
        if isinstance(fanout, float):
            return values.sum(dtype=dtype) * fanout
        # Reduce steps, batch and channels first, then weight each position by its fan-out.
        return (values.sum(dim=(0, 1, 2), dtype=dtype) * fanout).sum()

    def totals(self) -> tuple[float, float, float]:
        if self.value_counts is None:
            return 0.0, 0.0, 0.0
        synops, nb_acs, nb_macs = self.value_counts.tolist()
        return synops, nb_acs, nb_macs


class _MatmulCounter:
    """Accumulated counts of one SpikeMatmul; see the module docstring for the rules."""

    def __init__(self, name: str, matmul: SpikeMatmul):
        self.name = name
        self.matmul = matmul
        self.reset()

    def reset(self) -> None:
        self.macs = 0
        self.nb_dense = 0
        self.value_counts: torch.Tensor | None = None  # [synops, nb_effective_acs, nb_effective_macs]

    @torch.no_grad()
    def count(self, a: torch.Tensor, b: torch.Tensor, mask: torch.Tensor | None, output: torch.Tensor) -> None:
        dtype = _reduction_dtype(output.device)
        n, k, m = a.shape[-2], a.shape[-1], b.shape[-1]
        dense = math.prod(output.shape[:-2]) * n * k * m
        self.nb_dense += dense
        if not self.matmul.spiking:
            self.macs += dense

        binary = torch.all((a == 0) | (a == 1)) & torch.all((b == 0) | (b == 1))
        pairs = (self.matmul.logical_steps(a) != 0).to(dtype) @ (self.matmul.logical_steps(b) != 0).to(dtype)
        if mask is not None:
            pairs = pairs.masked_fill(~mask, 0.0)
        active = pairs.sum()
        zero = torch.zeros_like(active)
        # The module returns the raw masked product, so its sum is the value-weighted pair count.
        synops = output.sum(dtype=dtype) if self.matmul.spiking else zero
        counts = torch.stack([synops, torch.where(binary, active, zero), torch.where(binary, zero, active)])
        counts = counts.to(device=_accumulator_device(output.device), dtype=torch.float64)
        self.value_counts = counts if self.value_counts is None else self.value_counts.to(counts.device) + counts

    def totals(self) -> tuple[float, float, float]:
        if self.value_counts is None:
            return 0.0, 0.0, 0.0
        synops, nb_acs, nb_macs = self.value_counts.tolist()
        return synops, nb_acs, nb_macs


class _NeuronCounter:
    """Accumulated spikes and output slots of one spiking neuron."""

    def __init__(self, name: str, neuron: Neuron):
        self.name = name
        self.neuron = neuron
        self.reset()

    def reset(self) -> None:
        self.neurons = 0
        self.output_slots = 0  # neurons x output steps x samples
        self.logical_slots = 0  # neurons x logical timesteps x samples
        self.spikes_tensor: torch.Tensor | None = None

    @torch.no_grad()
    def count(self, output: torch.Tensor) -> None:
        steps, batch = output.shape[0], output.shape[1]
        self.neurons = math.prod(output.shape[2:])
        self.output_slots += self.neurons * steps * batch
        self.logical_slots += self.neurons * (steps // self.neuron.substeps) * batch
        spikes = output.sum(dtype=_reduction_dtype(output.device))
        spikes = spikes.to(device=_accumulator_device(output.device), dtype=torch.float64)
        if self.spikes_tensor is None:
            self.spikes_tensor = spikes
        else:
            self.spikes_tensor = self.spikes_tensor.to(spikes.device) + spikes

    def spikes(self) -> float:
        return 0.0 if self.spikes_tensor is None else self.spikes_tensor.item()


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _per_sample(total: float | None, samples: int) -> float | None:
    return None if total is None else total / samples


def _policies(energy_model: EnergyModel) -> dict[str, str]:
    """The counting rules plus how the energy model treats memory access."""
    memory = energy_model.memory.describe() if energy_model.memory else "not counted"
    return {**POLICIES, "memory_access": memory}


class ActivityMonitor:
    """Count spikes, SynOps, MACs and energy of a :class:`SpikingNetwork` while it runs.

    Hooks are registered on entering the ``with`` block and removed on
    leaving it, so the network is untouched outside it. The hooks return
    ``None`` and never change any output, and they work under
    ``torch.no_grad()`` and ``torch.inference_mode()``. Counts accumulate
    over every forward call until :meth:`reset`::

        monitor = ActivityMonitor(network)
        with monitor:
            for x in batches:
                network(x)
        report = monitor.report(energy_model=get_energy_model("45nm"))

    Value counts stay on the input's device in float64 until
    :meth:`report`, so counting does not synchronize with an accelerator.
    Shape-derived counts (MACs, dense connections) are exact Python ints.
    The counting rules are in this module's docstring.
    """

    def __init__(self, network: SpikingNetwork):
        if not isinstance(network, SpikingNetwork):
            raise TypeError(f"ActivityMonitor needs a SpikingNetwork, got {type(network).__name__}")
        self.network = network
        self._counters: list[_SynapseCounter | _MatmulCounter | _NeuronCounter] = []
        for name, module in network.named_modules():
            if isinstance(module, Synapse):
                self._counters.append(_SynapseCounter(name, module))
            elif isinstance(module, SpikeMatmul):
                self._counters.append(_MatmulCounter(name, module))
            elif isinstance(module, Neuron) and module.is_spiking:
                self._counters.append(_NeuronCounter(name, module))
        self._handles: list[torch.utils.hooks.RemovableHandle] = []
        self.samples = 0

    @property
    def active(self) -> bool:
        """Whether the hooks are registered."""
        return bool(self._handles)

    def __enter__(self) -> ActivityMonitor:
        if self._handles:
            raise RuntimeError(
                "ActivityMonitor is already active. Leave the first 'with' block before entering again."
            )
        self._handles.append(
            self.network.register_forward_pre_hook(self._count_samples, with_kwargs=True)
        )
        for counter in self._counters:
            if isinstance(counter, _SynapseCounter):
                hook = self._synapse_hook(counter)
                self._handles.append(counter.synapse.register_forward_pre_hook(hook, with_kwargs=True))
            elif isinstance(counter, _MatmulCounter):
                hook = self._matmul_hook(counter)
                self._handles.append(counter.matmul.register_forward_hook(hook, with_kwargs=True))
            else:
                hook = self._neuron_hook(counter)
                self._handles.append(counter.neuron.register_forward_hook(hook))
        return self

    def __exit__(self, *exc_info) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    def _count_samples(self, module: nn.Module, args: tuple, kwargs: dict) -> None:
        x = args[0] if args else kwargs["x"]
        self.samples += int(x.shape[1] if self.network.temporal_input else x.shape[0])

    @staticmethod
    def _synapse_hook(counter: _SynapseCounter):
        def hook(module: nn.Module, args: tuple, kwargs: dict) -> None:
            x = args[0] if args else kwargs["x"]
            counter.count(x)

        return hook

    @staticmethod
    def _matmul_hook(counter: _MatmulCounter):
        def hook(module: nn.Module, args: tuple, kwargs: dict, output: torch.Tensor) -> None:
            a, b = (args + (None, None))[:2]
            a = kwargs.get("a", a)
            b = kwargs.get("b", b)
            mask = args[2] if len(args) > 2 else kwargs.get("mask")
            counter.count(a, b, mask, output)

        return hook

    @staticmethod
    def _neuron_hook(counter: _NeuronCounter):
        def hook(module: nn.Module, args: tuple, output: torch.Tensor) -> None:
            counter.count(output)

        return hook

    def reset(self) -> None:
        """Clear every count; registered hooks stay registered."""
        self.samples = 0
        for counter in self._counters:
            counter.reset()

    def count_vector(self) -> torch.Tensor:
        """Return every accumulated count as one float64 CPU vector, for summing across processes.

        NOTE: float64 represents integer counts exactly only up to 2**53 (about 9e15).
        """
        values: list[float] = [float(self.samples)]
        for counter in self._counters:
            if isinstance(counter, _NeuronCounter):
                values += [counter.output_slots, counter.logical_slots, counter.spikes()]
            else:
                values += [counter.macs, counter.nb_dense, *counter.totals()]
        return torch.tensor(values, dtype=torch.float64)

    def load_count_vector(self, vector: torch.Tensor) -> None:
        """Replace the counts by those in ``vector``, laid out as :meth:`count_vector` returns them."""
        values = vector.tolist()
        self.samples = round(values[0])
        position = 1
        for counter in self._counters:
            if isinstance(counter, _NeuronCounter):
                output_slots, logical_slots, spikes = values[position : position + 3]
                counter.output_slots, counter.logical_slots = round(output_slots), round(logical_slots)
                counter.spikes_tensor = torch.tensor(spikes, dtype=torch.float64)
                position += 3
            else:
                macs, nb_dense, *value_counts = values[position : position + 5]
                counter.macs, counter.nb_dense = round(macs), round(nb_dense)
                counter.value_counts = torch.tensor(value_counts, dtype=torch.float64)
                position += 5

    def report(self, energy_model: EnergyModel | str | None = None) -> ActivityReport:
        """Summarize the counts per sample under ``energy_model`` (default ``45nm``).

        Raises ``ValueError`` when no sample has been counted, because
        per-sample values would be undefined.
        """
        if self.samples == 0:
            raise ValueError(
                "No samples were counted. Run the network inside 'with monitor:' before calling report()."
            )
        if energy_model is None:
            energy_model = DEFAULT_ENERGY_MODEL
        if isinstance(energy_model, str):
            energy_model = get_energy_model(energy_model)
        samples = self.samples

        layers: list[LayerActivity] = []
        total = {"synops": 0.0, "macs": 0.0, "energy": 0.0, "nb_acs": 0.0, "nb_macs": 0.0, "nb_dense": 0.0}
        spikes = output_slots = logical_slots = spiking_neurons = 0.0
        for counter in self._counters:
            if isinstance(counter, (_SynapseCounter, _MatmulCounter)):
                synops, nb_acs, nb_macs = counter.totals()
                energy = estimate_energy(counter.macs, synops, energy_model)
                is_synapse = isinstance(counter, _SynapseCounter)
                layers.append(
                    LayerActivity(
                        name=counter.name,
                        kind="synapse" if is_synapse else "matmul",
                        module=type(counter.synapse.layer).__name__ if is_synapse else "SpikeMatmul",
                        spiking_input=counter.synapse.spiking_input if is_synapse else counter.matmul.spiking,
                        synops_per_sample=synops / samples,
                        macs_per_sample=counter.macs / samples,
                        energy_pj_per_sample=energy / samples,
                        nb_effective_acs_per_sample=nb_acs / samples,
                        nb_effective_macs_per_sample=nb_macs / samples,
                        nb_dense_per_sample=counter.nb_dense / samples,
                    )
                )
                for key, value in zip(
                    total, (synops, counter.macs, energy, nb_acs, nb_macs, counter.nb_dense)
                ):
                    total[key] += value
            else:
                neuron_spikes = counter.spikes()
                layers.append(
                    LayerActivity(
                        name=counter.name,
                        kind="neuron",
                        module=type(counter.neuron).__name__,
                        neurons=counter.neurons,
                        spikes_per_sample=neuron_spikes / samples,
                        firing_rate=_ratio(neuron_spikes, counter.output_slots),
                        spikes_per_neuron_step=_ratio(neuron_spikes, counter.logical_slots),
                    )
                )
                spikes += neuron_spikes
                output_slots += counter.output_slots
                spiking_neurons += counter.neurons
                logical_slots += counter.logical_slots

        for layer in layers:
            if layer.kind in ("synapse", "matmul"):
                layer.energy_share = _ratio(layer.energy_pj_per_sample, total["energy"] / samples) or 0.0

        return ActivityReport(
            samples=samples,
            spikes_per_sample=spikes / samples,
            synops_per_sample=total["synops"] / samples,
            macs_per_sample=total["macs"] / samples,
            energy_pj_per_sample=total["energy"] / samples,
            firing_rate=_ratio(spikes, output_slots),
            spikes_per_neuron_step=_ratio(spikes, logical_slots),
            nb_effective_acs_per_sample=total["nb_acs"] / samples,
            nb_effective_macs_per_sample=total["nb_macs"] / samples,
            nb_dense_per_sample=total["nb_dense"] / samples,
            energy_model=energy_model.name,
            spike_slots=_ratio(output_slots, spiking_neurons * samples),
            memory_accesses_per_sample=_per_sample(
                estimate_memory_accesses(total["macs"], total["synops"], energy_model), samples
            ),
            memory_energy_pj_per_sample=_per_sample(
                estimate_memory_energy(total["macs"], total["synops"], energy_model), samples
            ),
            layers=layers,
            policies=_policies(energy_model),
        )
