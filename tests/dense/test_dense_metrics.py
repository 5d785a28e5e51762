"""mAP (torchmetrics, pycocotools) and confusion-matrix mIoU against hand-worked values."""

import math

import pytest
import torch

from asnbench.metrics.detection_map import DetectionMAP
from asnbench.metrics.miou import ConfusionMatrixMIoU


def _target(*boxes, crowd=None):
    target = {"boxes": torch.tensor(boxes, dtype=torch.float32), "labels": torch.ones(len(boxes), dtype=torch.int64)}
    if crowd is not None:
        target["iscrowd"] = torch.tensor(crowd)
    return target


def _prediction(boxes, scores):
    return {
        "boxes": torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
        "scores": torch.tensor(scores, dtype=torch.float32),
        "labels": torch.ones(len(scores), dtype=torch.int64),
    }


def test_map_perfect_prediction_is_one():
    metric = DetectionMAP()
    metric.update([_prediction([[10, 10, 50, 50]], [0.9])], [_target([10, 10, 50, 50])])

    values = metric.values()
    assert values["map"] == pytest.approx(1.0)
    assert values["map_50"] == pytest.approx(1.0)


def test_map_partial_overlap_counts_thresholds():
    # Prediction (10, 10)-(50, 41.2) inside the ground truth (10, 10)-(50, 50): IoU = 31.2/40 = 0.78.
    # It matches at the IoU thresholds 0.50, 0.55, ..., 0.75 (6 of 10), each with AP 1, and misses above.
    metric = DetectionMAP()
    metric.update([_prediction([[10, 10, 50, 41.2]], [0.9])], [_target([10, 10, 50, 50])])

    values = metric.values()
    assert values["map_50"] == pytest.approx(1.0)
    assert values["map_75"] == pytest.approx(1.0)
    assert values["map"] == pytest.approx(0.6)


def test_map_false_positive_halves_precision():
    # Two images with one object each. The higher-scored detection is right on image 1 and the
    # lower-scored one misses image 2's object: recall reaches 0.5 at precision 1, then stops.
    # COCO's 101-point AP is 51 recall points (0.00 to 0.50) at precision 1 out of 101.
    metric = DetectionMAP()
    predictions = [_prediction([[0, 0, 20, 20]], [0.9]), _prediction([[60, 60, 80, 80]], [0.8])]
    targets = [_target([0, 0, 20, 20]), _target([0, 0, 20, 20])]
    metric.update(predictions, targets)

    assert metric.values()["map_50"] == pytest.approx(51 / 101, abs=1e-4)


def test_map_crowd_box_is_not_a_miss():
    metric = DetectionMAP()
    metric.update(
        [_prediction([[10, 10, 50, 50]], [0.9])],
        [_target([10, 10, 50, 50], [60, 60, 90, 90], crowd=[0, 1])],
    )

    assert metric.values()["map_50"] == pytest.approx(1.0)


def test_miou_perfect_is_one():
    metric = ConfusionMatrixMIoU(3)
    labels = torch.tensor([[0, 1], [2, 2]])
    metric.update(labels, labels)

    assert metric.compute() == pytest.approx(1.0)


def test_miou_hand_worked():
    # target    prediction
    # 0 0 1 1   0 1 1 1
    # 0 0 1 1   0 0 1 0
    # Class 0: intersection 3, union 4 + 4 - 3 = 5 -> 0.6. Class 1: intersection 3, union 4 + 4 - 3 = 5 -> 0.6.
    target = torch.tensor([[0, 0, 1, 1], [0, 0, 1, 1]])
    prediction = torch.tensor([[0, 1, 1, 1], [0, 0, 1, 0]])
    metric = ConfusionMatrixMIoU(2)
    metric.update(prediction, target)

    assert metric.iou_per_class().tolist() == pytest.approx([0.6, 0.6])
    assert metric.compute() == pytest.approx(0.6)


def test_miou_accumulates_over_images_not_per_image():
    # Image 1: class 1 perfect on 1 pixel. Image 2: class 1 has 1 hit out of a union of 3.
    # Split-level IoU of class 1 is 2/4 = 0.5; the mean of per-image IoUs would be (1 + 1/3) / 2.
    metric = ConfusionMatrixMIoU(2)
    metric.update(torch.tensor([1, 0, 0, 0]), torch.tensor([1, 0, 0, 0]))
    metric.update(torch.tensor([1, 1, 0, 0]), torch.tensor([1, 0, 1, 0]))

    assert metric.iou_per_class()[1].item() == pytest.approx(0.5)


def test_miou_skips_ignored_and_absent_classes():
    metric = ConfusionMatrixMIoU(3, ignore_index=255)
    metric.update(torch.tensor([0, 1, 2]), torch.tensor([0, 1, 255]))

    iou = metric.iou_per_class()
    assert iou[:2].tolist() == [1.0, 1.0]
    assert math.isnan(iou[2].item())
    assert metric.compute() == pytest.approx(1.0)


def test_miou_rejects_out_of_range_targets():
    metric = ConfusionMatrixMIoU(2)
    with pytest.raises(ValueError, match="target classes"):
        metric.update(torch.tensor([0, 1]), torch.tensor([0, 5]))
