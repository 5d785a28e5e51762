"""Writers of tiny language datasets in their real on-disk formats."""

from __future__ import annotations

from pathlib import Path

import pytest

SST2_TRAIN = ["1 a gripping , funny film .", "0 a dull , tedious mess .", "1 funny and moving .", "0 tedious ."]
SST2_TEST = ["1 a funny film .", "0 a dull mess ."]
TREC_TRAIN = [
    "DESC:manner How did serfdom develop in and then leave Russia ?",
    "HUM:ind Who killed Gandhi ?",
    "LOC:city What is the capital of Peru ?",
    "NUM:date When was Caf\xe9 Society founded ?",
]
CONLL_TRAIN = """-DOCSTART- -X- O O

EU NNP I-NP I-ORG
rejects VBZ I-VP O
German JJ I-NP I-MISC
call NN I-NP O
. . O O

Peter NNP I-NP I-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- O O

BRUSSELS NNP I-NP I-LOC
1996-08-22 CD I-NP O
"""
CONLLU_TRAIN = """# newdoc id = 1
# sent_id = s1
# text = I don't know.
1\tI\tI\tPRON\t_\t_\t3\tnsubj\t_\t_
2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_
2\tdo\tdo\tAUX\t_\t_\t4\taux\t_\t_
3\tn't\tnot\tPART\t_\t_\t4\tadvmod\t_\t_
4\tknow\tknow\tVERB\t_\t_\t0\troot\t_\tSpaceAfter=No
4.1\tthat\tthat\tPRON\t_\t_\t_\t_\t4:obj\t_
5\t.\t.\tPUNCT\t_\t_\t4\tpunct\t_\t_

# sent_id = s2
# text = Go home
1\tGo\tgo\tVERB\t_\t_\t0\troot\t_\t_
2\thome\thome\tADV\t_\t_\t1\tadvmod\t_\t_

"""


def _write(path: Path, lines: list[str] | str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = lines if isinstance(lines, str) else "\n".join(lines) + "\n"
    path.write_bytes(text.encode(encoding))


@pytest.fixture
def text_root(tmp_path: Path) -> Path:
    """A data root with SST-2, MR (Latin-1), MPQA (with a blank line) and TREC files."""
    _write(tmp_path / "sst2" / "stsa.binary.train", SST2_TRAIN * 5)
    _write(tmp_path / "sst2" / "stsa.binary.dev", SST2_TEST)
    _write(tmp_path / "sst2" / "stsa.binary.test", SST2_TEST * 3)
    _write(tmp_path / "mr" / "rt-polarity.pos", [f"a charming caf\xe9 story number {i} " for i in range(10)], "latin-1")
    _write(tmp_path / "mr" / "rt-polarity.neg", [f"a boring story number {i} " for i in range(10)], "latin-1")
    _write(tmp_path / "mpqa" / "mpqa.pos", ["good", "", "very good"], "ascii")
    _write(tmp_path / "mpqa" / "mpqa.neg", ["bad", "awful"], "ascii")
    _write(tmp_path / "trec" / "TREC.train", TREC_TRAIN, "latin-1")
    _write(tmp_path / "trec" / "TREC.test", TREC_TRAIN[:2], "latin-1")
    return tmp_path


@pytest.fixture
def lm_root(tmp_path: Path) -> Path:
    """A data root with PTB-format files (leading and trailing space per line) and a Tiny Shakespeare file."""
    sentences = [" the cat sat on the mat ", " the dog sat on the cat ", " a <unk> ate N apples "]
    _write(tmp_path / "ptb" / "ptb.train.txt", sentences * 20, "ascii")
    _write(tmp_path / "ptb" / "ptb.valid.txt", sentences[:2], "ascii")
    _write(tmp_path / "ptb" / "ptb.test.txt", sentences[:2] + [" the zebra sat "], "ascii")
    lines = [f"Line {i}: to be or not to be." for i in range(100)]
    _write(tmp_path / "tiny_shakespeare" / "input.txt", lines, "ascii")
    return tmp_path


@pytest.fixture
def tag_root(tmp_path: Path) -> Path:
    """A data root with CoNLL-2003 and UD English LinES files."""
    for name in ("eng.train", "eng.testa", "eng.testb"):
        _write(tmp_path / "conll2003" / name, CONLL_TRAIN * (5 if name == "eng.train" else 1))
    for split in ("train", "dev", "test"):
        _write(tmp_path / "ud_english_lines" / f"en_lines-ud-{split}.conllu", CONLLU_TRAIN)
    return tmp_path
