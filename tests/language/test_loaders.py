"""Loaders of the text, language-modeling and tagging datasets on fixtures in their real formats."""

import time

import datasets
import pytest

from asnbench.data import conll, conllu, text
from asnbench.data import language_modeling as lm
from asnbench.errors import CorruptDataError, DatasetNotFoundError


def test_sst2_reads_leading_label(text_root):
    train = text.load_sst2(text_root, "train", download=False)

    assert isinstance(train, datasets.Dataset)
    assert len(train) == 20
    assert train[0] == {"text": "a gripping , funny film .", "label": 1}
    assert train.features["label"].names == ["negative", "positive"]
    assert len(text.load_sst2(text_root, "validation", download=False)) == 2


def test_sst2_rejects_bad_label(text_root):
    (text_root / "sst2" / "stsa.binary.test").write_text("7 not a label\n")

    with pytest.raises(CorruptDataError, match="stsa.binary.test:1"):
        text.load_sst2(text_root, "test", download=False)


def test_mr_reads_latin1_and_splits_by_seed(text_root):
    train = text.load_mr(text_root, "train", download=False)
    test = text.load_mr(text_root, "test", download=False)

    assert len(train) == 18
    assert len(test) == 2
    assert not set(train["text"]) & set(test["text"])
    assert any("caf\xe9" in t for t in list(train["text"]) + list(test["text"]))
    assert list(test["text"]) == list(text.load_mr(text_root, "test", download=False)["text"])


def test_mpqa_skips_blank_lines(text_root):
    rows = len(text.load_mpqa(text_root, "train", download=False)) + len(text.load_mpqa(text_root, "test", download=False))

    assert rows == 4


def test_trec_maps_coarse_labels(text_root):
    train = text.load_trec(text_root, "train", download=False)

    assert [text.TREC_COARSE[i] for i in train["label"]] == ["DESC", "HUM", "LOC", "NUM"]
    assert train[3]["text"] == "When was Caf\xe9 Society founded ?"


def test_missing_local_files_fail_fast_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    started = time.perf_counter()

    with pytest.raises(DatasetNotFoundError, match="sst2/stsa.binary.train"):
        text.load_sst2(tmp_path, "train", download=True)
    with pytest.raises(DatasetNotFoundError, match="ptb/ptb.train.txt"):
        lm.load_ptb(tmp_path, "train", download=True)
    with pytest.raises(DatasetNotFoundError, match="download=False"):
        conll.load_conll2003(tmp_path, "train", download=False)
    assert time.perf_counter() - started < 2


def test_ptb_lines(lm_root):
    train = lm.load_ptb(lm_root, "train", download=False)

    assert len(train) == 60
    assert train[0]["text"].split() == ["the", "cat", "sat", "on", "the", "mat"]


def test_tiny_shakespeare_split_at_line_start(lm_root):
    train = lm.load_tiny_shakespeare(lm_root, "train", download=False)
    test = lm.load_tiny_shakespeare(lm_root, "test", download=False)

    assert len(train) + len(test) == 100
    assert 90 <= len(train) <= 91
    assert train[len(train) - 1]["text"].startswith(f"Line {len(train) - 1}:")
    assert test[0]["text"].startswith(f"Line {len(train)}:")


def test_conll_sentences_and_docstart(tag_root):
    train = conll.load_conll2003(tag_root, "train", download=False)
    test = conll.load_conll2003(tag_root, "test", download=False)

    assert len(test) == 3
    assert test[0]["tokens"] == ["EU", "rejects", "German", "call", "."]
    assert test[0]["tags"] == ["I-ORG", "O", "I-MISC", "O", "O"]
    assert test[2]["tokens"] == ["BRUSSELS", "1996-08-22"]
    assert len(train) == 15


def test_conllu_drops_multiword_and_empty_nodes(tag_root):
    train = conllu.load_ud_english(tag_root, "train", download=False)

    assert len(train) == 2
    assert train[0]["tokens"] == ["I", "do", "n't", "know", "."]
    assert train[0]["tags"] == ["PRON", "AUX", "PART", "VERB", "PUNCT"]
    assert train[1]["tags"] == ["VERB", "ADV"]
