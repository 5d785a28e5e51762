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
        line = (json.dumps(record, sort_keys=True, allow_nan=True) + "\n").encode()
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                view = memoryview(line)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def read(self) -> StoreContents:
        """Read every record; a line that is not a JSON object is reported and skipped."""
        contents = StoreContents()
        if not self.path.exists():
            return contents
        with self.path.open("r", encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
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
        """The last record with ``run_key`` and ``status``, or ``None``."""
        match = None
        for record in self:
            if record.get("run_key") == run_key and record.get("status") == status:
                match = record
        return match
