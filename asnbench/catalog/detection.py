"""Object detection datasets: spiking FCOS, fixed square inputs, mAP from torchmetrics."""

from __future__ import annotations

from asnbench.registry import DatasetSpec, ProfileSettings, register

OBJECT_DETECTION = "object_detection"

# Four stride-2 stages in the smoke profile, five in the full one, so the
# levels at strides 8 and 16 (32 and 64 in full) exist.
_SMOKE_MODEL = {
    "image_size": 96,
    "channels": (16, "M", 32, "M", 32, "M", 64, "M"),
    "strides": (8, 16),
    "width": 64,
    "head_depth": 1,
}
_FULL_MODEL = {
    "image_size": 512,
    "channels": (64, 64, "M", 128, 128, "M", 256, 256, "M", 256, 256, "M", 256, "M", 256, "M"),
    "strides": (8, 16, 32, 64),
    "width": 256,
    "head_depth": 4,
}

register(
    DatasetSpec(
        name="det/penn-fudan",
        task=OBJECT_DETECTION,
        metric="map_50",
        loader="asnbench.data.penn_fudan:load_penn_fudan_detection",
        input_shape=(3, 96, 96),
        num_classes=2,
        default_model="fcos",
        files=("penn_fudan_ped/PennFudanPed/PNGImages", "penn_fudan_ped/PennFudanPed/PedMasks"),
        source="Penn-Fudan pedestrians (170 images), boxes from PedMasks, fixed seeded 120/50 split",
        profiles={
            "smoke": ProfileSettings(epochs=30, batch_size=8, lr=2e-3, model_options=_SMOKE_MODEL),
            "full": ProfileSettings(
                epochs=100, batch_size=8, lr=1e-3, model_options={**_FULL_MODEL, "image_size": 384}
            ),
        },
    )
)

register(
    DatasetSpec(
        name="det/voc",
        task=OBJECT_DETECTION,
        metric="map_50",
        loader="asnbench.data.voc:load_voc_detection",
        input_shape=(3, 512, 512),
        num_classes=21,
        default_model="fcos",
        files=("voc/VOCdevkit/VOC2007/Annotations", "voc/VOCdevkit/VOC2007/ImageSets/Main/test.txt"),
        source="PASCAL VOC 2007+2012 trainval for training, VOC 2007 test, VOC XML (VOCdevkit layout)",
        profiles={
            "smoke": ProfileSettings(
                epochs=2, batch_size=8, lr=2e-3, model_options=_SMOKE_MODEL, max_train_samples=512
            ),
            "full": ProfileSettings(epochs=50, batch_size=16, lr=1e-3, model_options=_FULL_MODEL),
        },
    )
)

register(
    DatasetSpec(
        name="det/coco",
        task=OBJECT_DETECTION,
        metric="map",
        loader="asnbench.data.coco:load_coco_detection",
        input_shape=(3, 512, 512),
        num_classes=81,
        default_model="fcos",
        files=("coco/annotations/instances_val2017.json", "coco/val2017"),
        source="COCO 2017 train/val detection, COCO JSON (instances_{train,val}2017.json)",
        profiles={
            "smoke": ProfileSettings(
                epochs=2, batch_size=8, lr=2e-3, model_options=_SMOKE_MODEL, max_train_samples=512
            ),
            "full": ProfileSettings(epochs=24, batch_size=16, lr=1e-3, model_options=_FULL_MODEL),
        },
    )
)
