"""Event-camera datasets (CIFAR10-DVS, DVS128 Gesture) read with tonic and binned into frames.

Layouts under the data root, as tonic 1.7 leaves them after its own download::

    <root>/CIFAR10DVS/<class name>/*.aedat4                        (10 class folders)
    <root>/DVSGesture/ibmGestureTrain/user<NN>_<lighting>/<label>.npy
    <root>/DVSGesture/ibmGestureTest/user<NN>_<lighting>/<label>.npy

A sample is the recording's events binned into ``time_bins`` frames with
``tonic.transforms.ToFrame(n_time_bins=...)``: a float32 tensor
``[time_bins, 2, 128, 128]`` (polarity, y, x) of event counts per pixel and
bin. The first synaptic layer therefore receives spike counts, not analog
values. Frames are cached on disk with ``tonic.DiskCachedDataset`` under
:func:`frame_cache_root`, so later epochs read the cache instead of
re-binning the events.

NOTE: tonic 1.7 bins with a window of ``(t_last - t_first) // time_bins`` and
half-open windows, so the events at ``t_last`` (at least the last event of
each recording) fall outside every bin and are dropped.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from asnbench.errors import DatasetNotFoundError

from .cifar import CIFAR10_CLASSES
from .download import DATA_ROOT_HINT, download_or_raise
from .in_memory import check_split

logger = logging.getLogger("asnbench.data")

SENSOR_SIZE = (128, 128, 2)  # tonic's (width, height, polarities) of both DVS128 sensors
# CIFAR10-DVS recorded the CIFAR-10 classes, in the same order.
CIFAR10_DVS_CLASSES = CIFAR10_CLASSES
# CIFAR10-DVS has no official split. The common protocol, used here, puts the first
# 90 % of each class's recordings (in file-name order) in train and the rest in test.
CIFAR10_DVS_TRAIN_FRACTION = 0.9
DVS_GESTURE_CLASSES = (
    "hand clapping",
    "right hand wave",
    "left hand wave",
    "right arm clockwise",
    "right arm counter-clockwise",
    "left arm clockwise",
    "left arm counter-clockwise",
    "arm roll",
    "air drums",
    "air guitar",
    "other gestures",
)
DVS_GESTURE_SPLIT_FOLDERS = {"train": "ibmGestureTrain", "test": "ibmGestureTest"}


def frame_cache_root() -> Path:
    """Return the folder for cached event frames: ``$XDG_CACHE_HOME`` or ``~/.cache``, then ``asnbench/event-frames``.

    The cache lives outside the data root so that a read-only data root works.
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "asnbench" / "event-frames"


def to_frames(events: np.ndarray, time_bins: int) -> np.ndarray:
    """Bin a tonic event array into ``[time_bins, 2, 128, 128]`` int16 event counts."""
    import tonic

    return tonic.transforms.ToFrame(sensor_size=SENSOR_SIZE, n_time_bins=time_bins)(events)


class EventFrameDataset(Dataset[tuple[torch.Tensor, int]]):
    """Frames of a tonic event dataset, cached on disk, as ``(float32 [T, 2, H, W], label)``.

    Attributes:
        classes: class names, indexed by label.
        labels: int64 ``[N]`` labels of the selected recordings.
        time_bins: frames ``T`` per sample.
    """

    def __init__(
        self,
        source: Dataset,
        indices: Sequence[int],
        classes: Sequence[str],
        time_bins: int,
        cache_path: Path,
    ):
        import tonic

        if time_bins < 1:
            raise ValueError(f"time_bins must be at least 1, got {time_bins}")
        self.source = source
        self.indices = list(indices)
        self.classes = list(classes)
        self.time_bins = time_bins
        self.cache_path = Path(cache_path)
        targets = source.targets  # type: ignore[attr-defined]
        self.labels = torch.tensor([int(targets[i]) for i in self.indices], dtype=torch.int64)
        self._cached = tonic.DiskCachedDataset(_Frames(source, time_bins), cache_path=str(self.cache_path))

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        frames, label = self._cached[self.indices[index]]
        return torch.from_numpy(np.asarray(frames, dtype=np.float32)), int(label)

    def subset(self, n: int, seed: int) -> EventFrameDataset:
        """Return a seeded, class-balanced subset of ``n`` recordings that shares this frame cache.

        Classes are drawn in turn, as in ``ImageTensorDataset.subset``.
        """
        if n < 1:
            raise ValueError(f"Invalid subset size {n}: expected at least 1.")
        generator = torch.Generator().manual_seed(seed)
        order = torch.randperm(len(self), generator=generator)
        shuffled = self.labels[order]
        rank = torch.empty_like(order)
        for label in shuffled.unique():
            positions = (shuffled == label).nonzero().squeeze(1)
            rank[positions] = torch.arange(positions.numel())
        chosen = order[torch.sort(rank, stable=True).indices[: min(n, len(self))]].sort().values
        return EventFrameDataset(
            self.source, [self.indices[i] for i in chosen.tolist()], self.classes, self.time_bins, self.cache_path
        )


class _Frames:
    """Map a tonic dataset's ``(events, label)`` to ``(frames, label)`` for the disk cache."""

    def __init__(self, source: Dataset, time_bins: int):
        self.source = source
        self.time_bins = time_bins

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, index: int):
        events, label = self.source[index]
        return to_frames(events, self.time_bins), label


