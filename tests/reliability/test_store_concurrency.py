"""The results store under concurrent writers, corrupt lines and failing writes."""

import errno
import json
import multiprocessing
import os

import pytest

from asnbench.results import ResultsStore
from asnbench.storage import StorageError

WRITERS = 4
RECORDS_PER_WRITER = 50
# Larger than PIPE_BUF (4096 bytes), so O_APPEND alone would not keep lines whole.
PADDING = "x" * 20_000


def _append_many(directory, writer):
    store = ResultsStore(directory)
    for index in range(RECORDS_PER_WRITER):
        store.append({"writer": writer, "index": index, "padding": PADDING})


def test_concurrent_appends_lose_and_tear_nothing(tmp_path):
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_append_many, args=(tmp_path, w)) for w in range(WRITERS)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=120)

    assert [p.exitcode for p in writers] == [0] * WRITERS
    contents = ResultsStore(tmp_path).read()
    assert contents.corrupt_lines == []
    seen = sorted((r["writer"], r["index"]) for r in contents.records)
    assert seen == [(w, i) for w in range(WRITERS) for i in range(RECORDS_PER_WRITER)]
    assert all(r["padding"] == PADDING for r in contents.records)


def test_corrupt_line_reported_not_dropped(tmp_path, caplog):
    store = ResultsStore(tmp_path)
    store.append({"run_key": "a"})
    with store.path.open("ab") as handle:
        handle.write(b'{"run_key": "\xff\xfe"}\n')
    store.append({"run_key": "b"})

    contents = store.read()

    assert [r["run_key"] for r in contents.records] == ["a", "b"]
    assert contents.corrupt_lines == [2]
    assert "line 2" in caplog.text


def test_full_disk_leaves_no_partial_line(tmp_path, monkeypatch):
    store = ResultsStore(tmp_path)
    store.append({"run_key": "good"})
    before = store.path.read_bytes()
    real_write = os.write

    def write_half_then_fail(fd, data):
        # The first call writes part of the line, the next one finds the disk full.
        if len(data) > 8:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", write_half_then_fail)
    with pytest.raises(StorageError, match="No space left on device") as caught:
        store.append({"run_key": "lost", "padding": "y" * 100})
    monkeypatch.undo()

    assert str(store.path) in str(caught.value)
    assert store.path.read_bytes() == before
    store.append({"run_key": "after"})
    assert [json.loads(line)["run_key"] for line in store.path.read_text().splitlines()] == ["good", "after"]
