"""Detection and segmentation loaders on fixtures in VOC XML, COCO JSON, VOC PNG, ADE20K and PennFudanPed layouts."""

import pytest
import torch

from asnbench.data.ade20k import load_ade20k
from asnbench.data.coco import load_coco_detection
from asnbench.data.dense import IGNORE_INDEX, detection_collate
from asnbench.data.penn_fudan import (
    held_out_count,
    load_penn_fudan_detection,
    load_penn_fudan_segmentation,
    split_names,
)
from asnbench.data.voc import load_voc_detection, load_voc_segmentation
from asnbench.errors import DatasetNotFoundError


def test_penn_fudan_split_is_fixed_and_disjoint(penn_fudan_root):
    folder = penn_fudan_root / "penn_fudan_ped" / "PennFudanPed"
    train, test = split_names(folder, "train"), split_names(folder, "test")

    assert len(test) == held_out_count(10) == 3
    assert len(train) == 7
    assert not set(train) & set(test)
    assert split_names(folder, "test") == test


def test_penn_fudan_real_size_split():
    assert held_out_count(170) == 50


def test_penn_fudan_boxes_follow_masks(penn_fudan_root):
    dataset = load_penn_fudan_detection(penn_fudan_root, "test", download=False, image_size=96)
    folder = penn_fudan_root / "penn_fudan_ped" / "PennFudanPed"
    name = split_names(folder, "test")[0]
    index = int(name[-5:]) - 1

    image, target = dataset[0]

    assert image.shape == (3, 96, 96)
    expected = [[(4 + index % 3) * 2, 5 * 2.4, (16 + index % 3) * 2, 35 * 2.4]]  # 48x40 scaled to 96x96
    if index % 2:
        expected.append([60, 24, 80, 72])
    assert torch.allclose(target["boxes"], torch.tensor(expected), atol=1e-4)
    assert target["labels"].tolist() == [1] * len(expected)


def test_penn_fudan_masks_are_binary(penn_fudan_root):
    dataset = load_penn_fudan_segmentation(penn_fudan_root, "train", download=False, image_size=32)
    image, mask = dataset[0]

    assert image.shape == (3, 32, 32)
    assert mask.shape == (32, 32)
    assert mask.dtype == torch.int64
    assert set(mask.unique().tolist()) == {0, 1}


def test_penn_fudan_missing_names_folder(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="PennFudanPed/PNGImages"):
        load_penn_fudan_detection(tmp_path, "train", download=False)


def test_voc_detection_07_12_and_difficult(voc_root):
    train = load_voc_detection(voc_root, "train", download=False, image_size=80)
    test = load_voc_detection(voc_root, "test", download=False, image_size=80)

    assert len(train) == 3  # 2007 trainval (2) + 2012 trainval (1)
    assert len(test) == 2
    _, second = test[1]
    # dog = 12, cat = 8 in the VOC class order; the cat is difficult and kept as iscrowd at test time.
    assert second["labels"].tolist() == [12, 8]
    assert second["iscrowd"].tolist() == [0, 1]
    # VOC (11, 6)-(30, 25), 1-based inclusive, is (10, 5)-(30, 25) in pixel edges; 40x30 scaled to 80x80.
    assert torch.allclose(second["boxes"][0], torch.tensor([20.0, 5 * 80 / 30, 60.0, 25 * 80 / 30]), atol=1e-4)
    train_labels = [train[i][1]["labels"].tolist() for i in range(len(train))]
    assert train_labels == [[12], [12], [12]]  # the difficult cat is dropped from training


def test_voc_segmentation_keeps_classes_and_borders(voc_root):
    dataset = load_voc_segmentation(voc_root, "test", download=False, image_size=40)
    _, mask = dataset[0]

    assert set(mask.unique().tolist()) == {0, 12, IGNORE_INDEX}


def test_voc_missing_raises(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="VOCdevkit"):
        load_voc_detection(tmp_path, "test", download=False)


def test_coco_maps_categories_and_crowds(coco_root):
    train = load_coco_detection(coco_root, "train", download=False, image_size=40)
    test = load_coco_detection(coco_root, "test", download=False, image_size=40)

    _, train_target = train[0]
    _, test_target = test[0]
    # Category ids 1, 18, 90 become labels 1, 2, 3; the crowd toothbrush only appears at test time.
    assert train_target["labels"].tolist() == [2]
    assert test_target["labels"].tolist() == [2, 3]
    assert test_target["iscrowd"].tolist() == [0, 1]
    # COCO bbox [10, 5, 20, 20] (x, y, w, h) is (10, 5)-(30, 25); 40x30 scaled to 40x40.
    assert torch.allclose(test_target["boxes"][0], torch.tensor([10.0, 5 * 40 / 30, 30.0, 25 * 40 / 30]), atol=1e-4)


def test_coco_missing_raises(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="instances_val2017.json"):
        load_coco_detection(tmp_path, "test", download=False)


def test_ade20k_shifts_classes_and_ignores_other(ade20k_root):
    dataset = load_ade20k(ade20k_root, "test", download=False, image_size=40)
    _, mask = dataset[0]

    assert len(dataset) == 2
    assert mask[0, 0] == 0  # value 1 (wall) is class 0
    assert mask[-1, 0] == 149  # value 150 is class 149
    assert mask[-1, -1] == IGNORE_INDEX  # value 0 (other) is ignored


def test_detection_collate_stacks_images(penn_fudan_root):
    dataset = load_penn_fudan_detection(penn_fudan_root, "train", download=False, image_size=32)
    images, targets = detection_collate([dataset[0], dataset[1]])

    assert images.shape == (2, 3, 32, 32)
    assert len(targets) == 2
