"""Run an exported asnbench network on Lava's Loihi 2 simulator.

Started by ``asnbench hw run`` with the Lava interpreter::

    python lava_worker.py NETWORK.npz INPUTS.npz RESULT.npz --tag floating_pt

It imports only numpy, Lava and scipy.sparse (a dependency of lava-nc that
Lava's ``Sparse`` process takes its weights in), never asnbench or torch.

Mapping of the exported network (see ``asnbench.hardware.export_format``):

* The first synaptic layer sees the analog input (direct encoding), so its
  weights are applied here, on the host, in numpy, and the resulting current
  ``W x`` is fed to the first neuron layer through a ``RingBuffer`` for every
  logical step. Its bias is added by that neuron layer.
* Every later synaptic layer is a Lava ``Dense`` (Linear) or ``Sparse``
  (convolution unrolled to a sparse matrix in C, H, W order, so Flatten is
  the identity). Each adds Lava's one-step delay: neuron layer ``k`` sees a
  sample ``k`` steps after the first neuron layer, and the readout ``K``
  steps after, for ``K`` neuron layers.
* ASN and LIF neurons are one custom process, :class:`SpikingLayer`, with a
  ``floating_pt`` and a ``fixed_pt`` model. ASN integer spike counts travel as
  graded spikes (one Lava step per logical step), so the next layer receives
  ``W @ S`` exactly as the binary expansion would deliver it over ``D``
  sub-steps. The bias is added once per step, that is once per logical step.
  Max pooling that follows a neuron is applied to that process's output.
* Samples are laid back to back in one run. Each neuron layer resets its
  state at the first step of every sample (shifted by its delay), so no
  state leaks between samples.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

try:
    from lava.magma.core.decorator import implements, requires, tag
    from lava.magma.core.model.py.model import PyLoihiProcessModel
    from lava.magma.core.model.py.ports import PyInPort, PyOutPort
    from lava.magma.core.model.py.type import LavaPyType
    from lava.magma.core.process.ports.ports import InPort, OutPort
    from lava.magma.core.process.process import AbstractProcess
    from lava.magma.core.process.variable import Var
    from lava.magma.core.resources import CPU
    from lava.magma.core.run_conditions import RunSteps
    from lava.magma.core.run_configs import Loihi2SimCfg
    from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol
    from lava.proc.dense.process import Dense
    from lava.proc.io.sink import RingBuffer as SinkBuffer
    from lava.proc.io.source import RingBuffer as SourceBuffer
    from lava.proc.sparse.process import Sparse
except ImportError as error:  # pragma: no cover - exercised through the driver
    sys.stderr.write(f"lava_worker: Lava is not importable with {sys.executable}: {error}\n")
    sys.exit(3)

FORMAT_NAME = "asnbench-lava-network"
FORMAT_VERSION = 1
# Loihi 2 keeps neuron state in 24-bit signed registers; decays are 12-bit fractions.
STATE_MAX = 2**23 - 1
DECAY_BITS = 12
EXIT_INVALID_INPUT = 2


class WorkerInputError(Exception):
    """The network or input file cannot be run."""


class SpikingLayer(AbstractProcess):
    """A layer of ASN or LIF neurons with per-neuron parameters and per-sample state reset.

    ``params`` contains per-neuron arrays: ``bias``, ``beta`` and, for ASN,
    ``theta0``, ``rho``, ``alpha``, or, for LIF, ``threshold``. In a
    ``fixed_pt`` run they are integer mantissas (state units, decays in
    ``1/4096``). ``offset`` is the Lava step at which the layer sees its first
    sample, ``timesteps`` the logical steps per sample.
    """

    def __init__(self, *, kind, size, params, levels, reset, timesteps, offset, num_samples,
                 pool_groups=None, record=False, fixed=False):
        super().__init__(kind=kind, levels=levels, reset=reset, timesteps=timesteps, offset=offset,
                         num_samples=num_samples, pool_groups=pool_groups, record=record)
        out_size = size if pool_groups is None else pool_groups.shape[0]
        dtype = np.int64 if fixed else np.float64
        self.a_in = InPort(shape=(size,))
        self.s_out = OutPort(shape=(out_size,))
        self.u = Var(shape=(size,), init=np.zeros(size, dtype))
        self.a = Var(shape=(size,), init=np.zeros(size, dtype))
        for name in ("bias", "beta", "theta0", "rho", "alpha", "threshold"):
            value = params.get(name, np.zeros(size, dtype))
            setattr(self, name, Var(shape=(size,), init=np.asarray(value, dtype)))
        self.spike_counts = Var(shape=(num_samples,), init=np.zeros(num_samples, dtype))
        train_shape = (size, num_samples * timesteps) if record else (1, 1)
        self.spike_train = Var(shape=train_shape, init=np.zeros(train_shape, dtype))


class _SpikingLayerModel(PyLoihiProcessModel):
    """Per-step bookkeeping shared by both arithmetic models: reset, counting, pooling."""

    def run_spk(self):
        x = self.a_in.recv()
        params = self.proc_params
        timesteps = params["timesteps"]
        step = self.time_step - 1 - params["offset"]
        if step >= 0 and step % timesteps == 0:
            self.u[:] = 0
            self.a[:] = 0
        spikes = self.update(x)
        if 0 <= step < params["num_samples"] * timesteps:
            self.spike_counts[step // timesteps] += spikes.sum()
            if params["record"]:
                self.spike_train[:, step] = spikes
        groups = params["pool_groups"]
        if groups is not None:
            spikes = spikes[groups].max(axis=1)
        self.s_out.send(spikes)


@implements(proc=SpikingLayer, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PySpikingLayerFloat(_SpikingLayerModel):
    """Float64 arithmetic in the same operation order as asnbench's PyTorch neurons."""

    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    u: np.ndarray = LavaPyType(np.ndarray, float)
    a: np.ndarray = LavaPyType(np.ndarray, float)
    bias: np.ndarray = LavaPyType(np.ndarray, float)
    beta: np.ndarray = LavaPyType(np.ndarray, float)
    theta0: np.ndarray = LavaPyType(np.ndarray, float)
    rho: np.ndarray = LavaPyType(np.ndarray, float)
    alpha: np.ndarray = LavaPyType(np.ndarray, float)
    threshold: np.ndarray = LavaPyType(np.ndarray, float)
    spike_counts: np.ndarray = LavaPyType(np.ndarray, float)
    spike_train: np.ndarray = LavaPyType(np.ndarray, float)

    def update(self, x):
        h = self.beta * self.u + (x + self.bias)
        if self.proc_params["kind"] == "asn":
            theta = self.theta0 + self.a
            s = np.clip(np.floor(h / theta + 0.5), 0, self.proc_params["levels"])
            self.u[:] = h - s * theta
            self.a[:] = self.rho * self.a + self.alpha * s
            return s
        s = (h - self.threshold >= 0).astype(float)
        self.u[:] = h - s * self.threshold if self.proc_params["reset"] == "soft" else h * (1 - s)
        return s


