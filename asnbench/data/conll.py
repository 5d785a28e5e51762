"""CoNLL-2003 English named-entity recognition as a ``datasets.Dataset`` of tagged sentences.

The files have one token per line with four space-separated columns
``WORD POS CHUNK NER``, a blank line between sentences and a
``-DOCSTART-`` line at each document start. The tags are kept as given,
in the original IOB1 scheme (``I-XXX`` inside an entity, ``B-XXX`` only
where an entity directly follows one of the same type); seqeval scores
them with ``scheme=None`` (its CoNLL evaluation, which reads IOB1).
"""

from __future__ import annotations

from pathlib import Path

import datasets

from asnbench.errors import CorruptDataError

from .hub import check_text_split, load_hub_split, missing_message

CONLL_FILES = {"train": "eng.train", "validation": "eng.testa", "test": "eng.testb"}
# NOTE: not loaded here (no network). The hub copy stores IOB2 tags as ClassLabel ids, so
# its entity boundaries equal the IOB1 files' but the tag strings differ.
HUB_ID = "eriktks/conll2003"


def tagged_dataset(sentences: list[tuple[list[str], list[str]]]) -> datasets.Dataset:
    """Build a Dataset with ``tokens`` and ``tags`` (string) sequence columns."""
    features = datasets.Features(
        {"tokens": datasets.Sequence(datasets.Value("string")), "tags": datasets.Sequence(datasets.Value("string"))}
    )
    return datasets.Dataset.from_dict(
        {"tokens": [tokens for tokens, _ in sentences], "tags": [tags for _, tags in sentences]}, features=features
    )


def read_conll(path: Path, column: int = -1) -> list[tuple[list[str], list[str]]]:
    """Read ``(tokens, tags)`` sentences from a CoNLL column file, tags from ``column``."""
    sentences: list[tuple[list[str], list[str]]] = []
    tokens: list[str] = []
    tags: list[str] = []
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise CorruptDataError(
                    f"{path}:{number}: invalid UTF-8 byte 0x{raw[error.start]:02x} at column {error.start + 1}; "
                    "CoNLL files are read as UTF-8, so re-encode the file as UTF-8"
                ) from error
            fields = line.split()
            if not fields or fields[0] == "-DOCSTART-":
                if tokens:
                    sentences.append((tokens, tags))
                    tokens, tags = [], []
                continue
            if len(fields) < 2:
                raise CorruptDataError(f"{path}:{number}: expected 'WORD ... TAG' columns, got {line.strip()!r}")
            tokens.append(fields[0])
            tags.append(fields[column])
    if tokens:
        sentences.append((tokens, tags))
    return sentences


def load_conll2003(root: Path, split: str, download: bool = True) -> datasets.Dataset:
    """CoNLL-2003 English NER (``conll2003/eng.{train,testa,testb}``); testa is validation, testb test."""
    check_text_split(split)
    root = Path(root)
    path = root / "conll2003" / CONLL_FILES[split]
    if not path.exists():
        expected = [f"conll2003/{name}" for name in CONLL_FILES.values()]

        def convert(loaded):
            names = loaded.features["ner_tags"].feature.names
            return tagged_dataset([(t, [names[i] for i in n]) for t, n in zip(loaded["tokens"], loaded["ner_tags"])])

        missing = missing_message("tag/conll2003", root, expected)
        return load_hub_split("tag/conll2003", HUB_ID, None, split, download, missing, convert)
    return tagged_dataset(read_conll(path))
