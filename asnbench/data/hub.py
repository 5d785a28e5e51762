"""Loading a dataset from the Hugging Face hub, only when local files are missing and downloads are allowed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from asnbench.errors import DatasetNotFoundError

from .download import DATA_ROOT_HINT
from .root import offline_setting

logger = logging.getLogger("asnbench.data")

TEXT_SPLITS = ("train", "validation", "test")


def check_text_split(split: str, splits: tuple[str, ...] = TEXT_SPLITS) -> None:
    """Raise ValueError unless ``split`` is one of ``splits``."""
    if split not in splits:
        raise ValueError(f"Invalid split {split!r}: expected one of {', '.join(splits)}.")


def missing_message(name: str, root: Path, files: list[str]) -> str:
    """Describe the local files a dataset needs under ``root``."""
    listed = ", ".join(files)
    return f"{name} was not found under {root}: {DATA_ROOT_HINT} {listed}."


def load_hub_split(
    name: str,
    hub_id: str,
    hub_config: str | None,
    hub_split: str,
    download: bool,
    missing: str,
    convert: Callable,
):
    """Load ``hub_split`` of ``hub_id`` with ``datasets.load_dataset`` and pass it through ``convert``.

    Called only after the local files were found missing. Raises
    :class:`DatasetNotFoundError` with ``missing`` at once when ``download``
    is False or an offline variable is set, so an offline run never waits
    on hub retries.
    """
    if not download:
        raise DatasetNotFoundError(f"{missing} Downloading is disabled (download=False).")
    offline = offline_setting()
    if offline is not None:
        raise DatasetNotFoundError(f"{missing} Downloading is disabled because {offline}.")

    import datasets

    logger.info("Loading %s from the Hugging Face hub (%s, config %s, split %s)", name, hub_id, hub_config, hub_split)
    try:
        loaded = datasets.load_dataset(hub_id, hub_config, split=hub_split)
    except (OSError, ValueError, ConnectionError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise DatasetNotFoundError(f"{missing} Loading {hub_id} from the hub failed: {reason}") from error
    return convert(loaded)
