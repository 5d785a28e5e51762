"""Base class of token models: an embedding front end and the vocabularies stored as buffers."""

from __future__ import annotations

import torch
from torch import nn

from asnbench.models.network import SpikingNetwork


class TokenNetwork(SpikingNetwork):
    """A SpikingNetwork whose input is token ids ``[batch, length]`` instead of a static tensor.

    The embedding (and an optional learned position embedding) produces the
    analog input of the first neurons; a lookup is a memory read, so it is
    not counted as a MAC. The token and label vocabularies travel with the
    model as uint8 buffers of UTF-8 JSON (``vocabulary`` and ``label_names``,
    see :class:`asnbench.data.vocabulary.Vocabulary`), so the state dict the
    runner logs and checkpoints maps ids back to tokens.

    Attributes:
        pad_id: id of the padding token; positions holding it are masked.
    """

    def __init__(
        self,
        vocab_size: int,
        embed_dim: int,
        timesteps: int = 1,
        pad_id: int | None = 0,
        max_length: int | None = None,
        vocabulary: torch.Tensor | None = None,
        label_names: torch.Tensor | None = None,
    ):
        super().__init__([], timesteps=timesteps)
        self.pad_id = pad_id
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_id)
        self.position = nn.Embedding(max_length, embed_dim) if max_length else None
        empty = torch.zeros(0, dtype=torch.uint8)
        self.register_buffer("vocabulary", vocabulary if vocabulary is not None else empty)
        self.register_buffer("label_names", label_names if label_names is not None else empty)

    def valid_mask(self, ids: torch.Tensor) -> torch.Tensor:
        """Return ``[batch, length]`` True where ``ids`` contains a token, False at padding."""
        if self.pad_id is None:
            return torch.ones_like(ids, dtype=torch.bool)
        return ids != self.pad_id

    def encode(self, ids: torch.Tensor) -> torch.Tensor:
        """Embed ``[batch, length]`` ids and repeat them for every step: ``[timesteps, batch, length, dim]``."""
        x = self.embedding(ids)
        if self.position is not None:
            if ids.shape[1] > self.position.num_embeddings:
                raise ValueError(
                    f"sequence length {ids.shape[1]} exceeds the model's maximum {self.position.num_embeddings}"
                )
            x = x + self.position(torch.arange(ids.shape[1], device=ids.device))
        return x.unsqueeze(0).expand(self.timesteps, *x.shape)
