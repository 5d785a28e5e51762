"""SpikeMatmul: sub-step collapsing and its operation counts with hand-worked numbers."""

import pytest
import torch
from torch import nn

from asnbench.metrics.activity import ActivityMonitor
from asnbench.models.network import SpikingNetwork
from asnbench.models.spike_matmul import SpikeMatmul
from asnbench.neurons.expansion import expand_levels

A = torch.tensor([[1.0, 0.0], [2.0, 1.0]])  # [n=2, k=2]
B = torch.tensor([[1.0, 3.0], [0.0, 1.0]])  # [k=2, m=2]


class _Pair(SpikingNetwork):
    """A network whose forward multiplies two fixed operands, so the monitor sees one product."""

    def __init__(self, spiking_inputs=(True, True), timesteps=1):
        super().__init__([], timesteps=1)
        self.product = SpikeMatmul(spiking_inputs)
        self.timesteps = timesteps

    def forward(self, x):
        # x is a placeholder [batch=1] tensor, so the monitor counts one sample.
        return self.product(self.a, self.b)


def _operands(a, b, substeps_a=1, substeps_b=1):
    a = a.view(1, 1, 2, 2)
    b = b.view(1, 1, 2, 2)
    if substeps_a > 1:
        a = expand_levels(a, substeps_a)
    if substeps_b > 1:
        b = expand_levels(b, substeps_b)
    return a, b


def test_collapses_substeps_to_logical_product():
    product = SpikeMatmul()
    a, b = _operands(A, B, substeps_a=2, substeps_b=3)

    assert a.shape[0] == 2
    assert b.shape[0] == 3
    assert torch.equal(product(a, b)[0, 0], A @ B)


def test_rejects_steps_not_multiple_of_timesteps():
    product = SpikeMatmul()
    product.timesteps = 2

    with pytest.raises(ValueError, match="not a multiple"):
        product(torch.ones(3, 1, 2, 2), torch.ones(2, 1, 2, 2))


def test_mask_zeroes_entries():
    mask = torch.tensor([[True, False], [True, True]])

    out = SpikeMatmul()(A.view(1, 1, 2, 2), B.view(1, 1, 2, 2), mask)

    assert torch.equal(out[0, 0], torch.tensor([[1.0, 0.0], [2.0, 7.0]]))


def _report(network, a, b):
    network.a, network.b = a, b
    monitor = ActivityMonitor(network)
    with monitor, torch.no_grad():
        network(torch.zeros(1))
    return monitor.report()


def test_spiking_product_counts_value_weighted_pairs():
    # A @ B = [[1, 3], [2, 7]], so the value-weighted pairs sum to 13 accumulates.
    a, b = _operands(A, B, substeps_a=2, substeps_b=3)
    report = _report(_Pair(), a, b)
    (layer,) = [l for l in report.layers if l.kind == "matmul"]

    assert layer.synops_per_sample == 13.0
    assert layer.macs_per_sample == 0
    # Nonzero pairs (a_ik != 0 and b_kj != 0): 2 for row 0 of A, 2 + 1 for row 1, so 5.
    assert layer.nb_effective_acs_per_sample == 5.0
    assert layer.nb_effective_macs_per_sample == 0.0
    assert layer.nb_dense_per_sample == 8
    assert report.synops_per_sample == 13.0


def test_integer_operand_is_neurobench_mac():
    report = _report(_Pair(), *_operands(A, B))
    (layer,) = [l for l in report.layers if l.kind == "matmul"]

    assert layer.synops_per_sample == 13.0
    assert layer.nb_effective_macs_per_sample == 5.0
    assert layer.nb_effective_acs_per_sample == 0.0


def test_analog_product_counts_dense_macs():
    report = _report(_Pair(spiking_inputs=(True, False)), *_operands(A, B))
    (layer,) = [l for l in report.layers if l.kind == "matmul"]

    assert layer.synops_per_sample == 0.0
    assert layer.macs_per_sample == 8  # n * k * m = 2 * 2 * 2
    assert report.macs_per_sample == 8


def test_network_propagates_timesteps():
    network = _Pair(timesteps=3)

    assert network.product.timesteps == 3
