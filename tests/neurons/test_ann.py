"""ANN baseline: a ReLU per step behind the neuron interface."""

import pytest
import torch

from asnbench.neurons.ann import ANN


@pytest.mark.parametrize("shape", [(1, 4, 7), (1, 2, 3, 5, 5)], ids=["linear", "conv"])
def test_output_is_relu(shape):
    torch.manual_seed(0)
    x = torch.randn(shape)

    out = ANN(shape[2])(x)

    assert torch.equal(out, torch.relu(x))


def test_hand_values():
    x = torch.tensor([-2.0, -0.0, 0.0, 0.25, 3.5]).view(1, 1, 5)

    out = ANN(5)(x)

    assert out.flatten().tolist() == [0.0, 0.0, 0.0, 0.25, 3.5]


def test_gradient_is_relu_gradient():
    x = torch.tensor([-1.0, -0.5, 0.5, 2.0]).view(1, 1, 4).requires_grad_(True)

    ANN(4)(x).sum().backward()

    assert x.grad.flatten().tolist() == [0.0, 0.0, 1.0, 1.0]


def test_interface_attributes():
    ann = ANN(4)

    assert ann.is_spiking is False
    assert ann.levels is None
    assert list(ann.parameters()) == []


def test_spike_inference_leaves_output_analog():
    x = torch.tensor([-1.0, 0.3, 2.7]).view(1, 1, 3)
    ann = ANN(3)

    ann.set_spike_inference(True)

    assert ann.substeps == 1
    assert ann(x).flatten().tolist() == pytest.approx([0.0, 0.3, 2.7])
