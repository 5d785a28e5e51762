"""Binary expansion of integer spike counts and its inverse."""

import pytest
import torch

from asnbench.neurons.expansion import collapse_substeps, expand_levels


@pytest.fixture(params=[1, 2, 4])
def levels(request):
    return request.param


@pytest.fixture
def counts(levels):
    torch.manual_seed(levels)
    return torch.randint(0, levels + 1, (3, 2, 4, 5, 5)).to(torch.float32)


def test_hand_example():
    counts = torch.tensor([[2.0], [0.0], [3.0]])

    binary = expand_levels(counts, 3)

    assert binary.flatten().tolist() == [1, 1, 0, 0, 0, 0, 1, 1, 1]


def test_output_is_binary(counts, levels):
    binary = expand_levels(counts, levels)

    assert binary.shape == (counts.shape[0] * levels, *counts.shape[1:])
    assert binary.dtype == counts.dtype
    assert ((binary == 0) | (binary == 1)).all()


def test_substeps_sum_to_counts(counts, levels):
    binary = expand_levels(counts, levels)

    sums = binary.view(counts.shape[0], levels, *counts.shape[1:]).sum(1)

    assert torch.equal(sums, counts)


def test_substep_order(counts, levels):
    binary = expand_levels(counts, levels)

    for t in range(counts.shape[0]):
        for d in range(levels):
            expected = (d < counts[t]).to(counts.dtype)
            assert torch.equal(binary[t * levels + d], expected), f"t={t}, d={d}"


def test_collapse_inverts_expand(counts, levels):
    binary = expand_levels(counts, levels)

    assert torch.equal(collapse_substeps(binary, levels), counts)


def test_collapse_sums_each_logical_step():
    values = torch.arange(12.0).view(6, 2)

    collapsed = collapse_substeps(values, 3)

    assert collapsed.tolist() == [[0 + 2 + 4, 1 + 3 + 5], [6 + 8 + 10, 7 + 9 + 11]]


def test_collapse_rejects_partial_step():
    with pytest.raises(ValueError, match="not a multiple"):
        collapse_substeps(torch.zeros(7, 2), 3)


@pytest.mark.parametrize("value", [-1.0, 5.0, 100.0])
def test_rejects_out_of_range_counts(value):
    counts = torch.tensor([[0.0, value, 2.0]])

    with pytest.raises(ValueError, match=r"\[0, 4\]"):
        expand_levels(counts, 4)


@pytest.mark.parametrize("value", [0.5, 1.25, 3.999])
def test_rejects_non_integer_counts(value):
    counts = torch.tensor([[0.0, value, 2.0]])

    with pytest.raises(ValueError, match="integers"):
        expand_levels(counts, 4)


def test_rejects_non_positive_levels():
    with pytest.raises(ValueError, match="levels"):
        expand_levels(torch.zeros(2, 3), 0)