def _decay(mantissa, value):
    """``value * mantissa / 4096`` rounded toward zero, as Loihi's 12-bit decay does."""
    return np.sign(value) * ((np.abs(value) * mantissa) >> DECAY_BITS)


@implements(proc=SpikingLayer, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PySpikingLayerFixed(_SpikingLayerModel):
    """Integer arithmetic: 24-bit saturating state, 12-bit decays, integer spike counts.

    The ASN count ``clamp(floor(h / theta + 1/2), 0, D)`` is computed as
    ``floor((2h + theta) / (2 theta))``, which equals the number of ``d`` in
    ``1..D`` with ``2h >= (2d - 1) theta``, so it needs no division on a
    chip with ``D`` comparators.
    """

    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, np.int32, precision=24)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, np.int32, precision=24)
    u: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=24)
    a: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=24)
    bias: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=24)
    beta: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=13)
    theta0: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=24)
    rho: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=13)
    alpha: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=24)
    threshold: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=24)
    spike_counts: np.ndarray = LavaPyType(np.ndarray, np.int64)
    spike_train: np.ndarray = LavaPyType(np.ndarray, np.int64)

    def update(self, x):
        x = x.astype(np.int64)
        h = np.clip(_decay(self.beta, self.u) + x + self.bias, -STATE_MAX, STATE_MAX)
        if self.proc_params["kind"] == "asn":
            theta = np.maximum(self.theta0 + self.a, 1)
            s = np.clip((2 * h + theta) // (2 * theta), 0, self.proc_params["levels"])
            self.u[:] = np.clip(h - s * theta, -STATE_MAX, STATE_MAX)
            self.a[:] = np.clip(_decay(self.rho, self.a) + self.alpha * s, 0, STATE_MAX)
            return s.astype(np.int32)
        s = (h >= self.threshold).astype(np.int64)
        self.u[:] = h - s * self.threshold if self.proc_params["reset"] == "soft" else h * (1 - s)
        return s.astype(np.int32)


# ----------------------------------------------------------------------------
# Reading the exported network
# ----------------------------------------------------------------------------


def load_network(path):
    """Return ``(meta, arrays)`` of an exported network, checking format name and version."""
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise WorkerInputError(f"cannot read network file {path}: {error}") from error
    with archive:
        arrays = {key: archive[key] for key in archive.files}
    if "meta" not in arrays:
        raise WorkerInputError(f"network file {path} has no 'meta' entry")
    meta = json.loads(str(arrays.pop("meta")))
    if meta.get("format") != FORMAT_NAME or meta.get("version") != FORMAT_VERSION:
        raise WorkerInputError(
            f"network file {path} is format {meta.get('format')!r} version {meta.get('version')!r}; "
            f"this worker reads {FORMAT_NAME!r} version {FORMAT_VERSION}. Export it again."
        )
    return meta, arrays


def _matrix(arrays, prefix, layer, fixed):
    """Return the synaptic matrix of ``layer``: a dense array, or a CSR matrix for an unrolled convolution."""
    values = arrays[f"{prefix}.weight_mantissa" if fixed else f"{prefix}.weight"]
    if layer["storage"] == "dense":
        return values
    from scipy.sparse import csr_matrix

    rows, cols = arrays[f"{prefix}.rows"], arrays[f"{prefix}.cols"]
    return csr_matrix((values, (rows, cols)), shape=(layer["out_features"], layer["in_features"]))


def _check_fixed(meta, arrays):
    """Raise unless every fixed-point parameter is an integer mantissa within range.

    A fixed-point Lava run given float parameters may never return, so this
    runs before anything is built.
    """
    for key, value in arrays.items():
        if key.endswith("_mantissa") and not np.issubdtype(value.dtype, np.integer):
            raise WorkerInputError(f"fixed-point parameter {key} has dtype {value.dtype}, expected integers")
    for index, layer in enumerate(meta["layers"]):
        prefix = f"layer{index}"
        if layer["type"] == "synapse":
            weights = arrays[f"{prefix}.weight_mantissa"]
            if weights.size and (weights.min() < -256 or weights.max() > 254):
                raise WorkerInputError(f"{prefix}.weight_mantissa lies outside Loihi's 8-bit range [-256, 254]")
        if layer["type"] == "neuron":
            for name in ("beta", "rho"):
                key = f"{prefix}.{name}_mantissa"
                if key in arrays and (arrays[key].min() < 0 or arrays[key].max() > 2**DECAY_BITS):
                    raise WorkerInputError(f"{key} must lie in [0, {2**DECAY_BITS}]")
            for name in ("theta0", "threshold"):
                key = f"{prefix}.{name}_mantissa"
                if key in arrays and arrays[key].min() < 1:
                    raise WorkerInputError(f"{key} must be at least 1")


# ----------------------------------------------------------------------------
# Building and running one chunk of samples
# ----------------------------------------------------------------------------


def _first_layer_current(meta, arrays, inputs):
    """``W x`` of the analog first layer for every sample, without bias, as float64 ``[N, n]``."""
    layer = meta["layers"][0]
    flat = inputs.reshape(inputs.shape[0], -1).astype(np.float64)
    weight = arrays["layer0.weight"]
    if layer["storage"] == "dense":
        return flat @ weight.T
    rows, cols = arrays["layer0.rows"], arrays["layer0.cols"]
    current = np.zeros((flat.shape[0], layer["out_features"]))
    for sample in range(flat.shape[0]):
        np.add.at(current[sample], rows, weight * flat[sample, cols])
    return current


def _neuron_params(arrays, prefix, fixed):
    suffix = "_mantissa" if fixed else ""
    params = {}
    for name in ("bias", "beta", "theta0", "rho", "alpha", "threshold"):
        key = f"{prefix}.{name}{suffix}"
        if key in arrays:
            params[name] = arrays[key]
    return params


def run_chunk(meta, arrays, inputs, tag_name, record):
    """Run ``inputs`` back to back in one Lava run; return logits, spike counts and spike trains."""
    fixed = tag_name == "fixed_pt"
    timesteps = meta["timesteps"]
    layers = meta["layers"]
    num_samples = inputs.shape[0]

    current = _first_layer_current(meta, arrays, inputs)
    if fixed:
        scale = layers[0]["scale"]
        current = np.clip(np.round(current / scale), -STATE_MAX, STATE_MAX).astype(np.int32)
    neuron_indices = [i for i, layer in enumerate(layers) if layer["type"] == "neuron"]
    delay = len(neuron_indices)
    total_steps = num_samples * timesteps + delay
    stream = np.zeros((current.shape[1], total_steps), dtype=current.dtype)
    stream[:, : num_samples * timesteps] = np.repeat(current, timesteps, axis=0).T
    source = SourceBuffer(data=stream)

    neurons = []
    previous = source.s_out
    for index, layer in enumerate(layers):
        prefix = f"layer{index}"
        if layer["type"] == "synapse" and index > 0:
            matrix = _matrix(arrays, prefix, layer, fixed)
            options = {"num_message_bits": layer["message_bits"]}
            if fixed:
                options.update(weight_exp=layer["weight_exp"], num_weight_bits=8)
            process_class = Dense if layer["storage"] == "dense" else Sparse
            synapse = process_class(weights=matrix, **options)
            previous.connect(synapse.s_in)
            previous = synapse.a_out
        elif layer["type"] == "neuron":
            follower = layers[index + 1] if index + 1 < len(layers) else None
            groups = arrays[f"layer{index + 1}.groups"] if follower and follower["type"] == "maxpool" else None
            neuron = SpikingLayer(
                kind=layer["kind"], size=layer["size"], params=_neuron_params(arrays, prefix, fixed),
                levels=layer["levels"], reset=layer["reset"], timesteps=timesteps, offset=len(neurons),
                num_samples=num_samples, pool_groups=groups, record=record, fixed=fixed,
            )
            previous.connect(neuron.a_in)
            previous = neuron.s_out
            neurons.append(neuron)
    readout = layers[-1]
    sink = SinkBuffer(shape=(readout["out_features"],), buffer=total_steps)
    previous.connect(sink.a_in)

    started = time.perf_counter()
    source.run(condition=RunSteps(num_steps=total_steps), run_cfg=Loihi2SimCfg(select_tag=tag_name))
    try:
        received = sink.data.get()
        counts = np.stack([neuron.spike_counts.get() for neuron in neurons])
        trains = [neuron.spike_train.get() for neuron in neurons] if record else []
    finally:
        source.stop()
    seconds = time.perf_counter() - started

    received = received[:, delay : delay + num_samples * timesteps].astype(np.float64)
    if fixed:
        received = received * readout["scale"]
    per_step = received.T.reshape(num_samples, timesteps, -1) + arrays[f"layer{len(layers) - 1}.bias"]
    return per_step.mean(axis=1), counts, trains, seconds, total_steps


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("network")
    parser.add_argument("inputs")
    parser.add_argument("result")
    parser.add_argument("--tag", choices=("floating_pt", "fixed_pt"), default="floating_pt")
    parser.add_argument("--chunk", type=int, default=500, help="samples per Lava run")
    parser.add_argument("--record-spikes", action="store_true", help="also return every layer's spike train")
    args = parser.parse_args(argv)

    try:
        meta, arrays = load_network(args.network)
        if args.tag == "fixed_pt":
            _check_fixed(meta, arrays)
        with np.load(args.inputs, allow_pickle=False) as archive:
            inputs = archive["inputs"]
    except (WorkerInputError, KeyError, OSError, ValueError) as error:
        sys.stderr.write(f"lava_worker: {error}\n")
        return EXIT_INVALID_INPUT

    logits, counts, trains, seconds, steps = [], [], [], 0.0, 0
    for start in range(0, inputs.shape[0], args.chunk):
        chunk = inputs[start : start + args.chunk]
        result = run_chunk(meta, arrays, chunk, args.tag, args.record_spikes)
        logits.append(result[0])
        counts.append(result[1])
        trains.append(result[2])
        seconds += result[3]
        steps += result[4]
    output = {
        "logits": np.concatenate(logits),
        "spike_counts": np.concatenate(counts, axis=1).astype(np.float64),
        "lava_seconds": np.float64(seconds),
        "lava_steps": np.int64(steps),
    }
    if args.record_spikes:
        for layer in range(len(trains[0])):
            output[f"spike_train{layer}"] = np.concatenate([chunk[layer] for chunk in trains], axis=1)
    np.savez(args.result, **output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
