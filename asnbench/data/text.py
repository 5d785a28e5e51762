"""Sentence classification datasets (SST-2, SST-5, MR, Subj, MPQA, TREC) as ``datasets.Dataset``.

Every loader takes ``(root, split, download=True)`` and returns a
``datasets.Dataset`` with a ``text`` column (the tokenized sentence as in
the files, tokens separated by spaces) and an integer ``label`` column whose
names are in ``dataset.features["label"].names``. Local files under ``root``
are read first, with each file's real encoding; the Hugging Face hub is used
only when they are missing, downloads are allowed and no offline variable is
set.

MR, Subj and MPQA have no official split. Their local copies are split once
with a fixed seed (:data:`SPLIT_SEED`, independent of the run seed) into 90 %
train and 10 % test, the size of one fold of the usual 10-fold
cross-validation; they have no validation split.
"""

from __future__ import annotations

from pathlib import Path

import datasets
import numpy as np

from asnbench.errors import CorruptDataError

from .hub import check_text_split, load_hub_split, missing_message

SPLIT_SEED = 0
TEST_FRACTION = 0.1

SST_FILES = {"train": "train", "validation": "dev", "test": "test"}
TREC_COARSE = ("ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM")

# Hub ids used when the local files are missing.
# NOTE: these ids and their column layouts were not loaded here (no network); they are
# the hub's usual copies of the same data, and the hub copies of MR and Subj are split
# differently from the seeded local split.
HUB_IDS = {
    "sst2": ("SetFit/sst2", None),
    "sst5": ("SetFit/sst5", None),
    "mr": ("cornell-movie-review-data/rotten_tomatoes", None),
    "subj": ("SetFit/subj", None),
    "mpqa": ("SetFit/mpqa", None),
    "trec": ("CogComp/trec", None),
}


def _build(texts: list[str], labels: list[int], names: tuple[str, ...]) -> datasets.Dataset:
    features = datasets.Features({"text": datasets.Value("string"), "label": datasets.ClassLabel(names=list(names))})
    return datasets.Dataset.from_dict({"text": texts, "label": labels}, features=features)


def _read_lines(path: Path, encoding: str) -> list[str]:
    with open(path, encoding=encoding, newline="\n") as handle:
        return [line.rstrip("\n").strip() for line in handle]


def _from_hub(key: str, name: str, split: str, download: bool, missing: str, names, label_column="label"):
    hub_id, config = HUB_IDS[key]

    def convert(loaded):
        labels = [int(v) for v in loaded[label_column]]
        # A ClassLabel column may order the same names differently (CogComp/trec does).
        source_names = getattr(loaded.features[label_column], "names", None)
        if source_names and set(source_names) == set(names):
            labels = [names.index(source_names[v]) for v in labels]
        return _build(list(loaded["text"]), labels, names)

    return load_hub_split(name, hub_id, config, split, download, missing, convert)


def _load_stsa(root: Path, split: str, download: bool, folder: str, stem: str, names: tuple[str, ...], key: str):
    check_text_split(split)
    root = Path(root)
    path = root / folder / f"{stem}.{SST_FILES[split]}"
    if not path.exists():
        expected = [f"{folder}/{stem}.{suffix}" for suffix in SST_FILES.values()]
        return _from_hub(key, f"text/{key}", split, download, missing_message(f"text/{key}", root, expected), names)
    texts, labels = [], []
    for number, line in enumerate(_read_lines(path, "utf-8"), start=1):
        if not line:
            continue
        label, _, sentence = line.partition(" ")
        if not label.isdigit() or int(label) >= len(names):
            raise CorruptDataError(
                f"{path}:{number}: expected '<label> <sentence>' with a label in 0..{len(names) - 1}, got {line[:60]!r}"
            )
        texts.append(sentence)
        labels.append(int(label))
    return _build(texts, labels, names)


def load_sst2(root: Path, split: str, download: bool = True) -> datasets.Dataset:
    """SST-2 sentence level (``sst2/stsa.binary.{train,dev,test}``, UTF-8); 0 negative, 1 positive."""
    return _load_stsa(root, split, download, "sst2", "stsa.binary", ("negative", "positive"), "sst2")


