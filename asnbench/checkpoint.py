"""Training checkpoints written atomically, so a killed run resumes from the last one saved."""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path
from typing import Any

import torch

from asnbench.errors import AsnbenchError
from asnbench.storage import write_atomic


class CorruptCheckpointError(AsnbenchError):
    """A checkpoint file exists but cannot be loaded."""


def save_atomic(state: dict[str, Any], path: Path) -> None:
    """Write ``state`` to a temporary file in the same folder, then rename it over ``path``.

    Raises StorageError (the previous checkpoint stays in place) when the write fails.
    """
    write_atomic(path, lambda handle: torch.save(state, handle))


def load(path: Path) -> dict[str, Any]:
    """Load a checkpoint written by :func:`save_atomic`; raise CorruptCheckpointError if unreadable."""
    try:
        # weights_only=False: the checkpoint also stores RNG states and the history, written by asnbench itself.
        return torch.load(path, map_location="cpu", weights_only=False)
    except (RuntimeError, EOFError, pickle.UnpicklingError, zipfile.BadZipFile, ValueError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise CorruptCheckpointError(
            f"cannot load checkpoint {path}: {reason}; delete it to start this run from scratch"
        ) from error
