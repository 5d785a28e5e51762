"""Start a data-parallel run on this machine through ``torch.distributed.run`` (torchrun)."""

from __future__ import annotations

import subprocess
import sys

from asnbench.errors import ConfigError

NPROC_OPTION = "--nproc-per-node"


def _without_nproc(arguments: list[str]) -> list[str]:
    """Return ``arguments`` without ``--nproc-per-node N`` or ``--nproc-per-node=N``."""
    kept: list[str] = []
    skip_value = False
    for argument in arguments:
        if skip_value:
            skip_value = False
        elif argument == NPROC_OPTION:
            skip_value = True
        elif not argument.startswith(NPROC_OPTION + "="):
            kept.append(argument)
    return kept


def torchrun_command(arguments: list[str], nproc_per_node: int) -> list[str]:
    """Return the command that runs ``asnbench ARGUMENTS`` in ``nproc_per_node`` processes.

    ``arguments`` are the command-line arguments after the program name. The launch is
    single-node (``--standalone``: torchrun picks a free local port); for several nodes,
    call torchrun directly.
    """
    if nproc_per_node < 1:
        raise ConfigError(f"{NPROC_OPTION} must be at least 1, got {nproc_per_node}")
    return [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        NPROC_OPTION,
        str(nproc_per_node),
        "-m",
        "asnbench",
        *_without_nproc(arguments),
    ]


def launch(arguments: list[str], nproc_per_node: int) -> int:
    """Run the torchrun command and return its exit status."""
    return subprocess.call(torchrun_command(arguments, nproc_per_node))