def load_sst5(root: Path, split: str, download: bool = True) -> datasets.Dataset:
    """SST-5 sentence level (``sst5/stsa.fine.{train,dev,test}``, UTF-8); 0 very negative .. 4 very positive."""
    names = ("very negative", "negative", "neutral", "positive", "very positive")
    return _load_stsa(root, split, download, "sst5", "stsa.fine", names, "sst5")


def seeded_split(count: int, split: str) -> np.ndarray:
    """Return the sorted indices of ``split`` ("train" or "test") in a fixed 90/10 split of ``count`` items."""
    order = np.random.default_rng(SPLIT_SEED).permutation(count)
    test_size = int(round(count * TEST_FRACTION))
    chosen = order[:test_size] if split == "test" else order[test_size:]
    return np.sort(chosen)


def _load_per_label_files(
    root: Path, split: str, download: bool, key: str, files: tuple[tuple[str, str], ...], encoding: str
) -> datasets.Dataset:
    """Read one file per label (label ``i`` is ``files[i]``), skip empty lines, and take the seeded split."""
    check_text_split(split, ("train", "test"))
    root = Path(root)
    names = tuple(label for _, label in files)
    paths = [root / key / file for file, _ in files]
    if not all(path.exists() for path in paths):
        expected = [f"{key}/{file}" for file, _ in files]
        return _from_hub(key, f"text/{key}", split, download, missing_message(f"text/{key}", root, expected), names)
    texts, labels = [], []
    for label, path in enumerate(paths):
        for line in _read_lines(path, encoding):
            if line:
                texts.append(line)
                labels.append(label)
    chosen = seeded_split(len(texts), split)
    return _build([texts[i] for i in chosen], [labels[i] for i in chosen], names)


def load_mr(root: Path, split: str, download: bool = True) -> datasets.Dataset:
    """Movie Review polarity (``mr/rt-polarity.{neg,pos}``, Latin-1); 0 negative, 1 positive."""
    files = (("rt-polarity.neg", "negative"), ("rt-polarity.pos", "positive"))
    return _load_per_label_files(root, split, download, "mr", files, "latin-1")


def load_subj(root: Path, split: str, download: bool = True) -> datasets.Dataset:
    """Subjectivity (``subj/subj.{subjective,objective}``, Latin-1); 0 subjective, 1 objective as in subj.all."""
    files = (("subj.subjective", "subjective"), ("subj.objective", "objective"))
    return _load_per_label_files(root, split, download, "subj", files, "latin-1")


def load_mpqa(root: Path, split: str, download: bool = True) -> datasets.Dataset:
    """MPQA opinion polarity (``mpqa/mpqa.{neg,pos}``, ASCII); 0 negative, 1 positive; empty lines are skipped."""
    files = (("mpqa.neg", "negative"), ("mpqa.pos", "positive"))
    return _load_per_label_files(root, split, download, "mpqa", files, "latin-1")


def load_trec(root: Path, split: str, download: bool = True) -> datasets.Dataset:
    """TREC question classification with the 6 coarse labels (``trec/TREC.{train,test}``, Latin-1)."""
    check_text_split(split, ("train", "test"))
    root = Path(root)
    path = root / "trec" / f"TREC.{split}"
    if not path.exists():
        missing = missing_message("text/trec", root, ["trec/TREC.train", "trec/TREC.test"])
        return _from_hub("trec", "text/trec", split, download, missing, TREC_COARSE, label_column="coarse_label")
    texts, labels = [], []
    for number, line in enumerate(_read_lines(path, "latin-1"), start=1):
        if not line:
            continue
        label, _, question = line.partition(" ")
        coarse = label.partition(":")[0]
        if coarse not in TREC_COARSE:
            raise CorruptDataError(
                f"{path}:{number}: expected '<COARSE>:<fine> <question>' with COARSE in "
                f"{', '.join(TREC_COARSE)}, got {line[:60]!r}"
            )
        texts.append(question)
        labels.append(TREC_COARSE.index(coarse))
    return _build(texts, labels, TREC_COARSE)
