"""User-defined datasets in a suite: each supported format read from files written here."""

import gzip
import textwrap

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from asnbench.cli import app
from asnbench.errors import CorruptDataError
from asnbench.results import ResultsStore
from asnbench.suites import SuiteValidationError, load_suite
from asnbench.tasks import TASKS
from asnbench.user_datasets import text
from asnbench.user_datasets.images import read_idx_folder, read_image_folder


def _pattern(label, rng, size=8):
    """Class 0 is bright on top, class 1 bright at the bottom, with noise."""
    image = rng.integers(0, 60, size=(size, size)).astype(np.uint8)
    rows = slice(0, size // 2) if label == 0 else slice(size // 2, size)
    image[rows] += 180
    return image


def _image_folder(root, per_class=12):
    rng = np.random.default_rng(0)
    for split in ("train", "test"):
        for label, name in enumerate(("bottom-dark", "top-dark")):
            folder = root / split / name
            folder.mkdir(parents=True)
            for index in range(per_class):
                Image.fromarray(_pattern(label, rng)).convert("RGB").save(folder / f"{index}.png")
    return root


def _idx_folder(root, count=40):
    rng = np.random.default_rng(1)
    root.mkdir(parents=True)
    for prefix in ("train", "t10k"):
        labels = np.arange(count, dtype=np.uint8) % 2
        images = np.stack([_pattern(int(label), rng, size=6) for label in labels])
        header = (0x0803).to_bytes(4, "big") + b"".join(int(n).to_bytes(4, "big") for n in images.shape)
        with gzip.open(root / f"{prefix}-images-idx3-ubyte.gz", "wb") as handle:
            handle.write(header + images.tobytes())
        label_header = (0x0801).to_bytes(4, "big") + count.to_bytes(4, "big")
        (root / f"{prefix}-labels-idx1-ubyte").write_bytes(label_header + labels.tobytes())
    return root


def test_image_folder_reader(tmp_path):
    folder = _image_folder(tmp_path / "shapes")

    train = read_image_folder(folder, "train", (8, 8), 1)
    test = read_image_folder(folder, "test", (4, 6), 3)

    assert train.images.shape == (24, 1, 8, 8)
    assert train.classes == ["bottom-dark", "top-dark"]
    assert train.labels.tolist() == [0] * 12 + [1] * 12
    assert abs(float(train.images.mean())) < 1e-4
    assert test.images.shape == (24, 3, 4, 6)


def test_image_folder_corrupt_file(tmp_path):
    folder = _image_folder(tmp_path / "shapes", per_class=2)
    (folder / "train" / "top-dark" / "bad.png").write_bytes(b"not an image")

    with pytest.raises(CorruptDataError, match="bad.png"):
        read_image_folder(folder, "train", (8, 8), 1)


def test_idx_reader(tmp_path):
    folder = _idx_folder(tmp_path / "idx")

    test = read_idx_folder(folder, "test", 2)

    assert test.images.shape == (40, 1, 6, 6)
    assert test.labels[:4].tolist() == [0, 1, 0, 1]


def test_suite_defines_user_datasets(tmp_path):
    _image_folder(tmp_path / "data" / "shapes")
    _idx_folder(tmp_path / "data" / "idx")
    suite_path = tmp_path / "suite.yaml"
    suite_path.write_text(textwrap.dedent("""
        name: local
        neurons: [asn]
        datasets:
          - name: local/shapes
            format: image-folder
            path: data/shapes
            image_size: 8
            channels: 1
          - name: local/idx
            format: idx
            path: data/idx
    """))

    suite = load_suite(suite_path)
    specs = [c.config.spec() for c in suite.combinations]

    assert [s.input_shape for s in specs] == [(1, 8, 8), (1, 6, 6)]
    assert [s.num_classes for s in specs] == [2, 2]
    assert all(s.is_present(tmp_path) for s in specs)


@pytest.mark.parametrize(
    "entry, line, field, words",
    [
        ("format: jpeg-folder\n    path: data", 7, "datasets[0].format", "unknown format"),
        ("format: image-folder\n    path: nowhere", 8, "datasets[0].path", "does not exist"),
        ("format: image-folder\n    path: data\n    channels: 2", 9, "datasets[0].channels", "1 (grayscale) or 3"),
        ("format: idx\n    path: data\n    task: text_classification", 9, "datasets[0].task", "feeds the image_classification"),
    ],
)
def test_user_dataset_errors_have_lines(tmp_path, entry, line, field, words):
    _image_folder(tmp_path / "data", per_class=1)
    suite_path = tmp_path / "suite.yaml"
    # Two blank lines first, so line numbers cannot match list indices by chance.
    suite_path.write_text(f"\n\nname: local\nneurons: [asn]\ndatasets:\n  - name: local/bad\n    {entry}\n")

    with pytest.raises(SuiteValidationError) as caught:
        load_suite(suite_path)

    problem = caught.value.problems[0]
    assert (problem.line, problem.field) == (line, field)
    assert words in problem.message


def test_user_dataset_cannot_shadow_builtin(tmp_path):
    _image_folder(tmp_path / "data", per_class=1)
    suite_path = tmp_path / "suite.yaml"
    suite_path.write_text("name: s\nneurons: [asn]\ndatasets:\n  - name: vision/mnist\n    format: image-folder\n    path: data\n")

    with pytest.raises(SuiteValidationError, match="already a built-in dataset"):
        load_suite(suite_path)


def _tsv_folder(root):
    root.mkdir(parents=True)
    rows = [("a fine warm film", "pos"), ("a dull cold film", "neg"), ("warm and fine", "pos"), ("cold and dull", "neg")]
    for split, repeat in (("train", 10), ("test", 3)):
        lines = ["label\tsentence"] + [f"{label}\t{sentence}" for sentence, label in rows * repeat]
        (root / f"{split}.tsv").write_text("\n".join(lines) + "\n")
    return root


@pytest.mark.slow
def test_user_datasets_run_end_to_end(tmp_path):
    _image_folder(tmp_path / "data" / "shapes")
    _idx_folder(tmp_path / "data" / "idx")
    _tsv_folder(tmp_path / "data" / "tsv")
    suite_path = tmp_path / "suite.yaml"
    suite_path.write_text(textwrap.dedent("""
        name: local-run
        neurons: [ann]
        overrides: {epochs: 2}
        datasets:
          - {name: run/shapes, format: image-folder, path: data/shapes, image_size: [8, 8], channels: 1}
          - {name: run/idx, format: idx, path: data/idx}
          - {name: run/tsv, format: tsv, path: data/tsv, text_column: sentence}
    """))

    result = CliRunner().invoke(
        app,
        ["suite", "run", str(suite_path), "--results-dir", str(tmp_path / "runs"), "--checkpoint-dir",
         str(tmp_path / "checkpoints"), "--tracking-uri", f"sqlite:///{tmp_path / 'mlflow.db'}", "--no-progress"],
        catch_exceptions=False,
    )

    assert result.exit_code == 0, result.output
    records = ResultsStore(tmp_path / "runs").read().records
    assert [(r["dataset"], r["test_samples"]) for r in records] == [("run/shapes", 24), ("run/idx", 40), ("run/tsv", 12)]
    # The image classes differ in which half is bright, which even two epochs separate.
    assert all(r["metric_value"] >= 0.9 for r in records[:2])
    assert records[2]["metric_name"] == "accuracy"


def test_label_files_define_text_dataset(tmp_path):
    if "text_classification" not in TASKS:
        pytest.skip("this version has no text_classification task")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "reviews.pos").write_text("good film\ngreat cast\n" * 10)
    (tmp_path / "data" / "reviews.neg").write_text("dull plot\nbad acting\n" * 10)
    suite_path = tmp_path / "suite.yaml"
    suite_path.write_text("name: s\nneurons: [asn]\ndatasets:\n  - {name: local/polarity, format: label-files, path: data, test_fraction: 0.25}\n")

    spec = load_suite(suite_path).combinations[0].config.spec()
    train, test = spec.load(tmp_path, "train"), spec.load(tmp_path, "test")

    assert spec.num_classes == 2
    assert (len(train), len(test)) == (30, 10)
    assert train.features["label"].names == ["neg", "pos"]




