"""Fan-out maps checked against hand-worked values and a brute-force loop over output positions."""

from __future__ import annotations

import itertools

import pytest
import torch
from torch import nn

from asnbench.metrics.fanout import dense_connections, fanout_map


def brute_force_fanout(conv: nn.Module, input_shape: tuple[int, ...]) -> torch.Tensor:
    """Count connections by visiting every output element and every kernel tap (zero padding only)."""
    channels, *spatial = input_shape
    kernel = conv.kernel_size
    stride = conv.stride
    padding = conv.padding
    dilation = conv.dilation
    in_per_group = conv.in_channels // conv.groups
    out_per_group = conv.out_channels // conv.groups
    output_sizes = [
        (size + 2 * pad - dil * (k - 1) - 1) // st + 1
        for size, pad, dil, k, st in zip(spatial, padding, dilation, kernel, stride)
    ]
    counts = torch.zeros(input_shape, dtype=torch.float64)
    for out_channel in range(conv.out_channels):
        group = out_channel // out_per_group
        for out_position in itertools.product(*(range(n) for n in output_sizes)):
            for tap in itertools.product(*(range(k) for k in kernel)):
                position = [
                    o * st - pad + t * dil
                    for o, st, pad, t, dil in zip(out_position, stride, padding, tap, dilation)
                ]
                if any(p < 0 or p >= size for p, size in zip(position, spatial)):
                    continue  # a zero-padding tap is not a connection
                for in_channel in range(group * in_per_group, (group + 1) * in_per_group):
                    counts[(in_channel, *position)] += 1
    return counts


def test_linear_fanout_is_out_features():
    layer = nn.Linear(5, 7)

    fanout = fanout_map(layer, (5,))

    assert fanout.shape == (5,)
    assert torch.all(fanout == 7)
    assert dense_connections(layer, (5,)) == 35


def test_linear_fanout_with_token_dimension():
    layer = nn.Linear(4, 3)

    assert fanout_map(layer, (6, 4)).shape == (6, 4)
    assert dense_connections(layer, (6, 4)) == 6 * 4 * 3


def test_conv_padding_one_borders():
    out_channels = 5
    layer = nn.Conv2d(2, out_channels, 3, stride=1, padding=1)

    fanout = fanout_map(layer, (2, 4, 4))

    for channel in range(2):
        assert fanout[channel, 0, 0] == 4 * out_channels  # corner
        assert fanout[channel, 3, 3] == 4 * out_channels
        assert fanout[channel, 0, 1] == 6 * out_channels  # edge
        assert fanout[channel, 2, 0] == 6 * out_channels
        assert fanout[channel, 1, 1] == 9 * out_channels  # interior
        assert fanout[channel, 2, 2] == 9 * out_channels
    # Per channel and output channel: rows and columns each cover 2 + 3 + 3 + 2 = 10.
    assert dense_connections(layer, (2, 4, 4)) == 2 * out_channels * 10 * 10


@pytest.mark.parametrize(
    ("conv_args", "input_shape"),
    [
        (dict(in_channels=2, out_channels=3, kernel_size=3, padding=1), (2, 4, 4)),
        (dict(in_channels=2, out_channels=3, kernel_size=3, stride=2), (2, 7, 6)),
        (dict(in_channels=1, out_channels=2, kernel_size=3, padding=0), (1, 5, 5)),
        (dict(in_channels=4, out_channels=6, kernel_size=3, padding=1, groups=2), (4, 5, 5)),
        (dict(in_channels=2, out_channels=2, kernel_size=3, padding=2, dilation=2), (2, 6, 7)),
        (dict(in_channels=2, out_channels=4, kernel_size=(2, 3), stride=(2, 1), padding=(1, 0)), (2, 5, 6)),
        (dict(in_channels=4, out_channels=4, kernel_size=3, stride=2, padding=1, groups=4), (4, 6, 6)),
    ],
)
def test_conv2d_matches_brute_force(conv_args, input_shape):
    layer = nn.Conv2d(**conv_args)

    fanout = fanout_map(layer, input_shape)
    expected = brute_force_fanout(layer, input_shape)

    assert torch.equal(fanout, expected)
    assert dense_connections(layer, input_shape) == int(expected.sum().item())


def test_conv_dense_count_matches_mac_formula():
    # Without padding every tap lands on a real input: out_channels x outputs x taps x in/groups.
    layer = nn.Conv2d(4, 6, 3, stride=2, groups=2)
    outputs = 3 * 3  # (7 - 3) // 2 + 1 = 3 per axis

    assert dense_connections(layer, (4, 7, 7)) == 6 * outputs * 9 * 2


@pytest.mark.parametrize(
    ("conv_args", "length"),
    [
        (dict(in_channels=2, out_channels=3, kernel_size=3, padding=1), 6),
        (dict(in_channels=2, out_channels=4, kernel_size=5, stride=3, padding=2, dilation=1, groups=2), 11),
        (dict(in_channels=1, out_channels=1, kernel_size=2, dilation=3), 9),
    ],
)
def test_conv1d_matches_brute_force(conv_args, length):
    layer = nn.Conv1d(**conv_args)
    input_shape = (conv_args["in_channels"], length)

    assert torch.equal(fanout_map(layer, input_shape), brute_force_fanout(layer, input_shape))


def test_fanout_under_inference_mode():
    layer = nn.Conv2d(1, 2, 3, padding=1)

    with torch.inference_mode():
        fanout = fanout_map(layer, (1, 3, 3))

    assert fanout[0, 1, 1] == 9 * 2


def test_fanout_rejects_wrong_channels():
    with pytest.raises(ValueError, match="3 channels"):
        fanout_map(nn.Conv2d(2, 4, 3), (3, 8, 8))
    with pytest.raises(ValueError, match="ending in 4 features"):
        fanout_map(nn.Linear(4, 2), (5,))
    with pytest.raises(TypeError, match="ReLU"):
        fanout_map(nn.ReLU(), (4,))
