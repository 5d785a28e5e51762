import pytest

from asnbench.config import RunConfig
from asnbench.errors import ConfigError, UnknownNameError


def test_defaults_resolved_per_neuron():
    asn = RunConfig(dataset="vision/digits", neuron="asn").resolved()
    lif = RunConfig(dataset="vision/digits", neuron="lif").resolved()

    assert asn.timesteps == 1
    assert lif.timesteps == 4
    assert asn.model == "mlp"
    assert asn.epochs is not None and asn.batch_size is not None and asn.lr is not None


def test_user_values_override_profile():
    config = RunConfig(dataset="vision/digits", epochs=3, lr=0.5, timesteps=2, neuron="lif").resolved()

    assert (config.epochs, config.lr, config.timesteps) == (3, 0.5, 2)


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("dataset", "vision/mnits", "vision/mnist"),
        ("neuron", "asm", "asn"),
        ("profile", "smok", "smoke"),
        ("energy_model", "45mn", "45nm"),
        ("model", "mpl", "mlp"),
    ],
)
def test_unknown_name_suggests_closest(field, value, expected):
    with pytest.raises(UnknownNameError) as info:
        RunConfig(**{field: value}).resolved()

    assert repr(value) in str(info.value)
    assert expected in str(info.value)


def test_ann_rejects_several_timesteps():
    with pytest.raises(ConfigError, match="timesteps"):
        RunConfig(neuron="ann", timesteps=4).resolved()


@pytest.mark.parametrize("field", ["epochs", "batch_size", "max_train_samples", "levels"])
def test_nonpositive_values_rejected(field):
    with pytest.raises(ConfigError, match=field):
        RunConfig(**{field: 0}).resolved()


def test_key_changes_with_result_affecting_fields():
    base = RunConfig().resolved()

    assert base.key() == RunConfig().resolved().key()
    assert base.key() != RunConfig(seed=1).resolved().key()
    assert base.key() != RunConfig(levels=2).resolved().key()
