"""Graceful stops on SIGINT (Ctrl-C) and SIGTERM: finish the current step, then stop."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

logger = logging.getLogger("asnbench.interrupts")

HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class RunInterrupted(KeyboardInterrupt):
    """A run stopped by SIGINT or SIGTERM.

    It derives from KeyboardInterrupt so that code catching ``Exception`` (a suite going on
    to its next combination) does not swallow a user's stop request. ``exit_code`` is the
    shell convention 128 + signal number: 130 for SIGINT, 143 for SIGTERM.
    """

    def __init__(self, signal_number: int, message: str):
        super().__init__(message)
        self.signal_number = signal_number
        self.exit_code = 128 + signal_number

    def __str__(self) -> str:
        return self.args[0]


def signal_name(signal_number: int) -> str:
    return signal.Signals(signal_number).name


class StopRequest:
    """Turn SIGINT and SIGTERM into a flag that the training loop checks at step boundaries.

    Use as a context manager around training. The first signal only sets
    :attr:`signal_number`, and the loop stops at its next check. A second signal raises
    RunInterrupted at once, wherever the program is. The previous handlers come back on
    exit. Outside the main thread, Python cannot install signal handlers, so there the
    defaults stay (Ctrl-C raises KeyboardInterrupt at once).
    """

    def __init__(self) -> None:
        self.signal_number: int | None = None
        self._previous: dict[int, object] = {}

    @property
    def requested(self) -> bool:
        return self.signal_number is not None

    def __enter__(self) -> StopRequest:
        if threading.current_thread() is threading.main_thread():
            for number in HANDLED_SIGNALS:
                self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous.clear()

    def _handle(self, signal_number: int, frame: FrameType | None) -> None:
        name = signal_name(signal_number)
        if self.requested:
            raise RunInterrupted(signal_number, f"stopped at once by a second {name}")
        self.signal_number = signal_number
        logger.warning("received %s: stopping after the current training step (send it again to stop at once)", name)
