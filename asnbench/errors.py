"""Exceptions that the command line turns into one clear message and exit code 2."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class AsnbenchError(Exception):
    """An error caused by user input or the environment, reported without a traceback."""


class UnknownNameError(AsnbenchError, KeyError):
    """A name (dataset, neuron, model, energy model, profile) that is not registered."""

    def __init__(self, kind: str, value: str, valid: Iterable[str]):
        self.kind = kind
        self.value = value
        self.valid = sorted(valid)
        close = difflib.get_close_matches(value, self.valid, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        message = (
            f"Unknown {kind} {value!r}.{hint} Valid {kind} names: {', '.join(self.valid)}."
        )
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.args[0]


class DatasetNotFoundError(AsnbenchError):
    """The dataset files are not on disk and could not be downloaded."""


class CorruptDataError(AsnbenchError):
    """A dataset file exists but cannot be parsed."""


class ConfigError(AsnbenchError):
    """An invalid run or suite configuration."""
