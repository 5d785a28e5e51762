"""ImageNet loader on fixtures: the devkit-and-folder layout torchvision reads, and a plain ImageFolder."""

import hashlib
import io
import tarfile

import numpy as np
import pytest
import scipy.io
import torch
import torchvision.datasets.imagenet as tv_imagenet
from PIL import Image

from asnbench.data.imagenet import DEVKIT, load_imagenet
from asnbench.errors import DatasetNotFoundError

WNIDS = {"n01440764": "tench, Tinca tinca", "n01443537": "goldfish, Carassius auratus"}


def _write_images(folder, per_class, seed=0):
    rng = np.random.default_rng(seed)
    for wnid in WNIDS:
        (folder / wnid).mkdir(parents=True)
        for index in range(per_class):
            pixels = rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(folder / wnid / f"{wnid}_{index}.JPEG")


def _write_devkit(path):
    """Write ILSVRC2012_devkit_t12.tar.gz with data/meta.mat and the validation ground truth."""
    fields = ["ILSVRC2012_ID", "WNID", "words", "gloss", "num_children", "children", "wordnet_height", "num_train_images"]
    synsets = np.zeros(len(WNIDS), dtype=[(name, object) for name in fields])
    for index, (wnid, words) in enumerate(WNIDS.items()):
        synsets[index] = (index + 1, wnid, words, "a fish", 0, np.zeros(0), 0, 1300)
    meta = io.BytesIO()
    scipy.io.savemat(meta, {"synsets": synsets})
    members = {
        "ILSVRC2012_devkit_t12/data/meta.mat": meta.getvalue(),
        "ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt": b"1\n2\n",
    }
    with tarfile.open(path, "w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return hashlib.md5(path.read_bytes()).hexdigest()


def test_imagefolder_layout(tmp_path):
    _write_images(tmp_path / "imagenet" / "train", per_class=3)
    _write_images(tmp_path / "imagenet" / "val", per_class=1, seed=1)
    train = load_imagenet(tmp_path, "train", download=False)
    test = load_imagenet(tmp_path, "test", download=False)
    assert len(train) == 6
    assert len(test) == 2
    assert train.classes == list(WNIDS)
    image, label = test[1]
    assert image.shape == (3, 224, 224)
    assert image.dtype == torch.float32
    assert label == 1
    assert len(train.subset(4, seed=0)) == 4


def test_devkit_layout_gives_class_names(tmp_path, monkeypatch):
    folder = tmp_path / "imagenet"
    _write_images(folder / "train", per_class=2)
    _write_images(folder / "val", per_class=1, seed=1)
    md5 = _write_devkit(folder / DEVKIT)
    # torchvision checks the official devkit's MD5; accept the fixture's instead.
    monkeypatch.setitem(tv_imagenet.ARCHIVE_META, "devkit", (DEVKIT, md5))
    test = load_imagenet(tmp_path, "test", download=False)
    assert test.classes == ["tench", "goldfish"]
    assert (folder / "meta.bin").is_file()
    assert [test[i][1] for i in range(len(test))] == [0, 1]


def test_missing_imagenet_names_layout(tmp_path):
    with pytest.raises(DatasetNotFoundError) as error:
        load_imagenet(tmp_path, "train", download=True)
    message = str(error.value)
    assert f"{tmp_path}/imagenet/train/<wnid>/*.JPEG" in message
    assert DEVKIT in message
    assert "ILSVRC2012_img_train.tar" in message
