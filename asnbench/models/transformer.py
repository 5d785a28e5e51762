"""Spiking transformer: attention and MLP blocks on spikes, with a membrane-potential residual stream.

Layout (Spike-driven Transformer, Yao et al., NeurIPS 2023: the shortcut
adds the branches' synaptic currents, not their spikes)::

    h = embedding (+ positions)                      analog, [T, batch, L, dim]
    per block:
        s = stream_neuron(h)                         spikes
        q, k, v = neuron(Linear(s)) each             spikes
        o = stream_neuron(scale * (q @ k^T) @ v)     SpikeMatmul twice, per head
        h = h + Linear(o) [+ TokenMix(s)]             optional local branch
        s = stream_neuron(h)
        h = h + Linear(neuron(Linear(s)))
    s = stream_neuron(h);  logits = Linear(s)

Every Synapse therefore receives spikes (or ANN activations), never the
residual sum, and the residual stream only enters neurons. ``make_neuron``
builds the neurons that directly follow a Synapse (in an ``nn.Sequential``
with it, so a NASN's normalization folds into that Synapse);
``make_stream_neuron`` builds those that read the residual stream or an
attention product, where no weights exist to fold a normalization into
(pass a plain ASN for NASN runs). Attention has no softmax: the product
is scaled by ``1 / (head_dim * number of visible keys)`` per query, a mean
over the visible keys; that scaling and the masks are not counted as
operations. Padding positions are masked as keys and queries, and their
residual stream and spikes are set to zero, so they cost no operations
(their neurons' spikes before the mask are still counted as spikes). The
exception is :class:`TokenMix`: its convolution runs over the padded
length, so spikes at the last tokens reach padding positions.
Outputs at non-padding positions do not depend on the padding.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from asnbench.models.spike_matmul import SpikeMatmul
from asnbench.models.synapse import Synapse
from asnbench.models.token_network import TokenNetwork
from asnbench.neurons import NeuronFactory


def _projection(dim_in: int, dim_out: int, spiking_input: bool, make_neuron: NeuronFactory) -> nn.Sequential:
    return nn.Sequential(Synapse(nn.Linear(dim_in, dim_out), spiking_input=spiking_input), make_neuron(dim_out, channel_dim=-1))


class SpikingSelfAttention(nn.Module):
    """Multi-head attention between spike tensors: ``stream_neuron(scale * (q @ k^T) @ v)`` then a projection.

    Input ``s`` is ``[steps, batch, L, dim]`` spikes and ``attention_mask`` a
    boolean ``[batch, L, L]`` (query, key) mask. Returns the projection's
    analog output ``[timesteps, batch, L, dim]``, to be added to the residual
    stream. Both products are :class:`SpikeMatmul` modules, so the activity
    monitor counts them.
    """

    def __init__(self, dim: int, heads: int, make_neuron: NeuronFactory, make_stream_neuron: NeuronFactory, spiking_input: bool):
        super().__init__()
        if dim % heads:
            raise ValueError(f"dim {dim} is not divisible by {heads} heads")
        self.heads = heads
        self.query = _projection(dim, dim, spiking_input, make_neuron)
        self.key = _projection(dim, dim, spiking_input, make_neuron)
        self.value = _projection(dim, dim, spiking_input, make_neuron)
        spiking = self.query[1].is_spiking
        self.scores = SpikeMatmul((spiking, spiking))
        self.mix = SpikeMatmul((spiking, spiking))
        self.output_neuron = make_stream_neuron(dim, channel_dim=-1)
        self.output = Synapse(nn.Linear(dim, dim), spiking_input=self.output_neuron.is_spiking)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        return x.unflatten(-1, (self.heads, -1)).transpose(-2, -3)  # [steps, batch, heads, L, head_dim]

    def forward(self, s: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        q, k, v = self._split(self.query(s)), self._split(self.key(s)), self._split(self.value(s))
        mask = attention_mask.unsqueeze(1)  # [batch, 1, L, L], broadcast over steps and heads
        scores = self.scores(q, k.transpose(-1, -2), mask)
        mixed = self.mix(scores, v)
        visible = attention_mask.sum(-1).clamp(min=1).unsqueeze(1).unsqueeze(-1)  # [batch, 1, L, 1]
        mixed = mixed / (visible * q.shape[-1])
        merged = mixed.transpose(-2, -3).flatten(-2)  # [timesteps, batch, L, dim]
        return self.output(self.output_neuron(merged))


class TokenMix(nn.Module):
    """A depthwise convolution over token positions: each channel reads its own spikes at nearby tokens.

    Attention without softmax averages over all visible keys, so it blurs
    word order. This branch gives every position a learned view of its
    ``kernel`` nearest tokens: itself and the ``kernel - 1`` before it when
    ``causal``, centred otherwise. Next-character and tagging predictions
    depend most on that local context. Input ``[steps, batch, L, dim]``
    spikes, output the analog ``[timesteps, batch, L, dim]`` current. The
    zero padding contains no spikes, so it adds no synaptic operations.
    """

    def __init__(self, dim: int, kernel: int, causal: bool, spiking_input: bool):
        super().__init__()
        if kernel < 1:
            raise ValueError(f"token_mix kernel must be at least 1, got {kernel}. Pass 0 to the model to turn token mixing off")
        self.padding = (kernel - 1, 0) if causal else ((kernel - 1) // 2, kernel // 2)
        self.conv = Synapse(nn.Conv1d(dim, dim, kernel, groups=dim), spiking_input=spiking_input)

    def forward(self, s: torch.Tensor) -> torch.Tensor:
        x = F.pad(s.transpose(-1, -2), self.padding)  # [steps, batch, dim, L + kernel - 1]
        return self.conv(x).transpose(-1, -2)


class SpikingMLP(nn.Module):
    """``Linear(neuron(Linear(s)))``: the feed-forward branch of a block, analog output."""

    def __init__(self, dim: int, hidden: int, make_neuron: NeuronFactory, spiking_input: bool):
        super().__init__()
        self.hidden = _projection(dim, hidden, spiking_input, make_neuron)
        self.output = Synapse(nn.Linear(hidden, dim), spiking_input=self.hidden[1].is_spiking)

    def forward(self, s: torch.Tensor, valid: torch.Tensor | None = None) -> torch.Tensor:
        hidden = self.hidden(s)
        if valid is not None:
            hidden = hidden * valid
        return self.output(hidden)


class SpikingTransformerBlock(nn.Module):
    """One attention and one MLP branch added to the residual stream ``h`` ``[timesteps, batch, L, dim]``."""

    def __init__(
        self,
        dim: int,
        heads: int,
        hidden: int,
        make_neuron: NeuronFactory,
        make_stream_neuron: NeuronFactory,
        token_mix: int = 0,
        causal: bool = False,
    ):
        super().__init__()
        self.attention_input = make_stream_neuron(dim, channel_dim=-1)
        spiking = self.attention_input.is_spiking
        self.attention = SpikingSelfAttention(dim, heads, make_neuron, make_stream_neuron, spiking)
        self.token_mix = TokenMix(dim, token_mix, causal, spiking) if token_mix else None
        self.mlp_input = make_stream_neuron(dim, channel_dim=-1)
        self.mlp = SpikingMLP(dim, hidden, make_neuron, spiking)

    def forward(self, h: torch.Tensor, attention_mask: torch.Tensor, valid: torch.Tensor | None = None) -> torch.Tensor:
        """Add the branches to ``h``. ``valid`` (``[batch, L, 1]``, 1 at tokens) zeroes the padding positions."""
        valid = valid if valid is not None else 1.0
        s = self.attention_input(h) * valid
        branch = self.attention(s, attention_mask)
        if self.token_mix is not None:
            branch = branch + self.token_mix(s)
        h = (h + branch) * valid
        return (h + self.mlp(self.mlp_input(h) * valid, valid)) * valid


class SpikingTransformer(TokenNetwork):
    """A stack of :class:`SpikingTransformerBlock` over token embeddings with a per-token Linear readout.

    ``readout`` selects what ``forward`` returns from the per-token logits
    ``[batch, L, outputs]`` (averaged over steps):

    * ``"sequence"``: the mean over non-padding tokens, ``[batch, outputs]``
      (text classification; the mean commutes with the readout, so it is
      exactly a linear readout of the mean spike counts);
    * ``"token"``: every token's logits (sequence labeling, language modeling).

    ``causal`` hides later keys from every query. ``token_mix`` > 0 adds a
    :class:`TokenMix` branch of that kernel size beside each attention
    (causal when the attention is). ``tie_embeddings`` makes the
    readout's weight the token embedding (language modeling; then
    ``outputs`` must equal the vocabulary size) and scales the logits by
    ``1 / sqrt(dim)``.
    """

    def __init__(
        self,
        vocab_size: int,
        outputs: int,
        make_neuron: NeuronFactory,
        make_stream_neuron: NeuronFactory | None = None,
        dim: int = 128,
        depth: int = 2,
        heads: int = 4,
        mlp_ratio: int = 4,
        max_length: int = 256,
        causal: bool = False,
        readout: str = "token",
        tie_embeddings: bool = False,
        token_mix: int = 0,
        timesteps: int = 1,
        pad_id: int | None = 0,
        **buffers: torch.Tensor,
    ):
        super().__init__(vocab_size, dim, timesteps=timesteps, pad_id=pad_id, max_length=max_length, **buffers)
        if readout not in ("sequence", "token"):
            raise ValueError(f"readout must be 'sequence' or 'token', got {readout!r}")
        make_stream_neuron = make_stream_neuron or make_neuron
        self.causal = causal
        self.readout = readout
        self.blocks = nn.ModuleList(
            SpikingTransformerBlock(dim, heads, dim * mlp_ratio, make_neuron, make_stream_neuron, token_mix, causal)
            for _ in range(depth)
        )
        self.output_neuron = make_stream_neuron(dim, channel_dim=-1)
        self.head = Synapse(nn.Linear(dim, outputs), spiking_input=self.output_neuron.is_spiking)
        if tie_embeddings:
            if outputs != vocab_size:
                raise ValueError(f"tied embeddings need outputs == vocab_size, got {outputs} and {vocab_size}")
            self.head.layer.weight = self.embedding.weight
        # The embedding is initialised N(0, 1) so that the first neurons fire. A tied readout would
        # then start with logits of about sqrt(dim), so its output is scaled by 1/sqrt(dim) (not counted).
        self.logit_scale = dim**-0.5 if tie_embeddings else 1.0
        self.timesteps = timesteps

    def attention_mask(self, valid: torch.Tensor) -> torch.Tensor:
        """Return the ``[batch, L, L]`` (query, key) mask: both positions valid, and key <= query when causal."""
        mask = valid.unsqueeze(-1) & valid.unsqueeze(-2)
        if self.causal:
            length = valid.shape[1]
            mask = mask & torch.ones(length, length, dtype=torch.bool, device=valid.device).tril()
        return mask

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        valid = self.valid_mask(ids)
        mask = self.attention_mask(valid)
        keep = valid.unsqueeze(-1).to(self.embedding.weight.dtype)
        h = self.encode(ids) * keep
        for block in self.blocks:
            h = block(h, mask, keep)
        logits = self.head(self.output_neuron(h)).mean(0) * self.logit_scale  # [batch, L, outputs]
        if self.readout == "token":
            return logits
        weights = valid.unsqueeze(-1).to(logits.dtype)
        return (logits * weights).sum(1) / weights.sum(1).clamp(min=1)


def build_transformer(**kwargs) -> SpikingTransformer:
    return SpikingTransformer(**kwargs)
