"""Token vocabularies built from a training split, stored with the model as a byte buffer."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence

import torch

PAD = "<pad>"
UNK = "<unk>"


class Vocabulary:
    """A bijection between tokens and ids; unknown tokens map to ``<unk>`` when it is present.

    Attributes:
        tokens: the token of every id, in id order.
    """

    def __init__(self, tokens: Sequence[str]):
        if len(set(tokens)) != len(tokens):
            raise ValueError("vocabulary tokens must be unique")
        self.tokens = list(tokens)
        self.index = {token: i for i, token in enumerate(self.tokens)}
        self.unk_id = self.index.get(UNK)

    @classmethod
    def build(
        cls,
        sequences: Iterable[Sequence[str]],
        specials: Sequence[str] = (PAD, UNK),
        min_freq: int = 1,
        max_size: int | None = None,
    ) -> Vocabulary:
        """Count tokens of ``sequences`` and keep those seen ``min_freq`` times, most frequent first.

        ``specials`` come first, in order. Ties in frequency are broken by
        first occurrence, so the same corpus always gives the same ids.
        """
        counts: Counter[str] = Counter()
        for sequence in sequences:
            counts.update(sequence)
        tokens = list(dict.fromkeys(specials))
        kept = [t for t, c in counts.most_common() if c >= min_freq and t not in tokens]
        if max_size is not None:
            kept = kept[: max(0, max_size - len(tokens))]
        return cls(tokens + kept)

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self.index

    def encode(self, tokens: Iterable[str]) -> list[int]:
        """Return the id of every token; raises KeyError for an unknown token when there is no ``<unk>``."""
        if self.unk_id is None:
            return [self.index[token] for token in tokens]
        return [self.index.get(token, self.unk_id) for token in tokens]

    def to_tensor(self) -> torch.Tensor:
        """Encode the token list as a uint8 tensor of UTF-8 JSON, for a model buffer."""
        data = json.dumps(self.tokens, ensure_ascii=False).encode("utf-8")
        return torch.tensor(list(data), dtype=torch.uint8)

    @classmethod
    def from_tensor(cls, tensor: torch.Tensor) -> Vocabulary:
        """Rebuild a vocabulary from :meth:`to_tensor`'s output (for example a loaded state dict)."""
        return cls(json.loads(bytes(tensor.cpu().tolist()).decode("utf-8")))
