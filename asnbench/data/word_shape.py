"""Word-shape classes for unknown words, so that a tagger keeps the capitals and digits of a word missing from its vocabulary."""

from __future__ import annotations

from collections.abc import Iterable

from asnbench.data.vocabulary import Vocabulary

CAPITALIZED = "<unk:Xx>"
UPPER = "<unk:XX>"
LOWER = "<unk:x>"
NUMBER = "<unk:d>"
OTHER = "<unk:other>"
SHAPE_TOKENS = (CAPITALIZED, UPPER, LOWER, NUMBER, OTHER)


def shape_token(word: str) -> str:
    """Return the unknown-word token of ``word``'s shape: digits, all capitals, capitalized, lower case or other."""
    if any(character.isdigit() for character in word):
        return NUMBER
    if word.isupper() and len(word) > 1:
        return UPPER
    if word[:1].isupper():
        return CAPITALIZED
    if word.islower():
        return LOWER
    return OTHER


def encode_words(vocabulary: Vocabulary, words: Iterable[str]) -> list[int]:
    """Return the id of every word, mapping a word missing from ``vocabulary`` to its shape token.

    ``vocabulary`` must contain :data:`SHAPE_TOKENS` (pass them as specials to
    :meth:`Vocabulary.build`). Words below the vocabulary's frequency cut map
    to their shape tokens during training as well, so those embeddings are learned.
    """
    index = vocabulary.index
    return [index[word] if word in index else index[shape_token(word)] for word in words]
