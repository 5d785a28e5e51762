"""Detection mean average precision through torchmetrics (COCO evaluation by pycocotools)."""

from __future__ import annotations

from typing import Any

import torch

# Keys of torchmetrics' result that a detection run can report.
MAP_KEYS = ("map", "map_50", "map_75")


class DetectionMAP:
    """Accumulate detections and ground truth, then compute ``map`` (IoU 0.5:0.95), ``map_50`` and ``map_75``.

    Ground-truth boxes with ``iscrowd`` 1 are matched but never counted as
    missed, which is how COCO treats crowds. VOC "difficult" objects are
    passed the same way, so they are ignored as in VOC's own evaluation, but
    the precision-recall curve uses COCO's 101-point interpolation, not VOC
    2007's 11 points.
    """

    def __init__(self) -> None:
        from torchmetrics.detection import MeanAveragePrecision

        self.metric = MeanAveragePrecision(box_format="xyxy", iou_type="bbox", backend="pycocotools")

    def update(self, predictions: list[dict[str, torch.Tensor]], targets: list[dict[str, torch.Tensor]]) -> None:
        """Add one batch: per image ``{"boxes", "scores", "labels"}`` and ``{"boxes", "labels"[, "iscrowd"]}``."""
        preds = [{k: p[k].detach().cpu() for k in ("boxes", "scores", "labels")} for p in predictions]
        truth = []
        for target in targets:
            entry = {"boxes": target["boxes"].cpu(), "labels": target["labels"].cpu()}
            if "iscrowd" in target:
                entry["iscrowd"] = target["iscrowd"].cpu()
            truth.append(entry)
        self.metric.update(preds, truth)

    def values(self) -> dict[str, float]:
        result: dict[str, Any] = self.metric.compute()
        return {key: float(result[key]) for key in MAP_KEYS}
