"""Missing dataset files offline: a fast exit 2 naming the files, the folder and how to provide them."""

import importlib
import time

import pytest

from asnbench.registry import get_dataset

# Generous for a loaded CI machine; a download attempt or hub retries take 15 s to minutes.
MAX_SECONDS = 5.0


@pytest.fixture(scope="module", autouse=True)
def imported_loaders():
    """Import the runner and the loaders first, so the timing covers the run and not module imports."""
    importlib.import_module("asnbench.runner")
    for name in ("vision/mnist", "vision/cifar10"):
        importlib.import_module(get_dataset(name).loader.partition(":")[0])


@pytest.mark.parametrize(
    ("dataset", "expected_file"),
    [("vision/mnist", "train-images-idx3-ubyte.gz"), ("vision/cifar10", "data_batch_1")],
)
@pytest.mark.parametrize("offline", ["env", "flag"])
def test_missing_data_fails_fast(outputs, monkeypatch, dataset, expected_file, offline):
    data_root = outputs.root / "data"
    data_root.mkdir()
    extra = []
    if offline == "env":
        monkeypatch.setenv("ASNBENCH_OFFLINE", "1")
    else:
        monkeypatch.delenv("ASNBENCH_OFFLINE", raising=False)
        monkeypatch.delenv("HF_DATASETS_OFFLINE", raising=False)
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        extra = ["--no-download"]

    started = time.perf_counter()
    result = outputs.invoke("run", dataset, "--data-dir", str(data_root), *outputs.args(), "--no-progress", *extra)
    elapsed = time.perf_counter() - started

    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert expected_file in message
    assert str(data_root) in message
    assert "--data-dir" in message
    assert elapsed < MAX_SECONDS, f"took {elapsed:.1f} s"
    assert not outputs.results.exists()
    assert outputs.checkpoint_files() == []
