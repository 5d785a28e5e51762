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


for _name, _source in [
    ("vision/imagenet", "ImageNet-1k (ILSVRC 2012) train/val folders"),
    ("vision/cifar10-dvs", "CIFAR10-DVS event recordings (via tonic)"),
    ("vision/dvs-gesture", "IBM DVS128 Gesture event recordings (via tonic)"),
]:
    _pending(_name, "image_classification", "accuracy", _source)

for _name, _source in [
    ("det/voc", "PASCAL VOC 2007+2012 detection, VOC XML"),
    ("det/coco", "COCO 2017 detection, COCO JSON"),
    ("det/penn-fudan", "Penn-Fudan pedestrians, PennFudanPed layout"),
]:
    _pending(_name, "object_detection", "map", _source)

for _name, _source in [
    ("seg/voc", "PASCAL VOC 2012 segmentation, PNG masks"),
    ("seg/ade20k", "ADE20K SceneParsing, ADEChallengeData2016 layout"),
    ("seg/penn-fudan", "Penn-Fudan pedestrians, PennFudanPed masks"),
]:
    _pending(_name, "semantic_segmentation", "miou", _source)

for _name, _source, _files in [
    ("text/sst2", "SST-2 sentence level, stsa.binary.{train,dev,test}", ("sst2/stsa.binary.train",)),
    ("text/sst5", "SST-5 sentence level, stsa.fine.{train,dev,test}", ("sst5/stsa.fine.train",)),
    ("text/mr", "Movie Review polarity, rt-polarity.{pos,neg}", ("mr/rt-polarity.pos",)),
    ("text/subj", "Subjectivity, subj.{subjective,objective}", ("subj/subj.subjective",)),
    ("text/trec", "TREC question classification, 6 coarse labels", ("trec/TREC.train",)),
    ("text/mpqa", "MPQA opinion polarity, mpqa.{pos,neg}", ("mpqa/mpqa.pos",)),
]:
    _pending(_name, "text_classification", "accuracy", _source, _files)

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
