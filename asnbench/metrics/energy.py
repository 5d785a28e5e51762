"""Energy per operation and the estimate ``E = E_MAC * MACs + E_AC * ACs``.

A layer with analog input performs multiply-accumulates (MACs). A layer
whose input is spikes only adds the weight of every active connection,
an accumulate (AC). The compute estimate counts arithmetic only, so it
compares operation mixes rather than predicting the power of a chip.

A model may add a memory-access term (:class:`MemoryAccessModel`). By
default every operation, MAC or AC, reads one weight, reads the state it
accumulates into (the membrane potential of a spiking neuron, the partial
sum of an ANN unit) and writes that state back. The counts per operation
are configurable, and every access costs the same energy. That term is reported beside the compute energy, never added
into it, so results can be compared with and without it.

Models are the presets in :data:`ENERGY_MODELS` or YAML files read by
:func:`asnbench.metrics.energy_file.load_energy_model`.
"""

from __future__ import annotations

from dataclasses import dataclass

from asnbench.errors import UnknownNameError

# NOTE: the fp32 and int32 figures match a secondary table that quotes this source;
# the fp16 (add 0.4 pJ, multiply 1.1 pJ) and int8 (add 0.03 pJ, multiply 0.2 pJ)
# figures are as commonly quoted and unchecked against the paper.
HOROWITZ_2014 = (
    "M. Horowitz, \"Computing's energy problem (and what we can do about it)\", "
    "IEEE ISSCC 2014, pp. 10-14; energy per operation in 45 nm CMOS at 0.9 V"
)


def _check_non_negative(owner: str, **values: float) -> None:
    for field_name, value in values.items():
        if not value >= 0 or value == float("inf"):
            raise ValueError(f"{field_name} must be a finite non-negative number, got {value!r} for {owner}")


@dataclass(frozen=True)
class MemoryAccessModel:
    """Memory accesses per operation and the energy of one access, in picojoules.

    Attributes:
        e_access_pj: energy of one memory read or write.
        weight_reads_per_op: weight reads per MAC or AC.
        state_reads_per_op: reads of the accumulated state (membrane potential
            or partial sum) per MAC or AC.
        state_writes_per_op: writes of that state per MAC or AC.
    """

    e_access_pj: float
    weight_reads_per_op: float = 1.0
    state_reads_per_op: float = 1.0
    state_writes_per_op: float = 1.0

    def __post_init__(self) -> None:
        _check_non_negative(
            "the memory-access model",
            e_access_pj=self.e_access_pj,
            weight_reads_per_op=self.weight_reads_per_op,
            state_reads_per_op=self.state_reads_per_op,
            state_writes_per_op=self.state_writes_per_op,
        )

    @property
    def accesses_per_op(self) -> float:
        """Memory reads and writes per MAC or AC."""
        return self.weight_reads_per_op + self.state_reads_per_op + self.state_writes_per_op

    def describe(self) -> str:
        """Describe the accesses per operation and the energy of each in one line for reports."""
        return (
            f"{self.accesses_per_op:g} accesses per MAC or AC (weight reads {self.weight_reads_per_op:g}, "
            f"state reads {self.state_reads_per_op:g}, state writes {self.state_writes_per_op:g}) "
            f"at {self.e_access_pj:g} pJ each, reported apart from compute energy"
        )


@dataclass(frozen=True)
class EnergyModel:
    """Energy of one multiply-accumulate and one accumulate, in picojoules.

    Attributes:
        name: registry name used on the command line and in reports.
        e_mac_pj: energy of one multiply-accumulate (a multiply plus an add).
        e_ac_pj: energy of one accumulate (an add).
        description: number format and technology.
        source: publication the numbers come from.
        memory: memory-access term, or ``None`` to count arithmetic only.
    """

    name: str
    e_mac_pj: float
    e_ac_pj: float
    description: str
    source: str
    memory: MemoryAccessModel | None = None

    def __post_init__(self) -> None:
        _check_non_negative(f"energy model {self.name!r}", e_mac_pj=self.e_mac_pj, e_ac_pj=self.e_ac_pj)


ENERGY_MODELS: dict[str, EnergyModel] = {
    model.name: model
    for model in (
        EnergyModel(
            name="45nm",
            e_mac_pj=4.6,
            e_ac_pj=0.9,
            description="32-bit floating point, 45 nm CMOS: add 0.9 pJ, multiply 3.7 pJ",
            source=HOROWITZ_2014,
        ),
        EnergyModel(
            name="45nm-fp16",
            e_mac_pj=1.5,
            e_ac_pj=0.4,
            description="16-bit floating point, 45 nm CMOS: add 0.4 pJ, multiply 1.1 pJ",
            source=HOROWITZ_2014,
        ),
        EnergyModel(
            name="45nm-int32",
            e_mac_pj=3.2,
            e_ac_pj=0.1,
            description="32-bit integer, 45 nm CMOS: add 0.1 pJ, multiply 3.1 pJ",
            source=HOROWITZ_2014,
        ),
        EnergyModel(
            name="45nm-int8",
            e_mac_pj=0.23,
            e_ac_pj=0.03,
            description="8-bit integer, 45 nm CMOS: add 0.03 pJ, multiply 0.2 pJ",
            source=HOROWITZ_2014,
        ),
    )
}

DEFAULT_ENERGY_MODEL = "45nm"


def is_energy_model_file(name: str) -> bool:
    """Tell whether ``name`` is the path of a YAML energy-model file rather than a preset name."""
    return name.lower().endswith((".yaml", ".yml"))


def get_energy_model(name: str) -> EnergyModel:
    """Return the preset called ``name``, or the model in ``name`` when it is a ``.yaml``/``.yml`` path.

    Raises ``UnknownNameError``, which suggests close names, when ``name``
    is neither, and ``ConfigError`` naming the file and field when a YAML
    file is missing or invalid.
    """
    if is_energy_model_file(name):
        from asnbench.metrics.energy_file import load_energy_model

        return load_energy_model(name)
    if name not in ENERGY_MODELS:
        raise UnknownNameError("energy model", name, ENERGY_MODELS)
    return ENERGY_MODELS[name]


def estimate_energy(macs: float, acs: float, model: EnergyModel | str) -> float:
    """Estimate the energy in picojoules: ``E = e_mac_pj * macs + e_ac_pj * acs``.

    ``acs`` are the synaptic operations (SynOps) of layers with spiking
    input. ``model`` is an :class:`EnergyModel` or a registered name.
    """
    if macs < 0 or acs < 0:
        raise ValueError(f"operation counts must be non-negative, got macs={macs}, acs={acs}")
    if isinstance(model, str):
        model = get_energy_model(model)
    return float(model.e_mac_pj * macs + model.e_ac_pj * acs)


def estimate_memory_accesses(macs: float, acs: float, model: EnergyModel | str) -> float | None:
    """Return the memory reads and writes of ``macs + acs`` operations, or ``None`` without a memory term."""
    if macs < 0 or acs < 0:
        raise ValueError(f"operation counts must be non-negative, got macs={macs}, acs={acs}")
    if isinstance(model, str):
        model = get_energy_model(model)
    if model.memory is None:
        return None
    return float(model.memory.accesses_per_op * (macs + acs))


def estimate_memory_energy(macs: float, acs: float, model: EnergyModel | str) -> float | None:
    """Estimate the memory-access energy in picojoules, or ``None`` when ``model`` has no memory term."""
    if isinstance(model, str):
        model = get_energy_model(model)
    accesses = estimate_memory_accesses(macs, acs, model)
    if accesses is None:
        return None
    return float(model.memory.e_access_pj * accesses)
