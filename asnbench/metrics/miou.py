"""Mean intersection over union from a confusion matrix accumulated over the whole split."""

from __future__ import annotations

import torch


class ConfusionMatrixMIoU:
    """Accumulate a ``[num_classes, num_classes]`` confusion matrix and compute mIoU from it.

    This is the VOC and ADE20K definition: intersections and unions are
    summed over every pixel of the split before dividing, not averaged per
    image. Pixels labeled ``ignore_index`` are skipped. A class that occurs
    neither in the targets nor in the predictions has no IoU and is left out
    of the mean.
    """

    def __init__(self, num_classes: int, ignore_index: int = 255):
        if num_classes < 1:
            raise ValueError(f"num_classes must be positive, got {num_classes}")
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self.matrix = torch.zeros(num_classes, num_classes, dtype=torch.int64)

    def update(self, predictions: torch.Tensor, targets: torch.Tensor) -> None:
        """Add class-index ``predictions`` against ``targets`` (same shape, any layout)."""
        if predictions.shape != targets.shape:
            raise ValueError(f"predictions {tuple(predictions.shape)} and targets {tuple(targets.shape)} differ")
        valid = targets != self.ignore_index
        target = targets[valid].long().cpu()
        predicted = predictions[valid].long().cpu()
        if target.numel() and (target.min() < 0 or target.max() >= self.num_classes):
            raise ValueError(f"target classes must lie in [0, {self.num_classes}) or be {self.ignore_index}")
        index = target * self.num_classes + predicted.clamp(0, self.num_classes - 1)
        self.matrix += torch.bincount(index, minlength=self.num_classes**2).view(self.num_classes, self.num_classes)

    def iou_per_class(self) -> torch.Tensor:
        """IoU of every class (rows: target, columns: prediction); NaN where the union is empty."""
        matrix = self.matrix.double()
        intersection = matrix.diag()
        union = matrix.sum(0) + matrix.sum(1) - intersection
        return torch.where(union > 0, intersection / union.clamp(min=1), torch.full_like(union, float("nan")))

    def compute(self) -> float:
        iou = self.iou_per_class()
        present = ~torch.isnan(iou)
        return float(iou[present].mean()) if present.any() else float("nan")
