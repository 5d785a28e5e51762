"""An unusable MLflow tracking store is reported before training; ``--no-tracking`` runs without one."""

import importlib
import socket
import time

import pytest

from asnbench.results import ResultsStore


def _closed_loopback_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _assert_rejected_before_training(outputs, result, *fragments):
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    for fragment in fragments:
        assert fragment in message
    assert "--no-tracking" in message
    assert "loading vision/digits" not in message
    assert not outputs.results.exists()
    assert outputs.checkpoint_files() == []


def test_unreachable_server_rejected_fast(outputs):
    # Imported first, so the timing covers the check and not module imports on a busy machine.
    importlib.import_module("asnbench.runner")
    importlib.import_module("requests")
    uri = f"http://127.0.0.1:{_closed_loopback_port()}"
    started = time.perf_counter()
    result = outputs.invoke("run", "vision/digits", "--no-progress", *outputs.folders(), "--tracking-uri", uri)
    elapsed = time.perf_counter() - started

    _assert_rejected_before_training(outputs, result, f"cannot reach the MLflow tracking server {uri}")
    assert elapsed < 10


def test_database_under_a_file_rejected(outputs):
    blocker = outputs.root / "blocker"
    blocker.write_text("not a folder")
    uri = f"sqlite:///{blocker / 'mlflow.db'}"

    result = outputs.invoke("run", "vision/digits", "--no-progress", *outputs.folders(), "--tracking-uri", uri)

    _assert_rejected_before_training(outputs, result, f"the MLflow tracking store {uri} is not writable")


@pytest.mark.skipif(__import__("os").geteuid() == 0, reason="root can write to a read-only folder")
def test_read_only_tracking_folder_rejected(outputs):
    folder = outputs.root / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    try:
        result = outputs.invoke("run", "vision/digits", "--no-progress", *outputs.folders(), "--tracking-uri", uri)
    finally:
        folder.chmod(0o755)

    _assert_rejected_before_training(outputs, result, "is not writable")


def test_no_tracking_runs_and_says_so(outputs, monkeypatch):
    monkeypatch.chdir(outputs.root)

    result = outputs.run_digits()

    assert result.exit_code == 0, result.output
    record = outputs.record(result)
    assert record["tracking"] is False
    assert record["mlflow_run_id"] is None
    assert record["tracking_uri"] is None
    assert ResultsStore(outputs.results).read().records == [record]
    assert not (outputs.root / "mlflow.db").exists()
    assert not (outputs.root / "mlruns").exists()
