"""Location of the dataset files and the offline switch."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "ASNBENCH_DATA"

# Any of these set to a true value turns automatic downloads off. The HF_* names are the
# Hugging Face switches, honored so one setting covers every dataset library in a run.
OFFLINE_ENVS = ("ASNBENCH_OFFLINE", "HF_DATASETS_OFFLINE", "HF_HUB_OFFLINE")

# The values that huggingface_hub 2.4 and datasets accept as true (ENV_VARS_TRUE_VALUES).
_TRUE_VALUES = {"1", "true", "yes", "on"}


def resolve_data_root(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the absolute data root without creating it.

    The order is: the ``data_dir`` argument, the ``ASNBENCH_DATA`` environment variable,
    ``$XDG_CACHE_HOME/asnbench``, and ``~/.cache/asnbench``. An empty string counts as
    unset. A leading ``~`` is expanded and ``..`` components are collapsed, but symbolic
    links are kept as given.
    """
    if data_dir is not None and os.fspath(data_dir) != "":
        chosen = os.fspath(data_dir)
    elif os.environ.get(DATA_DIR_ENV):
        chosen = os.environ[DATA_DIR_ENV]
    elif os.environ.get("XDG_CACHE_HOME"):
        chosen = os.path.join(os.environ["XDG_CACHE_HOME"], "asnbench")
    else:
        chosen = os.path.join("~", ".cache", "asnbench")
    return Path(os.path.abspath(os.path.expanduser(chosen)))


def offline_setting() -> str | None:
    """Return the first offline variable that is on, as ``NAME=value``, or None."""
    for name in OFFLINE_ENVS:
        value = os.environ.get(name, "")
        if value.lower() in _TRUE_VALUES:
            return f"{name}={value}"
    return None


def offline_mode() -> bool:
    """Return True when ASNBENCH_OFFLINE, HF_DATASETS_OFFLINE or HF_HUB_OFFLINE is on.

    A variable is on when its value is 1, true, yes or on, in any letter case.
    """
    return offline_setting() is not None
