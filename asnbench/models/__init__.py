"""Model builders; each takes a neuron factory so any model runs with any neuron."""

from __future__ import annotations

from collections.abc import Callable

from asnbench.errors import UnknownNameError
from asnbench.models.cnn import build_vgg
from asnbench.models.detection import build_fcos
from asnbench.models.mlp import build_mlp
from asnbench.models.network import SpikingNetwork, fold_normalizations, to_spike_inference
from asnbench.models.resnet import build_resnet
from asnbench.models.segmentation import build_fcn
from asnbench.models.synapse import Synapse, Temporal
from asnbench.models.text_cnn import build_text_cnn
from asnbench.models.transformer import build_transformer
from asnbench.models.vit import build_vit

MODELS: dict[str, Callable[..., SpikingNetwork]] = {"mlp": build_mlp, "vgg": build_vgg, "fcos": build_fcos, "fcn": build_fcn}
MODELS.update({"text_cnn": build_text_cnn, "transformer": build_transformer})
MODELS.update({"resnet": build_resnet, "vit": build_vit})


def _build_transformer_for_input(**kwargs) -> SpikingNetwork:
    """Build the spiking vision transformer for image input ``(C, H, W)``, else the text transformer."""
    builder = build_vit if len(kwargs.get("input_shape", ())) == 3 else build_transformer
    return builder(**kwargs)


MODELS["transformer"] = _build_transformer_for_input


def build_model(name: str, **kwargs) -> SpikingNetwork:
    """Build model ``name`` with the builder's keyword arguments."""
    if name not in MODELS:
        raise UnknownNameError("model", name, MODELS)
    return MODELS[name](**kwargs)


__all__ = [
    "MODELS",
    "SpikingNetwork",
    "Synapse",
    "Temporal",
    "build_model",
    "build_mlp",
    "build_vgg",
    "fold_normalizations",
    "to_spike_inference",
]
