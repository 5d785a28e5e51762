"""Language-modeling corpora (PTB, WikiText, Tiny Shakespeare) as ``datasets.Dataset`` of lines.

Every loader takes ``(root, split, download=True)`` and returns a
``datasets.Dataset`` with one ``text`` row per line of the split, without
the newline. Word-level tasks split a line on whitespace and append
``<eos>``; the character-level task joins the lines with ``"\\n"``.
Local files are read first; the Hugging Face hub is used only when they
are missing, downloads are allowed and no offline variable is set.

Tiny Shakespeare is one file with no official split. It is cut by
characters as nanoGPT does: the first 90 % is ``train`` and the last 10 %
is ``test`` (also returned for ``validation``). The cut falls on a line
start, so no line is split.
"""

from __future__ import annotations

from pathlib import Path

import datasets

from .hub import check_text_split, load_hub_split, missing_message

PTB_FILES = {"train": "ptb.train.txt", "validation": "ptb.valid.txt", "test": "ptb.test.txt"}
WIKITEXT_FILES = {"train": "wiki.train.raw", "validation": "wiki.valid.raw", "test": "wiki.test.raw"}
SHAKESPEARE_TRAIN_FRACTION = 0.9

# NOTE: hub ids and column layouts were not loaded here (no network).
HUB_IDS = {
    "ptb": ("ptb-text-only/ptb_text_only", None, "sentence"),
    "wikitext2": ("Salesforce/wikitext", "wikitext-2-raw-v1", "text"),
    "wikitext103": ("Salesforce/wikitext", "wikitext-103-raw-v1", "text"),
    "tiny-shakespeare": ("karpathy/tiny_shakespeare", None, "text"),
}


def _lines_dataset(lines: list[str]) -> datasets.Dataset:
    return datasets.Dataset.from_dict({"text": lines}, features=datasets.Features({"text": datasets.Value("string")}))


def _read_lines(path: Path, encoding: str = "utf-8") -> list[str]:
    with open(path, encoding=encoding, newline="\n") as handle:
        return [line.rstrip("\n") for line in handle]


def _from_hub(key: str, split: str, download: bool, missing: str) -> datasets.Dataset:
    hub_id, config, column = HUB_IDS[key]

    def convert(loaded):
        lines: list[str] = []
        for text in loaded[column]:
            lines.extend(text.split("\n"))
        return _lines_dataset(lines)

    return load_hub_split(f"lm/{key}", hub_id, config, split, download, missing, convert)


def load_ptb(root: Path, split: str, download: bool = True) -> datasets.Dataset:
    """Penn Treebank, Mikolov's preprocessing (``ptb/ptb.{train,valid,test}.txt``, ASCII)."""
    check_text_split(split)
    root = Path(root)
    path = root / "ptb" / PTB_FILES[split]
    if not path.exists():
        expected = [f"ptb/{name}" for name in PTB_FILES.values()]
        return _from_hub("ptb", split, download, missing_message("lm/ptb", root, expected))
    return _lines_dataset(_read_lines(path, "ascii"))


def _load_wikitext(root: Path, split: str, download: bool, key: str, folder: str) -> datasets.Dataset:
    check_text_split(split)
    root = Path(root)
    path = root / folder / WIKITEXT_FILES[split]
    if not path.exists():
        expected = [f"{folder}/{name}" for name in WIKITEXT_FILES.values()]
        return _from_hub(key, split, download, missing_message(f"lm/{key}", root, expected))
    return _lines_dataset(_read_lines(path, "utf-8"))


def load_wikitext2(root: Path, split: str, download: bool = True) -> datasets.Dataset:
    """WikiText-2 raw (``wikitext-2-raw/wiki.{train,valid,test}.raw``, UTF-8)."""
    return _load_wikitext(root, split, download, "wikitext2", "wikitext-2-raw")


def load_wikitext103(root: Path, split: str, download: bool = True) -> datasets.Dataset:
    """WikiText-103 raw (``wikitext-103-raw/wiki.{train,valid,test}.raw``, UTF-8)."""
    return _load_wikitext(root, split, download, "wikitext103", "wikitext-103-raw")


def split_characters(text: str, split: str) -> str:
    """Return the ``split`` part of ``text``: the first 90 % (train) or the rest, cut at a line start."""
    cut = int(len(text) * SHAKESPEARE_TRAIN_FRACTION)
    newline = text.find("\n", cut)
    cut = len(text) if newline < 0 else newline + 1
    return text[:cut] if split == "train" else text[cut:]


def load_tiny_shakespeare(root: Path, split: str, download: bool = True) -> datasets.Dataset:
    """Tiny Shakespeare (``tiny_shakespeare/input.txt``, ASCII), split 90/10 by characters."""
    check_text_split(split)
    root = Path(root)
    path = root / "tiny_shakespeare" / "input.txt"
    if not path.exists():
        missing = missing_message("lm/tiny-shakespeare", root, ["tiny_shakespeare/input.txt"])
        hub_split = "train" if split == "train" else "test"
        return _from_hub("tiny-shakespeare", hub_split, download, missing)
    text = path.read_text(encoding="ascii")
    part = split_characters(text, "train" if split == "train" else "test")
    if part.endswith("\n"):
        part = part[:-1]
    return _lines_dataset(part.split("\n"))
