"""Tiny datasets written in each format's real on-disk layout."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image


def _image(path: Path, width: int, height: int, seed: int, suffix: str = "PNG") -> None:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 255, size=(height, width, 3), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path, suffix)


def write_penn_fudan(root: Path, count: int = 10, width: int = 48, height: int = 40) -> Path:
    """PennFudanPed with ``count`` images; image ``i`` has pedestrian 1 at a known box and, if odd, pedestrian 2."""
    folder = root / "penn_fudan_ped" / "PennFudanPed"
    for index in range(count):
        name = f"FudanPed{index + 1:05d}"
        _image(folder / "PNGImages" / f"{name}.png", width, height, index)
        mask = np.zeros((height, width), dtype=np.uint8)
        mask[5:35, 4 + index % 3 : 16 + index % 3] = 1
        if index % 2:
            mask[10:30, 30:40] = 2
        (folder / "PedMasks").mkdir(parents=True, exist_ok=True)
        Image.fromarray(mask, mode="L").save(folder / "PedMasks" / f"{name}_mask.png")
    return folder


def _voc_xml(name: str, width: int, height: int, objects: list[tuple[str, tuple[int, int, int, int], int]]) -> str:
    parts = [f"<annotation><folder>VOC</folder><filename>{name}.jpg</filename>"]
    parts.append(f"<size><width>{width}</width><height>{height}</height><depth>3</depth></size>")
    for label, (x0, y0, x1, y1), difficult in objects:
        parts.append(
            f"<object><name>{label}</name><pose>Unspecified</pose><truncated>0</truncated>"
            f"<difficult>{difficult}</difficult><bndbox><xmin>{x0}</xmin><ymin>{y0}</ymin>"
            f"<xmax>{x1}</xmax><ymax>{y1}</ymax></bndbox></object>"
        )
    parts.append("</annotation>")
    return "".join(parts)


# (year, image set, names) written by write_voc; each image has a dog, the second also a difficult cat.
VOC_SETS = {
    ("2007", "trainval"): ["000005", "000007"],
    ("2007", "test"): ["000001", "000002"],
    ("2012", "trainval"): ["2008_000008"],
}


def write_voc(root: Path) -> Path:
    devkit = root / "voc" / "VOCdevkit"
    for (year, image_set), names in VOC_SETS.items():
        base = devkit / f"VOC{year}"
        (base / "ImageSets" / "Main").mkdir(parents=True, exist_ok=True)
        (base / "ImageSets" / "Main" / f"{image_set}.txt").write_text("".join(f"{n}\n" for n in names))
        (base / "Annotations").mkdir(parents=True, exist_ok=True)
        for index, name in enumerate(names):
            _image(base / "JPEGImages" / f"{name}.jpg", 40, 30, index, "JPEG")
            objects = [("dog", (11, 6, 30, 25), 0)]
            if index == 1:
                objects.append(("cat", (1, 1, 10, 10), 1))
            (base / "Annotations" / f"{name}.xml").write_text(_voc_xml(name, 40, 30, objects))
    seg = devkit / "VOC2012"
    (seg / "ImageSets" / "Segmentation").mkdir(parents=True, exist_ok=True)
    (seg / "SegmentationClass").mkdir(parents=True, exist_ok=True)
    for image_set, names in {"train": ["2008_000008"], "val": ["2008_000009"]}.items():
        (seg / "ImageSets" / "Segmentation" / f"{image_set}.txt").write_text("".join(f"{n}\n" for n in names))
        for name in names:
            _image(seg / "JPEGImages" / f"{name}.jpg", 40, 30, 7, "JPEG")
            mask = np.zeros((30, 40), dtype=np.uint8)
            mask[5:25, 10:30] = 12  # dog
            mask[4, 10:30] = 255  # object border
            palette_mask = Image.fromarray(mask, mode="P")
            palette_mask.putpalette([v for i in range(256) for v in (i, i, i)])
            palette_mask.save(seg / "SegmentationClass" / f"{name}.png")
    return devkit


def write_coco(root: Path) -> Path:
    folder = root / "coco"
    (folder / "annotations").mkdir(parents=True, exist_ok=True)
    for split in ("train2017", "val2017"):
        images, annotations = [], []
        for index in range(2):
            file_name = f"{index + 1:012d}.jpg"
            _image(folder / split / file_name, 40, 30, index, "JPEG")
            images.append({"id": index + 1, "file_name": file_name, "width": 40, "height": 30})
            image_id = index + 1
            dog = {"category_id": 18, "bbox": [10, 5, 20, 20], "iscrowd": 0, "area": 400}
            crowd = {"category_id": 90, "bbox": [0, 0, 8, 8], "iscrowd": 1, "area": 64}
            annotations.append({"id": 2 * index + 1, "image_id": image_id, **dog})
            annotations.append({"id": 2 * index + 2, "image_id": image_id, **crowd})
        categories = [{"id": 1, "name": "person"}, {"id": 18, "name": "dog"}, {"id": 90, "name": "toothbrush"}]
        payload = {"images": images, "annotations": annotations, "categories": categories}
        (folder / "annotations" / f"instances_{split}.json").write_text(json.dumps(payload))
    return folder


def write_ade20k(root: Path) -> Path:
    folder = root / "ade20k" / "ADEChallengeData2016"
    for split in ("training", "validation"):
        for index in range(2):
            name = f"ADE_{'train' if split == 'training' else 'val'}_{index + 1:08d}"
            _image(folder / "images" / split / f"{name}.jpg", 40, 32, index, "JPEG")
            annotation = np.zeros((32, 40), dtype=np.uint8)
            annotation[:16] = 1  # wall
            annotation[16:, :20] = 150  # the last class
            (folder / "annotations" / split).mkdir(parents=True, exist_ok=True)
            Image.fromarray(annotation, mode="L").save(folder / "annotations" / split / f"{name}.png")
    return folder


@pytest.fixture
def penn_fudan_root(tmp_path):
    write_penn_fudan(tmp_path)
    return tmp_path


@pytest.fixture
def voc_root(tmp_path):
    write_voc(tmp_path)
    return tmp_path


@pytest.fixture
def coco_root(tmp_path):
    write_coco(tmp_path)
    return tmp_path


@pytest.fixture
def ade20k_root(tmp_path):
    write_ade20k(tmp_path)
    return tmp_path
