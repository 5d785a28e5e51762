"""Language metrics: perplexity, bits per character, entity F1 (seqeval) and token accuracy."""

from __future__ import annotations

import math
from collections.abc import Sequence

from seqeval.metrics import f1_score


def perplexity(mean_nll: float) -> float:
    """Return ``exp(mean negative log-likelihood in nats per token)``."""
    return math.exp(mean_nll)


def bits_per_character(mean_nll: float) -> float:
    """Return the mean negative log-likelihood in nats per character converted to bits (``/ ln 2``)."""
    return mean_nll / math.log(2)


class NegativeLogLikelihood:
    """Sum of per-token negative log-likelihoods (nats) and the token count, accumulated over batches."""

    def __init__(self) -> None:
        self.total = 0.0
        self.tokens = 0

    def update(self, summed_nll: float, tokens: int) -> None:
        self.total += float(summed_nll)
        self.tokens += int(tokens)

    def mean(self) -> float:
        if self.tokens == 0:
            raise ValueError("no tokens were scored, so the mean negative log-likelihood is undefined")
        return self.total / self.tokens


def entity_f1(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> float:
    """Micro-averaged entity F1 of tag sequences, seqeval's default (conlleval) mode.

    The default mode reads IOB1 as CoNLL-2003 writes it: an ``I-X`` after
    ``O`` or after another type starts an entity, and ``B-X`` starts one
    right after an entity of the same type.
    """
    return float(f1_score([list(s) for s in gold], [list(s) for s in predicted]))


def token_accuracy(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> float:
    """Fraction of tokens whose predicted tag equals the gold tag."""
    total = correct = 0
    for gold_tags, predicted_tags in zip(gold, predicted, strict=True):
        if len(gold_tags) != len(predicted_tags):
            raise ValueError(f"a sentence has {len(gold_tags)} gold tags but {len(predicted_tags)} predicted")
        total += len(gold_tags)
        correct += sum(g == p for g, p in zip(gold_tags, predicted_tags))
    if total == 0:
        raise ValueError("no tokens were scored, so the accuracy is undefined")
    return correct / total
