"""The results store: one JSON object per finished run, one line each, in ``runs.jsonl``."""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asnbench.storage import StorageError, describe_os_error

logger = logging.getLogger("asnbench.results")

STORE_FILENAME = "runs.jsonl"


@dataclass
class StoreContents:
    """Records read from a store, and the lines that could not be parsed."""

    records: list[dict[str, Any]] = field(default_factory=list)
    corrupt_lines: list[int] = field(default_factory=list)


class ResultsStore:
    """An append-only JSON-lines file under ``directory``.

    Each record is serialized first and then written with one ``write`` call
    on a file opened with ``O_APPEND`` while holding an exclusive ``flock``,
    then flushed to disk, so concurrent writers never interleave and a
    killed writer leaves either a whole line or nothing.
    """

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)
        self.path = self.directory / STORE_FILENAME

    def append(self, record: dict[str, Any]) -> None:
        """Append ``record`` as one line; raise StorageError, leaving the store as it was, if that fails.

        A write that fails part way (a full disk) is cut back to the previous end of the
        file while the lock is still held, so no torn line is left behind.
        """
        line = (json.dumps(record, sort_keys=True, allow_nan=True) + "\n").encode()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as error:
            raise StorageError(
                f"cannot write the results store {self.path}: {describe_os_error(error)}; "
                "pass a writable folder with --results-dir"
            ) from error
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                self._write_line(fd, line)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def _write_line(self, fd: int, line: bytes) -> None:
        # Called with the exclusive lock held, so the end of the file cannot move meanwhile.
        end = os.fstat(fd).st_size
        try:
            view = memoryview(line)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        except OSError as error:
            try:
                os.ftruncate(fd, end)
            except OSError:
                logger.error("could not remove a partly written line at byte %d of %s", end, self.path)
            raise StorageError(
                f"cannot append to the results store {self.path}: {describe_os_error(error)}; "
                "the record was not written"
            ) from error

    def read(self) -> StoreContents:
        """Read every record; a line that is not a JSON object is reported and skipped."""
        contents = StoreContents()
        if not self.path.exists():
            return contents
        with self.path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    # json.loads decodes bytes strictly, so invalid UTF-8 counts as corrupt too.
                    record = json.loads(line)
                except (json.JSONDecodeError, UnicodeDecodeError) as error:
                    logger.warning("skipping corrupt line %d of %s: %s", number, self.path, error)
                    contents.corrupt_lines.append(number)
                    continue
                if not isinstance(record, dict):
                    logger.warning("skipping line %d of %s: not a JSON object", number, self.path)
                    contents.corrupt_lines.append(number)
                    continue
                contents.records.append(record)
        return contents

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.read().records)

    def find(self, run_key: str, status: str = "finished") -> dict[str, Any] | None:
        """Return the last record with ``run_key`` and ``status``, or ``None``."""
        match = None
        for record in self:
            if record.get("run_key") == run_key and record.get("status") == status:
                match = record
        return match


def finished_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records with ``status == "finished"``, in store order."""
    return [record for record in records if record.get("status") == "finished"]


def latest_by(records: list[dict[str, Any]], fields: tuple[str, ...]) -> dict[tuple, dict[str, Any]]:
    """The last finished record for each distinct value of ``fields``, keyed by that value.

    The store is append-only, so the last line with a given key is the most recent run.
    """
    latest: dict[tuple, dict[str, Any]] = {}
    for record in finished_records(records):
        latest[tuple(record.get(name) for name in fields)] = record
    return latest


def finished_keys(records: list[dict[str, Any]]) -> set[str]:
    """The ``run_key`` of every finished record."""
    return {record["run_key"] for record in finished_records(records) if "run_key" in record}
