"""Universal Dependencies CoNLL-U treebanks as a ``datasets.Dataset`` of UPOS-tagged sentences.

Comment lines (``#``) are skipped, multiword token lines (IDs like ``3-4``)
and empty nodes (IDs like ``5.1``) are dropped, so ``tokens`` are the
syntactic words that carry the UPOS tags, as in the UD evaluation.
"""

from __future__ import annotations

from pathlib import Path

from asnbench.errors import CorruptDataError

from .conll import tagged_dataset
from .hub import check_text_split, load_hub_split, missing_message

UD_LINES_FILES = {
    "train": "en_lines-ud-train.conllu",
    "validation": "en_lines-ud-dev.conllu",
    "test": "en_lines-ud-test.conllu",
}
# NOTE: not loaded here (no network).
HUB_ID = ("universal-dependencies/universal_dependencies", "en_lines")


def read_conllu(path: Path) -> list[tuple[list[str], list[str]]]:
    """Read ``(forms, upos)`` sentences from a CoNLL-U file."""
    sentences: list[tuple[list[str], list[str]]] = []
    forms: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8", newline="\n") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\n")
            if not line.strip():
                if forms:
                    sentences.append((forms, tags))
                    forms, tags = [], []
                continue
            if line.startswith("#"):
                continue
            columns = line.split("\t")
            if len(columns) != 10:
                raise CorruptDataError(f"{path}:{number}: expected 10 tab-separated CoNLL-U columns, got {len(columns)}")
            if "-" in columns[0] or "." in columns[0]:
                continue
            forms.append(columns[1])
            tags.append(columns[3])
    if forms:
        sentences.append((forms, tags))
    return sentences


def load_ud_english(root: Path, split: str, download: bool = True) :
    """UD English LinES (``ud_english_lines/en_lines-ud-{train,dev,test}.conllu``), UPOS tags."""
    check_text_split(split)
    root = Path(root)
    path = root / "ud_english_lines" / UD_LINES_FILES[split]
    if not path.exists():
        expected = [f"ud_english_lines/{name}" for name in UD_LINES_FILES.values()]

        def convert(loaded):
            names = loaded.features["upos"].feature.names
            return tagged_dataset([(t, [names[i] for i in u]) for t, u in zip(loaded["tokens"], loaded["upos"])])

        missing = missing_message("tag/ud-english", root, expected)
        return load_hub_split("tag/ud-english", HUB_ID[0], HUB_ID[1], split, download, missing, convert)
    return tagged_dataset(read_conllu(path))
