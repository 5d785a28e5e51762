"""Word-shape tokens for unknown words in sequence labeling."""

import pytest

from asnbench.data.vocabulary import PAD, Vocabulary
from asnbench.data.word_shape import SHAPE_TOKENS, encode_words, shape_token


@pytest.mark.parametrize(
    ("word", "shape"),
    [
        ("Ljubljana", "<unk:Xx>"),
        ("NATO", "<unk:XX>"),
        ("I", "<unk:Xx>"),
        ("zygote", "<unk:x>"),
        ("1996-08-22", "<unk:d>"),
        ("B52", "<unk:d>"),
        ("--", "<unk:other>"),
        ("", "<unk:other>"),
    ],
)
def test_shape_token_classes(word, shape):
    assert shape_token(word) == shape


def test_unknown_words_map_to_their_shape():
    vocabulary = Vocabulary.build([["the", "cat", "the"]], specials=(PAD, *SHAPE_TOKENS), min_freq=2)

    ids = encode_words(vocabulary, ["the", "cat", "Paris", "EU", "42"])

    assert [vocabulary.tokens[i] for i in ids] == ["the", "<unk:x>", "<unk:Xx>", "<unk:XX>", "<unk:d>"]


def test_vocabulary_without_shapes_raises():
    vocabulary = Vocabulary.build([["the"]], specials=(PAD,))

    with pytest.raises(KeyError):
        encode_words(vocabulary, ["Paris"])
