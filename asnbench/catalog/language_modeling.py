"""Language modeling corpora: files, model sizes and per-profile settings (spiking causal transformer)."""

from __future__ import annotations

from asnbench.registry import DatasetSpec, ProfileSettings, register

LANGUAGE_MODELING = "language_modeling"

# The smoke models do not tie the readout to the embedding. On Tiny Shakespeare the tied readout's
# scaled-down logits cost more accuracy than the untied readout's extra parameters.
_WORD_SMOKE = {"dim": 64, "depth": 2, "heads": 2, "mlp_ratio": 2, "context": 32, "token_mix": 3, "tie_embeddings": False}
_WORD_FULL = {"dim": 512, "depth": 6, "heads": 8, "mlp_ratio": 4, "context": 256, "token_mix": 3}
_CHAR_SMOKE = {"dim": 192, "depth": 2, "heads": 6, "mlp_ratio": 2, "context": 128, "token_mix": 4, "tie_embeddings": False}
_CHAR_FULL = {"dim": 384, "depth": 6, "heads": 6, "mlp_ratio": 4, "context": 256, "token_mix": 4, "tie_embeddings": False}


def _profiles(
    smoke: dict, full: dict, smoke_epochs: int, full_epochs: int, smoke_windows: int | None
) -> dict[str, ProfileSettings]:
    return {
        "smoke": ProfileSettings(
            epochs=smoke_epochs, batch_size=32, lr=3e-3, model_options=smoke, max_train_samples=smoke_windows
        ),
        "full": ProfileSettings(epochs=full_epochs, batch_size=64, lr=5e-4, model_options=full),
    }


register(
    DatasetSpec(
        name="lm/ptb",
        task=LANGUAGE_MODELING,
        metric="perplexity",
        loader="asnbench.data.language_modeling:load_ptb",
        input_shape=(),
        num_classes=0,
        default_model="transformer",
        files=("ptb/ptb.train.txt", "ptb/ptb.valid.txt", "ptb/ptb.test.txt"),
        source="Penn Treebank (Mikolov), ptb.{train,valid,test}.txt, 10k words + <eos>",
        profiles=_profiles(_WORD_SMOKE, _WORD_FULL, 2, 40, None),
    )
)

for _name, _loader, _folder, _source, _min_freq in [
    ("lm/wikitext2", "load_wikitext2", "wikitext-2-raw", "WikiText-2 raw (hub Salesforce/wikitext)", 1),
    ("lm/wikitext103", "load_wikitext103", "wikitext-103-raw", "WikiText-103 raw (hub Salesforce/wikitext)", 3),
]:
    register(
        DatasetSpec(
            name=_name,
            task=LANGUAGE_MODELING,
            metric="perplexity",
            loader=f"asnbench.data.language_modeling:{_loader}",
            input_shape=(),
            num_classes=0,
            default_model="transformer",
            files=tuple(f"{_folder}/wiki.{split}.raw" for split in ("train", "valid", "test")),
            source=_source,
            profiles=_profiles(
                {**_WORD_SMOKE, "min_freq": _min_freq}, {**_WORD_FULL, "min_freq": _min_freq}, 1, 40, None
            ),
        )
    )

register(
    DatasetSpec(
        name="lm/tiny-shakespeare",
        task=LANGUAGE_MODELING,
        metric="bits_per_character",
        loader="asnbench.data.language_modeling:load_tiny_shakespeare",
        input_shape=(),
        num_classes=0,
        default_model="transformer",
        files=("tiny_shakespeare/input.txt",),
        source="Tiny Shakespeare input.txt, characters, first 90 % train / last 10 % test",
        profiles=_profiles(_CHAR_SMOKE, _CHAR_FULL, 12, 30, None),
    )
)
