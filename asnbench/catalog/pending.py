"""Datasets of the benchmark suite that are registered but have no loader yet.

They are listed by ``asnbench list`` as not implemented, so the suite's
scope stays visible. A capability that implements one moves its entry into
the catalog module of its modality and gives it a loader and profiles.
"""

from __future__ import annotations

from asnbench.registry import DatasetSpec, register


def _pending(name: str, task: str, metric: str, source: str, files: tuple[str, ...] = ()) -> None:
    register(
        DatasetSpec(
            name=name,
            task=task,
            metric=metric,
            loader=None,
            input_shape=(),
            num_classes=0,
            default_model="",
            profiles={},
            files=files,
            source=source,
        )
    )


for _name, _metric, _source, _files in [
    ("lm/ptb", "perplexity", "Penn Treebank (Mikolov), ptb.{train,valid,test}.txt", ("ptb/ptb.train.txt",)),
    ("lm/wikitext2", "perplexity", "WikiText-2 raw", ()),
    ("lm/wikitext103", "perplexity", "WikiText-103 raw", ()),
    ("lm/tiny-shakespeare", "bits_per_character", "Tiny Shakespeare, input.txt", ("tiny_shakespeare/input.txt",)),
]:
    _pending(_name, "language_modeling", _metric, _source, _files)

_pending("tag/conll2003", "sequence_labeling", "entity_f1", "CoNLL-2003 English NER", ("conll2003/eng.train",))
_pending(
    "tag/ud-english",
    "sequence_labeling",
    "accuracy",
    "UD English LinES, CoNLL-U",
    ("ud_english_lines/en_lines-ud-train.conllu",),
)
