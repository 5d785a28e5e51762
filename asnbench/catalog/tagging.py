"""Sequence labeling datasets (NER, POS tagging): files, model sizes and per-profile settings."""

from __future__ import annotations

from asnbench.registry import DatasetSpec, ProfileSettings, register

SEQUENCE_LABELING = "sequence_labeling"

_SMOKE = {"dim": 64, "depth": 2, "heads": 2, "mlp_ratio": 2, "max_length": 256, "token_mix": 3}
_FULL = {"dim": 256, "depth": 4, "heads": 8, "mlp_ratio": 4, "max_length": 256, "token_mix": 3}


def _profiles(smoke_epochs: int) -> dict[str, ProfileSettings]:
    return {
        "smoke": ProfileSettings(epochs=smoke_epochs, batch_size=32, lr=3e-3, model_options=_SMOKE),
        "full": ProfileSettings(epochs=30, batch_size=32, lr=5e-4, model_options=_FULL),
    }


register(
    DatasetSpec(
        name="tag/conll2003",
        task=SEQUENCE_LABELING,
        metric="entity_f1",
        loader="asnbench.data.conll:load_conll2003",
        input_shape=(),
        num_classes=0,
        default_model="transformer",
        files=("conll2003/eng.train", "conll2003/eng.testa", "conll2003/eng.testb"),
        source="CoNLL-2003 English NER, eng.{train,testa,testb}, IOB1 tags as given",
        profiles=_profiles(8),
    )
)

register(
    DatasetSpec(
        name="tag/ud-english",
        task=SEQUENCE_LABELING,
        metric="accuracy",
        loader="asnbench.data.conllu:load_ud_english",
        input_shape=(),
        num_classes=0,
        default_model="transformer",
        files=tuple(f"ud_english_lines/en_lines-ud-{s}.conllu" for s in ("train", "dev", "test")),
        source="UD English LinES r2.17, CoNLL-U, UPOS tags",
        profiles=_profiles(4),
    )
)
