"""Spiking transformer and text CNN: integer-vs-binary equivalence, NASN folding, counting and masking."""

import pytest
import torch

from asnbench.metrics.activity import ActivityMonitor
from asnbench.models.network import SpikingNetwork, fold_normalizations, to_spike_inference
from asnbench.models.synapse import Synapse
from asnbench.models.text_cnn import SpikingTextCNN
from asnbench.models.transformer import SpikingTransformer, TokenMix
from asnbench.neurons import neuron_factory


def _transformer(neuron="asn", causal=False, readout="token", timesteps=1, **options):
    torch.manual_seed(0)
    stream = "asn" if neuron == "nasn" else neuron
    return SpikingTransformer(
        40, 7, neuron_factory(neuron, levels=4), neuron_factory(stream, levels=4),
        dim=16, depth=2, heads=2, max_length=12, causal=causal, readout=readout, timesteps=timesteps, **options,
    )


def _ids():
    ids = torch.randint(1, 40, (3, 9), generator=torch.Generator().manual_seed(1))
    ids[1, 6:] = 0  # padding
    return ids


def _train_batch_norm_statistics(model, ids):
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(ids)
    model.eval()


@pytest.mark.parametrize("token_mix", [0, 3])
@pytest.mark.parametrize("causal", [False, True])
def test_asn_integer_equals_binary(causal, token_mix):
    model = _transformer(causal=causal, token_mix=token_mix).eval()
    ids = _ids()

    with torch.no_grad():
        integer = model(ids)
        binary = to_spike_inference(model)(ids)

    assert torch.allclose(integer, binary, atol=1e-5)
    assert integer.abs().sum() > 0


def test_binary_inference_feeds_only_binary_spikes():
    deployed = to_spike_inference(_transformer())
    seen = []
    hooks = [s.register_forward_pre_hook(lambda m, a: seen.append(a[0])) for s in deployed.synapses()]
    with torch.no_grad():
        deployed(_ids())
    for hook in hooks:
        hook.remove()

    assert len(seen) == len(deployed.synapses())
    for x in seen:
        assert torch.all((x == 0) | (x == 1))


def test_nasn_folds_inside_blocks_and_matches():
    model = _transformer("nasn")
    ids = _ids()
    _train_batch_norm_statistics(model, ids)

    with torch.no_grad():
        expected = model(ids)
        deployed = to_spike_inference(model)
        actual = deployed(ids)

    assert sum(1 for m in deployed.modules() if getattr(m, "folded", False)) == 2 * 4  # q, k, v, MLP per block
    assert torch.allclose(expected, actual, atol=1e-4)


def test_fold_rejects_nasn_on_residual_stream():
    torch.manual_seed(0)
    nasn = neuron_factory("nasn", levels=4)
    model = SpikingTransformer(40, 7, nasn, nasn, dim=16, depth=1, heads=2, max_length=12)

    with pytest.raises(ValueError, match="cannot be folded"):
        fold_normalizations(model)


def test_every_synapse_after_neuron_sees_spikes():
    spiking = _transformer("lif", timesteps=2)
    analog = _transformer("ann")

    assert all(s.spiking_input for s in spiking.synapses())
    assert not any(s.spiking_input for s in analog.synapses())


def _synops(model, ids):
    monitor = ActivityMonitor(model)
    with monitor, torch.no_grad():
        out = model(ids)
    return out, monitor.report().synops_per_sample


def test_padding_costs_no_operations():
    deployed = to_spike_inference(_transformer())
    ids = _ids()
    padded = torch.cat([ids, torch.zeros(3, 3, dtype=ids.dtype)], dim=1)

    out, synops = _synops(deployed, ids)
    padded_out, padded_synops = _synops(deployed, padded)

    assert synops > 0
    assert padded_synops == pytest.approx(synops)
    assert torch.allclose(padded_out[:, :9], out, atol=1e-5)


@pytest.mark.parametrize("token_mix", [0, 4])
def test_causal_output_ignores_future_tokens(token_mix):
    model = _transformer(causal=True, token_mix=token_mix).eval()
    ids = _ids()
    changed = ids.clone()
    changed[:, -1] = (changed[:, -1] % 39) + 1

    with torch.no_grad():
        before = model(ids)
        after = model(changed)

    assert torch.allclose(before[:, :-1], after[:, :-1])


def test_sequence_readout_shape():
    out = _transformer(readout="sequence")(_ids())

    assert out.shape == (3, 7)


def test_tied_embeddings_share_weight():
    torch.manual_seed(0)
    make = neuron_factory("asn", levels=4)
    model = SpikingTransformer(40, 40, make, make, dim=16, depth=1, heads=2, max_length=12, tie_embeddings=True)

    assert model.head.layer.weight is model.embedding.weight
    with pytest.raises(ValueError, match="outputs == vocab_size"):
        SpikingTransformer(40, 7, make, make, dim=16, depth=1, heads=2, tie_embeddings=True)


def test_text_cnn_integer_equals_binary():
    torch.manual_seed(0)
    model = SpikingTextCNN(40, 3, neuron_factory("asn", levels=4), embed_dim=8, channels=6).eval()
    ids = _ids()[:, :4]

    with torch.no_grad():
        integer = model(ids)
        binary = to_spike_inference(model)(ids)

    assert torch.allclose(integer, binary, atol=1e-5)
    assert isinstance(model.head, Synapse) and model.head.spiking_input
    assert not any(branch[0].spiking_input for branch in model.branches)


@pytest.mark.parametrize("causal", [True, False])
def test_token_mix_reads_the_kernel_window(causal):
    mix = TokenMix(dim=2, kernel=3, causal=causal, spiking_input=True)
    with torch.no_grad():
        mix.conv.layer.weight.copy_(torch.tensor([1.0, 10.0, 100.0]).view(1, 1, 3).expand(2, 1, 3))
        mix.conv.layer.bias.zero_()
    s = torch.zeros(1, 1, 5, 2)
    s[0, 0, 2, 0] = 1.0  # one spike at position 2, channel 0

    out = mix(s)[0, 0, :, 0]

    # Causal: position t reads t-2, t-1, t with weights 1, 10, 100. Centred: t-1, t, t+1.
    expected = [0, 0, 100, 10, 1] if causal else [0, 100, 10, 1, 0]
    assert out.tolist() == expected
    assert mix(s)[0, 0, :, 1].abs().sum() == 0


def test_token_mix_synops_count():
    torch.manual_seed(0)
    mix = TokenMix(dim=4, kernel=3, causal=True, spiking_input=True)
    s = torch.zeros(1, 2, 6, 4)
    s[0, 0, 0, 1] = 1.0  # reaches positions 0, 1, 2
    s[0, 1, 5, 3] = 2.0  # last position: reaches only itself, with value 2
    network = SpikingNetwork([mix], temporal_input=True)
    monitor = ActivityMonitor(network)
    with monitor, torch.no_grad():
        network(s)

    assert monitor.report().synops_per_sample == pytest.approx((3 * 1 + 1 * 2) / 2)


def test_token_mix_rejects_empty_kernel():
    with pytest.raises(ValueError, match="at least 1"):
        TokenMix(dim=2, kernel=0, causal=True, spiking_input=True)
