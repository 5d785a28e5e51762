"""CIFAR10-DVS and DVS128 Gesture loaders on fixtures written in tonic's on-disk formats."""

import time

import numpy as np
import pytest
import torch

from asnbench.data.events import load_cifar10_dvs, load_dvs_gesture, to_frames
from asnbench.errors import DatasetNotFoundError

from .event_fixtures import write_cifar10_dvs, write_dvs_gesture


@pytest.fixture(autouse=True)
def _frame_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _events(rows):
    dtype = np.dtype([("x", np.int16), ("y", np.int16), ("p", bool), ("t", np.int64)])
    events = np.zeros(len(rows), dtype=dtype)
    for name, column in zip(("x", "y", "p", "t"), zip(*rows)):
        events[name] = column
    return events


def test_to_frames_hand_worked_example():
    # t spans 0..100 us, so with 2 bins the window is 50 us: [0, 50) and [50, 100).
    events = _events([(0, 0, 1, 0), (5, 7, 0, 10), (5, 7, 0, 20), (9, 3, 1, 60), (1, 1, 1, 100)])
    frames = to_frames(events, time_bins=2)
    expected = np.zeros((2, 2, 128, 128), dtype=np.int16)
    expected[0, 1, 0, 0] = 1  # (x 0, y 0, on) at 0 us
    expected[0, 0, 7, 5] = 2  # two off events at (x 5, y 7) in the first bin
    expected[1, 1, 3, 9] = 1  # (x 9, y 3, on) at 60 us
    # The last event, at t_last = 100 us, lies outside both half-open windows (tonic 1.7).
    assert frames.shape == (2, 2, 128, 128)
    np.testing.assert_array_equal(frames, expected)


def test_cifar10_dvs_split_and_frames(tmp_path):
    write_cifar10_dvs(tmp_path, per_class=10, events=50)
    train = load_cifar10_dvs(tmp_path, "train", download=False, time_bins=3)
    test = load_cifar10_dvs(tmp_path, "test", download=False, time_bins=3)
    assert len(train) == 90
    assert len(test) == 10
    assert torch.equal(torch.bincount(train.labels), torch.full((10,), 9))
    assert torch.equal(test.labels, torch.arange(10))
    frames, label = test[4]
    assert frames.shape == (3, 2, 128, 128)
    assert frames.dtype == torch.float32
    assert label == 4
    # 50 events per recording, the last one falls outside the bins.
    assert frames.sum().item() == 49


def test_dvs_gesture_subject_split(tmp_path):
    write_dvs_gesture(tmp_path, {"ibmGestureTrain": [1, 2], "ibmGestureTest": [24]}, events=40)
    train = load_dvs_gesture(tmp_path, "train", download=False, time_bins=4)
    test = load_dvs_gesture(tmp_path, "test", download=False, time_bins=4)
    assert len(train) == 22
    assert len(test) == 11
    assert sorted(test.labels.tolist()) == list(range(11))
    frames, label = train[0]
    assert frames.shape == (4, 2, 128, 128)
    # tonic stores t in ms and bins with the window (t_last - t_first) // 4 from t_first.
    t = np.load(train.source.data[train.indices[0]])[:, 3] * 1000
    window = (t.max() - t.min()) // 4
    assert frames.sum().item() == np.count_nonzero(t < t.min() + 4 * window)
    assert 0 <= label < 11


def test_frame_cache_serves_second_epoch(tmp_path):
    source = write_cifar10_dvs(tmp_path / "data", per_class=10, events=30)
    dataset = load_cifar10_dvs(tmp_path / "data", "train", download=False, time_bins=2)
    first = [dataset[i][0] for i in range(len(dataset))]
    for recording in source.rglob("*.aedat4"):
        recording.unlink()
    second = [dataset[i][0] for i in range(len(dataset))]
    assert all(torch.equal(a, b) for a, b in zip(first, second))


def test_event_subset_is_balanced(tmp_path):
    write_cifar10_dvs(tmp_path, per_class=10, events=10)
    subset = load_cifar10_dvs(tmp_path, "train", download=False, time_bins=1).subset(20, seed=3)
    assert len(subset) == 20
    assert torch.equal(torch.bincount(subset.labels), torch.full((10,), 2))


@pytest.mark.parametrize(
    "loader, expected",
    [(load_cifar10_dvs, "CIFAR10DVS/<class name>/*.aedat4"), (load_dvs_gesture, "user<NN>_<lighting>/<label>.npy")],
)
def test_missing_event_data_fails_fast(tmp_path, loader, expected):
    started = time.perf_counter()
    with pytest.raises(DatasetNotFoundError) as error:
        loader(tmp_path, "train", download=True, time_bins=2)
    assert time.perf_counter() - started < 5
    assert expected in str(error.value)
    assert str(tmp_path) in str(error.value)
    assert "ASNBENCH_OFFLINE" in str(error.value)
