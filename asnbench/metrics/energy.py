"""Energy per operation and the estimate ``E = E_MAC * MACs + E_AC * ACs``.

A layer with analog input performs multiply-accumulates (MACs). A layer
whose input is spikes only adds the weight of every active connection,
an accumulate (AC). The estimate counts arithmetic only: memory access,
data movement and neuron state updates are not included, so it compares
operation mixes rather than predicting the power of a chip.
"""

from __future__ import annotations

from dataclasses import dataclass

from asnbench.errors import UnknownNameError

# NOTE: the fp32 and int32 figures match a secondary table that quotes this source;
# the int8 figures (add 0.03 pJ, multiply 0.2 pJ) are as commonly quoted and unchecked.
HOROWITZ_2014 = (
    "M. Horowitz, \"Computing's energy problem (and what we can do about it)\", "
    "IEEE ISSCC 2014, pp. 10-14; energy per operation in 45 nm CMOS at 0.9 V"
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
    """

    name: str
    e_mac_pj: float
    e_ac_pj: float
    description: str
    source: str

    def __post_init__(self) -> None:
        if self.e_mac_pj < 0 or self.e_ac_pj < 0:
            raise ValueError(
                f"energy per operation must be non-negative, got e_mac_pj={self.e_mac_pj}, "
                f"e_ac_pj={self.e_ac_pj} for energy model {self.name!r}"
            )


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


def get_energy_model(name: str) -> EnergyModel:
    """Look up a registered energy model by name.

    Raises ``UnknownNameError``, which suggests close names, when ``name``
    is not registered.
    """
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
