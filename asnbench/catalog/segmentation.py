"""Semantic segmentation datasets: spiking FCN, fixed square inputs, confusion-matrix mIoU."""

from __future__ import annotations

from asnbench.registry import DatasetSpec, ProfileSettings, register

SEMANTIC_SEGMENTATION = "semantic_segmentation"

_SMOKE_MODEL = {"image_size": 96, "channels": (16, "M", 32, "M", 32, "M", 64), "stride": 8, "head_width": 32}
_FULL_MODEL = {
    "image_size": 512,
    "channels": (64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512),
    "stride": 8,
    "head_width": 128,
}

register(
    DatasetSpec(
        name="seg/penn-fudan",
        task=SEMANTIC_SEGMENTATION,
        metric="miou",
        loader="asnbench.data.penn_fudan:load_penn_fudan_segmentation",
        input_shape=(3, 96, 96),
        num_classes=2,
        default_model="fcn",
        files=("penn_fudan_ped/PennFudanPed/PNGImages", "penn_fudan_ped/PennFudanPed/PedMasks"),
        source="Penn-Fudan pedestrians (170 images), person vs background, fixed seeded 120/50 split",
        profiles={
            "smoke": ProfileSettings(epochs=20, batch_size=8, lr=2e-3, model_options=_SMOKE_MODEL),
            "full": ProfileSettings(
                epochs=100, batch_size=8, lr=1e-3, model_options={**_FULL_MODEL, "image_size": 384}
            ),
        },
    )
)

register(
    DatasetSpec(
        name="seg/voc",
        task=SEMANTIC_SEGMENTATION,
        metric="miou",
        loader="asnbench.data.voc:load_voc_segmentation",
        input_shape=(3, 512, 512),
        num_classes=21,
        default_model="fcn",
        files=("voc/VOCdevkit/VOC2012/SegmentationClass", "voc/VOCdevkit/VOC2012/ImageSets/Segmentation/val.txt"),
        source="PASCAL VOC 2012 segmentation train/val, PNG masks (VOCdevkit layout)",
        profiles={
            "smoke": ProfileSettings(
                epochs=2, batch_size=8, lr=2e-3, model_options=_SMOKE_MODEL, max_train_samples=512
            ),
            "full": ProfileSettings(epochs=100, batch_size=16, lr=1e-3, model_options=_FULL_MODEL),
        },
    )
)

register(
    DatasetSpec(
        name="seg/ade20k",
        task=SEMANTIC_SEGMENTATION,
        metric="miou",
        loader="asnbench.data.ade20k:load_ade20k",
        input_shape=(3, 512, 512),
        num_classes=150,
        default_model="fcn",
        files=("ade20k/ADEChallengeData2016/images/validation", "ade20k/ADEChallengeData2016/annotations/validation"),
        source="ADE20K SceneParsing (150 classes), ADEChallengeData2016 layout",
        profiles={
            "smoke": ProfileSettings(
                epochs=2, batch_size=8, lr=2e-3, model_options=_SMOKE_MODEL, max_train_samples=512
            ),
            "full": ProfileSettings(epochs=60, batch_size=16, lr=1e-3, model_options=_FULL_MODEL),
        },
    )
)
