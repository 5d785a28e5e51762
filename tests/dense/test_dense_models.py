"""Spiking FCOS and FCN: spike inference equals integer inference, and every conv is counted."""

import pytest
import torch
from torch import nn

from asnbench.metrics.activity import ActivityMonitor
from asnbench.models import Synapse, build_fcn, build_fcos, to_spike_inference
from asnbench.neurons import neuron_factory

SMALL = {"channels": (4, "M", 8, "M", 8, "M", 8, "M"), "strides": (8, 16), "width": 8, "head_depth": 1}


def _trained_statistics(model, images, targets=None):
    # A few training-mode passes give the BatchNorms non-trivial running statistics.
    model.train()
    with torch.no_grad():
        for _ in range(2):
            model(images, targets) if targets is not None else model(images)
    return model.eval()


@pytest.mark.parametrize("neuron", ["asn", "nasn", "lif", "ann"])
def test_fcos_spike_inference_matches(neuron):
    torch.manual_seed(0)
    timesteps = 2 if neuron == "lif" else 1
    model = build_fcos(2, neuron_factory(neuron, levels=3), image_size=32, timesteps=timesteps, **SMALL)
    images = torch.randn(2, 3, 32, 32)
    targets = [{"boxes": torch.tensor([[4.0, 4.0, 20.0, 28.0]]), "labels": torch.tensor([1])}] * 2
    _trained_statistics(model, images, targets)

    with torch.no_grad():
        expected = model.detector.head(model.detector.backbone(model.encode(images)))
        deployed = to_spike_inference(model)
        actual = deployed.detector.head(deployed.detector.backbone(deployed.encode(images)))

    for key in expected:
        assert torch.allclose(expected[key], actual[key], atol=1e-4), key
    assert not any(isinstance(m, nn.BatchNorm2d) for m in deployed.modules())


def test_fcos_training_returns_torchvision_losses():
    model = build_fcos(2, neuron_factory("asn"), image_size=32, **SMALL).train()
    targets = [{"boxes": torch.tensor([[4.0, 4.0, 20.0, 28.0]]), "labels": torch.tensor([1])}]
    losses = model(torch.randn(1, 3, 32, 32), targets)

    assert set(losses) == {"classification", "bbox_regression", "bbox_ctrness"}
    sum(losses.values()).backward()
    assert model.detector.backbone.backbone.layers[0][0].layer.weight.grad is not None


def test_fcos_counts_all_convs():
    model = build_fcos(2, neuron_factory("asn"), image_size=32, **SMALL).eval()
    deployed = to_spike_inference(model)
    monitor = ActivityMonitor(deployed)
    with monitor, torch.no_grad():
        detections = deployed(torch.randn(3, 3, 32, 32))
    report = monitor.report()

    assert len(detections) == 3
    assert report.samples == 3
    synapses = [layer for layer in report.layers if layer.kind == "synapse"]
    # backbone 4 convs, neck 2 levels, 2 towers of 1 block, 3 predictors
    assert len(synapses) == 4 + 2 + 2 + 3
    assert [layer.spiking_input for layer in synapses].count(False) == 1
    # The first conv: 3 -> 4 channels, 3x3, on 32x32 with zero padding not counted.
    first = synapses[0]
    assert first.macs_per_sample == 4 * 3 * (32 * 32 * 9 - 4 * 32 * 3 + 4)
    assert report.macs_per_sample == first.macs_per_sample


@pytest.mark.parametrize("neuron", ["asn", "lif", "ann"])
def test_fcn_spike_inference_matches(neuron):
    torch.manual_seed(0)
    timesteps = 2 if neuron == "lif" else 1
    make_neuron = neuron_factory(neuron, levels=3)
    model = build_fcn(3, make_neuron, channels=(4, "M", 8, "M", 8), stride=4, head_width=4, timesteps=timesteps)
    images = torch.randn(2, 3, 16, 24)
    _trained_statistics(model, images)

    with torch.no_grad():
        expected = model(images)
        deployed = to_spike_inference(model)
        monitor = ActivityMonitor(deployed)
        with monitor:
            actual = deployed(images)

    assert actual.shape == (2, 3, 16, 24)
    assert torch.allclose(expected, actual, atol=1e-4)
    report = monitor.report()
    classifier = next(layer for layer in report.layers if layer.name == "classifier")
    assert classifier.spiking_input == (neuron != "ann")


def test_fcn_rejects_sizes_off_the_stride():
    model = build_fcn(2, neuron_factory("asn"), channels=(4, "M", 4), stride=2, head_width=4)
    with pytest.raises(ValueError, match="multiple of the output stride 2"):
        model(torch.randn(1, 3, 15, 16))


def test_backbone_rejects_unreachable_stride():
    with pytest.raises(ValueError, match="not the requested"):
        build_fcos(2, neuron_factory("asn"), channels=(4, "M", 4), strides=(8,), width=4, head_depth=1)


def test_synapses_are_wrapped():
    model = build_fcos(2, neuron_factory("lif"), image_size=32, **SMALL)
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    wrapped = [m.layer for m in model.modules() if isinstance(m, Synapse)]

    assert len(convs) == len(wrapped)