def test_label_files_reader(tmp_path):
    (tmp_path / "pos.txt").write_text("good film\ngreat cast\n\nfine\n")
    (tmp_path / "neg.txt").write_text("dull plot\nbad acting\n")

    train = text.read_label_files(tmp_path, "train", test_fraction=0.4)
    test = text.read_label_files(tmp_path, "test", test_fraction=0.4)

    assert len(train) + len(test) == 5
    assert len(test) == 2
    assert set(train + test) >= {("good film", "pos"), ("dull plot", "neg")}


def test_tsv_reader(tmp_path):
    (tmp_path / "train.tsv").write_text("sentence\tlabel\nwhat is it ?\tDESC\nwho won ?\tHUM\n")

    examples = text.read_tsv(tmp_path, "train", text_column="sentence", label_column="label")

    assert examples == [("what is it ?", "DESC"), ("who won ?", "HUM")]
    with pytest.raises(CorruptDataError, match="no column 'text'"):
        text.read_tsv(tmp_path, "train", text_column="text", label_column="label")


def test_conll_reader(tmp_path):
    (tmp_path / "train.txt").write_text(
        "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\nPeter NNP B-NP B-PER\n"
    )

    sentences = text.read_conll(tmp_path, "train", tag_column=-1)

    assert sentences == [(["EU", "rejects"], ["B-ORG", "O"]), (["Peter"], ["B-PER"])]
    with pytest.raises(CorruptDataError, match="no tag column 7"):
        text.read_conll(tmp_path, "train", tag_column=7)