@dataclass(frozen=True)
class _EventSource:
    name: str
    folder: str
    archives: str
    pattern: str


_CIFAR10_DVS = _EventSource(
    "CIFAR10-DVS",
    "CIFAR10DVS",
    "CIFAR10DVS.zip from https://figshare.com/ndownloader/files/38023437 (it contains one zip per class)",
    "<class name>/*.aedat4",
)
_DVS_GESTURE = _EventSource(
    "DVS128 Gesture",
    "DVSGesture",
    "ibmGestureTrain.tar.gz and ibmGestureTest.tar.gz, tonic's preprocessed copies from "
    "https://figshare.com/ndownloader/files/38022171 and .../38020584",
    "ibmGesture{Train,Test}/user<NN>_<lighting>/<label>.npy",
)


def _cache_path(source: _EventSource, folder: Path, split: str, time_bins: int) -> Path:
    digest = hashlib.sha256(str(folder.absolute()).encode()).hexdigest()[:10]
    return frame_cache_root() / f"{source.folder}-{digest}" / f"{split}-T{time_bins}"


def _missing_message(source: _EventSource, folder: Path, detail: str) -> str:
    return (
        f"{source.name} not found: {detail} Expected {folder}/{source.pattern}. "
        f"Download {source.archives} and extract it into {folder}, or {DATA_ROOT_HINT} {source.folder}/."
    )


def _cifar10_dvs_missing(folder: Path) -> list[str]:
    return [
        name for name in CIFAR10_DVS_CLASSES if not (folder / name).is_dir() or not any((folder / name).glob("*.aedat4"))
    ]


def load_cifar10_dvs(root: Path, split: str, download: bool = True, time_bins: int = 1) -> EventFrameDataset:
    """Load a CIFAR10-DVS split as ``time_bins`` event-count frames per recording.

    Recordings are split per class, first 90 % in file-name order to train,
    the rest to test. Reading needs the ``aedat`` package, which tonic uses
    for AEDAT 4 files. Raises DatasetNotFoundError naming the folder and
    files when the recordings are missing and cannot be downloaded.
    """
    import tonic

    check_split(split)
    root = Path(root).absolute()
    folder = root / _CIFAR10_DVS.folder
    missing = _cifar10_dvs_missing(folder)
    if missing:
        message = _missing_message(
            _CIFAR10_DVS, folder, f"no .aedat4 recordings for the classes {', '.join(missing)} in {folder}."
        )
        download_or_raise(_CIFAR10_DVS.name, download, lambda: tonic.datasets.CIFAR10DVS(save_to=str(root)), message)
        if _cifar10_dvs_missing(folder):
            raise DatasetNotFoundError(f"{message} The download finished without these files.")

    source = _present(tonic.datasets.CIFAR10DVS)(save_to=str(root))
    by_class: dict[int, list[int]] = {}
    for index, path in sorted(enumerate(source.data), key=lambda item: item[1]):
        by_class.setdefault(int(source.targets[index]), []).append(index)
    indices: list[int] = []
    for label in sorted(by_class):
        members = by_class[label]
        cut = int(len(members) * CIFAR10_DVS_TRAIN_FRACTION)
        indices.extend(members[:cut] if split == "train" else members[cut:])
    logger.info("Loaded CIFAR10-DVS %s split: %d recordings from %s", split, len(indices), folder)
    return EventFrameDataset(
        source, sorted(indices), CIFAR10_DVS_CLASSES, time_bins, _cache_path(_CIFAR10_DVS, folder, split, time_bins)
    )


def load_dvs_gesture(root: Path, split: str, download: bool = True, time_bins: int = 1) -> EventFrameDataset:
    """Load a DVS128 Gesture split (tonic's subject split) as ``time_bins`` frames per sample.

    Raises DatasetNotFoundError naming the folder and files when the split's
    samples are missing and cannot be downloaded.
    """
    import tonic

    check_split(split)
    root = Path(root).absolute()
    folder = root / _DVS_GESTURE.folder
    split_folder = folder / DVS_GESTURE_SPLIT_FOLDERS[split]
    if not any(split_folder.glob("*/*.npy")):
        message = _missing_message(_DVS_GESTURE, folder, f"no <label>.npy samples in {split_folder}/user*/.")
        download_or_raise(
            _DVS_GESTURE.name,
            download,
            lambda: tonic.datasets.DVSGesture(save_to=str(root), train=split == "train"),
            message,
        )
        if not any(split_folder.glob("*/*.npy")):
            raise DatasetNotFoundError(f"{message} The download finished without these files.")

    source = _present(tonic.datasets.DVSGesture)(save_to=str(root), train=split == "train")
    logger.info("Loaded DVS128 Gesture %s split: %d samples from %s", split, len(source), split_folder)
    return EventFrameDataset(
        source, range(len(source)), DVS_GESTURE_CLASSES, time_bins, _cache_path(_DVS_GESTURE, folder, split, time_bins)
    )


def _present(cls):
    """Subclass a tonic dataset so that it reads extracted files without its archive.

    tonic 1.7 also requires the downloaded archive and a minimum file count
    (1000 recordings for CIFAR10-DVS, 100 for DVS Gesture) before it reads a
    folder, and downloads otherwise. The loaders check the files themselves,
    so an extracted copy without the archive is enough. The subclass keeps
    the tonic class name, because tonic derives the dataset folder from it.
    """
    return type(cls.__name__, (cls,), {"_check_exists": lambda self: True})
