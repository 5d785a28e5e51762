"""Top-1 classification accuracy accumulated over batches."""

from __future__ import annotations

import torch


class Accuracy:
    """Top-1 accuracy: the fraction of samples whose highest logit is the target class.

    This is micro-averaged accuracy over all samples, the same as
    ``torchmetrics.classification.MulticlassAccuracy(average="micro")`` in
    torchmetrics 1.9 (whose default, ``average="macro"``, averages per class
    instead). It is written directly because torchmetrics is only a
    development dependency and takes seconds to import. Ties between logits go to the lowest class index, as with
    ``torch.argmax``.
    """

    def __init__(self) -> None:
        self.correct = 0
        self.total = 0

    def update(self, logits: torch.Tensor, targets: torch.Tensor) -> None:
        """Add a batch of ``[batch, classes]`` logits and ``[batch]`` integer class targets."""
        if logits.dim() != 2:
            raise ValueError(f"logits must be [batch, classes], got shape {tuple(logits.shape)}")
        if targets.dim() != 1 or targets.shape[0] != logits.shape[0]:
            raise ValueError(
                f"targets must be [batch] class indices matching logits' batch of "
                f"{logits.shape[0]}, got shape {tuple(targets.shape)}"
            )
        if targets.is_floating_point():
            raise ValueError(f"targets must be integer class indices, got dtype {targets.dtype}")
        predictions = logits.detach().argmax(dim=1)
        self.correct += int((predictions == targets.to(predictions.device)).sum().item())
        self.total += int(targets.shape[0])

    def compute(self) -> float:
        """Return the accuracy in [0, 1], or raise ``ValueError`` when no sample was added."""
        if self.total == 0:
            raise ValueError("accuracy is undefined before update() has added any sample")
        return self.correct / self.total

    def reset(self) -> None:
        """Clear the accumulated counts."""
        self.correct = 0
        self.total = 0