def test_plain_text_reader(tmp_path):
    (tmp_path / "train.txt").write_text("to be or not to be\n")
    (tmp_path / "test.txt").write_text("   \n")

    assert text.read_plain_text(tmp_path, "train") == "to be or not to be\n"
    with pytest.raises(CorruptDataError, match="empty"):
        text.read_plain_text(tmp_path, "test")


def test_conll_and_text_define_datasets(tmp_path):
    conll, plain = tmp_path / "conll", tmp_path / "plain"
    conll.mkdir()
    plain.mkdir()
    for split in ("train", "test"):
        (conll / f"{split}.txt").write_text("EU NNP B-ORG\nrejects VBZ O\n\nPeter NNP B-PER\n")
        (plain / f"{split}.txt").write_text("to be or not\nto be\n")
    suite_path = tmp_path / "suite.yaml"
    suite_path.write_text(textwrap.dedent("""
        name: s
        neurons: [asn]
        datasets:
          - {name: local/ner, format: conll, path: conll, tag_column: 2}
          - {name: local/chars, format: text, path: plain, level: char}
          - {name: local/words, format: text, path: plain}
    """))

    ner, chars, words = (c.config.spec() for c in load_suite(suite_path).combinations)

    assert (ner.task, ner.metric, ner.num_classes) == ("sequence_labeling", "entity_f1", 3)
    assert ner.load(tmp_path, "train")["tags"] == [["B-ORG", "O"], ["B-PER"]]
    assert (chars.task, chars.metric) == ("language_modeling", "bits_per_character")
    assert words.metric == "perplexity"
    assert words.load(tmp_path, "test")["text"] == ["to be or not", "to be"]


def test_text_format_invalid_level(tmp_path):
    (tmp_path / "plain").mkdir()
    suite_path = tmp_path / "suite.yaml"
    suite_path.write_text("name: s\nneurons: [asn]\ndatasets:\n  - name: local/t\n    format: text\n    path: plain\n    level: byte\n")

    with pytest.raises(SuiteValidationError) as caught:
        load_suite(suite_path)

    assert (caught.value.problems[0].line, caught.value.problems[0].field) == (7, "datasets[0].level")
