"""Bounded, offline-aware downloads that fail with one DatasetNotFoundError."""

from __future__ import annotations

import logging
import socket
import tarfile
from collections.abc import Callable
from urllib.error import URLError

from asnbench.errors import DatasetNotFoundError

from .root import offline_setting

logger = logging.getLogger("asnbench.data")

# Socket timeout in seconds for every connect and read while downloading.
# NOTE: an unreachable network or unknown host fails at once, but a network that drops
# packets silently costs this timeout per mirror tried (MNIST has two in torchvision 0.29).
DOWNLOAD_TIMEOUT_S = 15.0

DATA_ROOT_HINT = "pass --data-dir or set ASNBENCH_DATA to a data root that contains"


def download_or_raise(dataset: str, download: bool, fetch: Callable[[], None], missing: str) -> None:
    """Call ``fetch`` to download a missing dataset, or raise DatasetNotFoundError.

    ``missing`` is the full description of what is absent and how to provide it. The
    raised error appends why nothing was downloaded: ``download`` is False, offline mode
    is on, or ``fetch`` failed. Every socket that ``fetch`` opens times out after
    ``DOWNLOAD_TIMEOUT_S`` seconds, and the previous default timeout is restored after.
    """
    if not download:
        raise DatasetNotFoundError(f"{missing} Downloading is disabled (download=False).")
    offline = offline_setting()
    if offline is not None:
        raise DatasetNotFoundError(f"{missing} Downloading is disabled because {offline}.")

    logger.info("Downloading %s", dataset)
    previous_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(DOWNLOAD_TIMEOUT_S)
    try:
        fetch()
    # URLError and socket timeouts are OSErrors. torchvision raises RuntimeError when
    # every mirror failed or a checksum does not match.
    except (URLError, OSError, RuntimeError, EOFError, tarfile.TarError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise DatasetNotFoundError(f"{missing} The download failed: {reason}") from error
    finally:
        socket.setdefaulttimeout(previous_timeout)
    logger.info("Downloaded %s", dataset)
