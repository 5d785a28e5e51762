"""Event-camera datasets and ImageNet: files, default models and per-profile settings."""

from __future__ import annotations

from asnbench.registry import DatasetSpec, ProfileSettings, register

EVENT_CLASSIFICATION = "event_classification"

# Backbone sizes per profile. smoke: a few CPU minutes on small data; full: the
# usual GPU configurations (SEW ResNet-18/34, a Spikformer-sized transformer).
RESNET_SMOKE = {"widths": (16, 32, 64), "blocks": (1, 1, 1)}
VIT_SMOKE = {"patch_size": 4, "dim": 64, "depth": 1, "heads": 4, "mlp_ratio": 2.0}
RESNET18_CIFAR = {"widths": (64, 128, 256, 512), "depth": "resnet18"}
VIT_CIFAR = {"patch_size": 4, "dim": 384, "depth": 4, "heads": 12, "mlp_ratio": 4.0}


def _vit_options(options: dict) -> dict:
    # On image input, "transformer" builds the same vision transformer as "vit".
    return {"vit": options, "transformer": options}


for _name, _loader, _classes, _folder, _source in [
    (
        "vision/cifar10-dvs",
        "asnbench.data.events:load_cifar10_dvs",
        10,
        "CIFAR10DVS",
        "CIFAR10-DVS AEDAT 4 recordings (tonic layout), 90/10 split per class",
    ),
    (
        "vision/dvs-gesture",
        "asnbench.data.events:load_dvs_gesture",
        11,
        "DVSGesture",
        "IBM DVS128 Gesture, tonic's preprocessed .npy samples, split by subject",
    ),
]:
    register(
        DatasetSpec(
            name=_name,
            task=EVENT_CLASSIFICATION,
            metric="accuracy",
            loader=_loader,
            input_shape=(2, 128, 128),
            num_classes=_classes,
            default_model="resnet",
            encoding="events",
            files=(_folder,),
            source=_source,
            profiles={
                "smoke": ProfileSettings(
                    epochs=5,
                    batch_size=16,
                    lr=1e-3,
                    model_options={"widths": (16, 32, 64, 64), "blocks": (1, 1, 1, 1), "stem": "imagenet"},
                    max_train_samples=500,
                    options_by_model=_vit_options({**VIT_SMOKE, "patch_size": 16}),
                ),
                "full": ProfileSettings(
                    epochs=200,
                    batch_size=16,
                    lr=1e-3,
                    model_options={**RESNET18_CIFAR, "stem": "imagenet"},
                    options_by_model=_vit_options({**VIT_CIFAR, "patch_size": 16}),
                ),
            },
        )
    )

register(
    DatasetSpec(
        name="vision/imagenet",
        task="image_classification",
        metric="accuracy",
        loader="asnbench.data.imagenet:load_imagenet",
        input_shape=(3, 224, 224),
        num_classes=1000,
        default_model="resnet",
        files=("imagenet/train", "imagenet/val"),
        source="ImageNet-1k (ILSVRC 2012): torchvision layout with the devkit, or train/ and val/ ImageFolders",
        profiles={
            "smoke": ProfileSettings(
                epochs=1,
                batch_size=32,
                lr=1e-3,
                model_options={"widths": (16, 32, 64, 64), "blocks": (1, 1, 1, 1), "stem": "imagenet"},
                max_train_samples=2000,
                options_by_model=_vit_options({**VIT_SMOKE, "patch_size": 16}),
            ),
            "full": ProfileSettings(
                epochs=100,
                batch_size=256,
                lr=1e-3,
                model_options={"widths": (64, 128, 256, 512), "depth": "resnet34", "stem": "imagenet"},
                options_by_model=_vit_options({"patch_size": 16, "dim": 512, "depth": 8, "heads": 8, "mlp_ratio": 4.0}),
            ),
        },
    )
)
