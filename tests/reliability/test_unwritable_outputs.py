"""Unwritable results or checkpoint folders and full disks: a clear error, and good files are never replaced."""

import errno
import os

import pytest
import torch

from asnbench import checkpoint
from asnbench.storage import StorageError


@pytest.mark.parametrize("option", ["--results-dir", "--checkpoint-dir"])
def test_folder_that_is_a_file_rejected_before_training(outputs, option):
    blocker = outputs.root / "blocker"
    blocker.write_text("not a folder")
    args = outputs.args()
    args[args.index(option) + 1] = str(blocker / "runs")

    result = outputs.invoke("run", "vision/digits", "--no-progress", *args)

    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert f"cannot use {option} {blocker / 'runs'}" in message
    assert "is a file, not a folder" in message
    assert "loading vision/digits" not in message
    assert outputs.checkpoint_files() == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to a read-only folder")
def test_read_only_results_folder_rejected(outputs):
    outputs.results.mkdir()
    outputs.results.chmod(0o555)
    try:
        result = outputs.invoke("run", "vision/digits", "--no-progress", *outputs.args())
    finally:
        outputs.results.chmod(0o755)

    assert result.exit_code == 2
    assert "cannot write to --results-dir" in " ".join(result.output.split())
    assert list(outputs.results.iterdir()) == []


def test_failed_checkpoint_write_keeps_previous(tmp_path, monkeypatch):
    path = tmp_path / "run" / "last.pt"
    checkpoint.save_atomic({"epoch": 1, "weights": torch.ones(3)}, path)
    real_save = torch.save

    def save_then_fill_disk(state, handle):
        real_save(state, handle)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(torch, "save", save_then_fill_disk)
    with pytest.raises(StorageError, match="No space left on device") as caught:
        checkpoint.save_atomic({"epoch": 2, "weights": torch.zeros(3)}, path)
    monkeypatch.undo()

    assert str(path) in str(caught.value)
    kept = checkpoint.load(path)
    assert kept["epoch"] == 1
    assert torch.equal(kept["weights"], torch.ones(3))
    assert sorted(p.name for p in path.parent.iterdir()) == ["last.pt"]


def test_truncated_checkpoint_rejected_on_resume(outputs):
    first = outputs.run_digits()
    assert first.exit_code == 0, first.output
    [path] = outputs.checkpoint_files()
    path.write_bytes(path.read_bytes()[:1000])

    resumed = outputs.run_digits("--resume")

    assert resumed.exit_code == 2
    message = " ".join(resumed.output.split())
    assert f"cannot load checkpoint {path}" in message
    assert "delete it" in message
