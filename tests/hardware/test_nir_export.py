import nir
import numpy as np
import pytest
import torch

from asnbench.hardware.nir_export import NIRUnsupportedError, write_nir
from asnbench.models import build_mlp, build_vgg, to_spike_inference
from asnbench.neurons import neuron_factory

from .conftest import tiny_network


def _hard_reset_network(conv: bool):
    torch.manual_seed(0)
    make = neuron_factory("lif", reset="hard", tau=4.0, threshold=0.7)
    if conv:
        model = build_vgg((1, 6, 6), 3, make, channels=(4,), hidden=(5,), timesteps=2)
    else:
        model = build_mlp((1, 4, 4), 3, make, hidden=(6,), timesteps=2)
    return to_spike_inference(model)


@pytest.mark.parametrize("conv", [False, True], ids=["mlp", "cnn"])
def test_round_trip_keeps_parameters(tmp_path, conv):
    network = _hard_reset_network(conv)
    shape = (1, 6, 6) if conv else (1, 4, 4)
    path = tmp_path / "model.nir"
    write_nir(network, shape, path)
    graph = nir.read(str(path))

    synapses = network.synapses()
    affine_nodes = [name for name, node in graph.nodes.items() if isinstance(node, (nir.Affine, nir.Conv2d))]
    assert len(affine_nodes) == len(synapses)
    for name, synapse in zip(affine_nodes, synapses):
        node = graph.nodes[name]
        np.testing.assert_allclose(node.weight, synapse.layer.weight.detach().numpy(), err_msg=name)
        np.testing.assert_allclose(node.bias, synapse.layer.bias.detach().numpy(), err_msg=name)
    lif_nodes = [node for node in graph.nodes.values() if isinstance(node, nir.LIF)]
    assert len(lif_nodes) == len(network.neurons())
    for node in lif_nodes:
        np.testing.assert_allclose(node.tau, 4.0)  # tau = dt / (1 - beta) with beta = 1 - 1/4
        np.testing.assert_allclose(node.r, 4.0)
        np.testing.assert_allclose(node.v_threshold, 0.7, rtol=1e-6)
        np.testing.assert_array_equal(node.v_reset, 0.0)
    assert ("input", "layer0") in graph.edges
    assert int(graph.metadata["timesteps"]) == 2


def test_flatten_node_written(tmp_path):
    path = tmp_path / "model.nir"
    write_nir(_hard_reset_network(conv=False), (1, 4, 4), path)
    graph = nir.read(str(path))
    assert isinstance(graph.nodes["layer0"], nir.Flatten)


@pytest.mark.parametrize("feature", ["adaptive threshold", "soft reset", "integer spikes"])
def test_asn_rejected_naming_feature(tmp_path, feature):
    network, shape = tiny_network("asn")
    with pytest.raises(NIRUnsupportedError, match=feature):
        write_nir(network, shape, tmp_path / "model.nir")
    assert not (tmp_path / "model.nir").exists()


def test_soft_reset_lif_rejected(tmp_path):
    network, shape = tiny_network("lif")
    with pytest.raises(NIRUnsupportedError, match="soft reset"):
        write_nir(network, shape, tmp_path / "model.nir")


def test_maxpool_rejected(tmp_path):
    network, shape = tiny_network("lif", conv=True, reset="hard")
    with pytest.raises(NIRUnsupportedError, match="max-pooling"):
        write_nir(network, shape, tmp_path / "model.nir")


def test_approximation_recorded(tmp_path):
    network, shape = tiny_network("asn")
    path = tmp_path / "model.nir"
    write_nir(network, shape, path, approximate=True)
    graph = nir.read(str(path))
    notes = [note.decode() if isinstance(note, bytes) else str(note) for note in graph.metadata["approximations"]]
    assert len(notes) == 2
    assert all("dropped adaptive threshold" in note for note in notes)
    theta0 = network.neurons()[0].dynamics()["theta0"].detach().numpy()
    np.testing.assert_allclose(graph.nodes["layer2"].v_threshold, theta0, rtol=1e-6)
