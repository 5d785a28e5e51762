"""The benchmark's snnTorch and SpikingJelly networks compute what asnbench's LIF network computes."""

from __future__ import annotations

import pytest
import torch

pytest.importorskip("snntorch", reason="snntorch is not installed (pip install '.[dev]')")
pytest.importorskip("spikingjelly", reason="spikingjelly is not installed (pip install '.[dev]')")

from benchmarks import peers, train_step  # noqa: E402
from benchmarks.report import write_section  # noqa: E402


def copy_linear_weights(source: torch.nn.Module, target: torch.nn.Module) -> None:
    layers = [m for m in source.modules() if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d))]
    targets = [m for m in target.modules() if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d))]
    assert len(layers) == len(targets)
    with torch.no_grad():
        for layer, other in zip(layers, targets):
            other.weight.copy_(layer.weight)
            other.bias.copy_(layer.bias)


@pytest.mark.slow
@pytest.mark.parametrize("architecture", ["mlp", "cnn"])
def test_spikingjelly_network_equals_asnbench(architecture):
    torch.manual_seed(0)
    variants = train_step.build_variants(architecture)
    ours = variants[f"asnbench LIF T={train_step.TIMESTEPS}"]
    theirs = variants[f"SpikingJelly LIFNode T={train_step.TIMESTEPS}"]
    copy_linear_weights(ours, theirs)
    x = torch.rand(4, 1, 28, 28)

    with torch.no_grad():
        expected = ours(x)
        actual = theirs(x)

    torch.testing.assert_close(actual, expected, rtol=1e-5, atol=1e-5)


def test_snntorch_first_layer_once_equals_per_step():
    torch.manual_seed(0)
    per_step = peers.snntorch_mlp(4)
    once = peers.snntorch_mlp(4, first_layer_once=True)
    once.load_state_dict(per_step.state_dict())
    x = torch.rand(4, 1, 28, 28)

    with torch.no_grad():
        torch.testing.assert_close(once(x), per_step(x))


def test_write_section_replaces_in_place(tmp_path):
    path = tmp_path / "bench.md"

    write_section(path, "train", "first")
    write_section(path, "eval", "second")
    write_section(path, "train", "third")

    text = path.read_text()
    assert "first" not in text
    assert text.index("third") < text.index("second")
    assert text.count("<!-- section:train -->") == 1
