"""Top-1 accuracy over batches."""

from __future__ import annotations

import pytest
import torch

from asnbench.metrics.accuracy import Accuracy


def test_accuracy_over_two_batches():
    metric = Accuracy()
    metric.update(torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]), torch.tensor([1, 1, 1]))
    metric.update(torch.tensor([[2.0, 1.0, 0.0]]), torch.tensor([0]))

    # Correct: sample 1, 3 and 4 of 4.
    assert metric.compute() == pytest.approx(3 / 4)


def test_accuracy_reset():
    metric = Accuracy()
    metric.update(torch.tensor([[1.0, 0.0]]), torch.tensor([1]))
    metric.reset()
    metric.update(torch.tensor([[1.0, 0.0]]), torch.tensor([0]))

    assert metric.compute() == 1.0


def test_accuracy_without_samples_raises():
    with pytest.raises(ValueError, match="before update"):
        Accuracy().compute()


def test_accuracy_rejects_mismatched_shapes():
    metric = Accuracy()
    with pytest.raises(ValueError, match="batch"):
        metric.update(torch.zeros(3, 2), torch.zeros(2, dtype=torch.long))
    with pytest.raises(ValueError, match="classes"):
        metric.update(torch.zeros(3), torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="integer"):
        metric.update(torch.zeros(3, 2), torch.zeros(3))


def test_accuracy_ties_go_to_lowest_class():
    metric = Accuracy()
    metric.update(torch.tensor([[0.5, 0.5, 0.1], [0.2, 0.7, 0.7]]), torch.tensor([0, 2]))

    # Sample 1 predicts class 0 (correct), sample 2 predicts class 1 (wrong).
    assert metric.compute() == 0.5
