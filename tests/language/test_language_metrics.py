"""Perplexity, bits per character, entity F1 and token accuracy against hand-worked values."""

import math

import pytest

from asnbench.metrics.language import (
    NegativeLogLikelihood,
    bits_per_character,
    entity_f1,
    perplexity,
    token_accuracy,
)


def test_perplexity_of_uniform_model():
    # A uniform model over 100 words has a loss of ln 100 nats per token.
    assert perplexity(math.log(100)) == pytest.approx(100.0)


def test_bits_per_character_converts_nats():
    # 1.5 bits per character is 1.5 * ln 2 nats.
    assert bits_per_character(1.5 * math.log(2)) == pytest.approx(1.5)


def test_nll_accumulates_per_token():
    nll = NegativeLogLikelihood()
    nll.update(6.0, 3)
    nll.update(2.0, 1)

    assert nll.mean() == pytest.approx(2.0)
    assert perplexity(nll.mean()) == pytest.approx(math.exp(2.0))


def test_nll_without_tokens_raises():
    with pytest.raises(ValueError, match="no tokens"):
        NegativeLogLikelihood().mean()


def test_entity_f1_on_iob1_tags():
    # Gold (IOB1): [ORG EU] rejects [MISC German] call ; [PER Peter Blackburn] [PER John]
    gold = [["I-ORG", "O", "I-MISC", "O"], ["I-PER", "I-PER", "B-PER"]]
    # Predicted: EU right, German missed, Peter Blackburn and John merged into one PER entity.
    predicted = [["I-ORG", "O", "O", "O"], ["I-PER", "I-PER", "I-PER"]]
    # 4 gold entities, 2 predicted, 1 correct: precision 1/2, recall 1/4, F1 = 1/3.
    assert entity_f1(gold, predicted) == pytest.approx(1 / 3)


def test_entity_f1_perfect():
    tags = [["I-LOC", "O", "I-PER", "I-PER"]]

    assert entity_f1(tags, tags) == pytest.approx(1.0)


def test_token_accuracy():
    assert token_accuracy([["DET", "NOUN"], ["VERB"]], [["DET", "VERB"], ["VERB"]]) == pytest.approx(2 / 3)


def test_token_accuracy_length_mismatch():
    with pytest.raises(ValueError, match="2 gold tags but 1 predicted"):
        token_accuracy([["DET", "NOUN"]], [["DET"]])
