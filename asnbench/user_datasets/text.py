"""Readers for user text data: one file per label, TSV with a label column, CoNLL columns, plain text.

Each reader returns plain Python records for one split, the form a text,
tagging or language-modeling task turns into tensors.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from asnbench.errors import CorruptDataError, DatasetNotFoundError

TEXT_ENCODING = "utf-8"


def _split_file(path: Path, split: str, suffixes: tuple[str, ...]) -> Path:
    for suffix in suffixes:
        candidate = path / f"{split}{suffix}"
        if candidate.is_file():
            return candidate
    names = ", ".join(f"{split}{suffix}" for suffix in suffixes)
    raise DatasetNotFoundError(f"{path} has no {split} file; expected one of {names}")


def _read_lines(file: Path) -> list[str]:
    # errors="replace" keeps Latin-1 corpora such as MR readable without guessing their encoding.
    return file.read_text(encoding=TEXT_ENCODING, errors="replace").splitlines()


def read_label_files(path: Path, split: str, test_fraction: float, seed: int = 0) -> list[tuple[str, str]]:
    """(text, label) pairs from files named by their label (``pos.txt`` or ``rt-polarity.pos``), one example per line.

    With ``<path>/train/`` and ``<path>/test/`` folders each split has its own
    files. Otherwise the label files sit in ``<path>`` and a seeded
    ``test_fraction`` of their lines is the test split.
    """
    if (path / "train").is_dir() and (path / "test").is_dir():
        return _label_folder(path / split)
    examples = _label_folder(path)
    random.Random(seed).shuffle(examples)
    test_count = max(1, round(len(examples) * test_fraction))
    return examples[:test_count] if split == "test" else examples[test_count:]


def _label_folder(folder: Path) -> list[tuple[str, str]]:
    files = sorted(file for file in folder.iterdir() if file.is_file() and not file.name.startswith("."))
    if len(files) < 2:
        raise DatasetNotFoundError(f"{folder} needs one text file per label (at least two), found {len(files)}")
    # The label is the name without its extension (pos.txt), or the extension when the
    # names share a stem (rt-polarity.pos and rt-polarity.neg).
    stems = [file.stem for file in files]
    use_stem = len(set(stems)) == len(stems)
    examples = []
    for file in files:
        label = file.stem if use_stem else file.suffix.lstrip(".")
        examples.extend((line.strip(), label) for line in _read_lines(file) if line.strip())
    return examples


def to_hf_dataset(examples: list[tuple[str, str]], labels: list[str], path: Path):
    """Build a ``datasets.Dataset`` with a ``text`` column and a ``label`` ClassLabel over ``labels``."""
    import datasets

    index = {label: position for position, label in enumerate(labels)}
    unknown = sorted({label for _, label in examples} - index.keys())
    if unknown:
        raise CorruptDataError(f"{path}: labels {', '.join(unknown)} appear in the test split but not in the training split")
    features = datasets.Features({"text": datasets.Value("string"), "label": datasets.ClassLabel(names=labels)})
    columns = {"text": [t for t, _ in examples], "label": [index[label] for _, label in examples]}
    return datasets.Dataset.from_dict(columns, features=features)


def sentences_to_hf_dataset(sentences: list[tuple[list[str], list[str]]]):
    """Build a ``datasets.Dataset`` with ``tokens`` and ``tags`` columns, one row per sentence."""
    import datasets

    return datasets.Dataset.from_dict({"tokens": [t for t, _ in sentences], "tags": [g for _, g in sentences]})


def lines_to_hf_dataset(content: str):
    """Build a ``datasets.Dataset`` with one ``text`` row per line, without line ends, as the language modeling task reads it."""
    import datasets

    return datasets.Dataset.from_dict({"text": content.splitlines()})


def read_tsv(path: Path, split: str, text_column: str, label_column: str) -> list[tuple[str, str]]:
    """(text, label) pairs from ``<path>/<split>.tsv``, whose first row names the columns."""
    file = _split_file(path, split, (".tsv",))
    with file.open(encoding=TEXT_ENCODING, errors="replace", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        columns = reader.fieldnames or []
        for column in (text_column, label_column):
            if column not in columns:
                raise CorruptDataError(f"{file} has no column {column!r}; its header names {', '.join(columns)}")
        examples = []
        for number, row in enumerate(reader, start=2):
            if row[text_column] is None or row[label_column] is None:
                raise CorruptDataError(f"{file}:{number}: the row has fewer columns than the header")
            examples.append((row[text_column], row[label_column]))
    return examples


def read_conll(path: Path, split: str, tag_column: int) -> list[tuple[list[str], list[str]]]:
    """(tokens, tags) sentences from ``<path>/<split>.txt`` or ``.conll``: whitespace columns, blank lines between sentences.

    The token is the first column and the tag is column ``tag_column`` (-1 is
    the last). ``-DOCSTART-`` lines and ``#`` comment lines are skipped.
    """
    file = _split_file(path, split, (".txt", ".conll", ".conllu"))
    sentences: list[tuple[list[str], list[str]]] = []
    tokens: list[str] = []
    tags: list[str] = []
    for number, line in enumerate(_read_lines(file), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("-DOCSTART-") or stripped.startswith("#"):
            if tokens and not stripped:
                sentences.append((tokens, tags))
                tokens, tags = [], []
            continue
        columns = stripped.split("\t") if "\t" in stripped else stripped.split()
        try:
            tag = columns[tag_column]
        except IndexError:
            raise CorruptDataError(f"{file}:{number}: {len(columns)} columns, no tag column {tag_column}") from None
        tokens.append(columns[0])
        tags.append(tag)
    if tokens:
        sentences.append((tokens, tags))
    if not sentences:
        raise CorruptDataError(f"{file} contains no sentences")
    return sentences


def read_plain_text(path: Path, split: str) -> str:
    """Read ``<path>/<split>.txt`` for language modeling; an empty file raises ``CorruptDataError``."""
    text = _split_file(path, split, (".txt",)).read_text(encoding=TEXT_ENCODING, errors="replace")
    if not text.strip():
        raise CorruptDataError(f"{path}/{split}.txt is empty")
    return text
