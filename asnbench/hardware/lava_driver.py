"""Locate the Lava interpreter and run the Lava worker as a subprocess with a timeout."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asnbench.errors import AsnbenchError
from asnbench.hardware import export_format
from asnbench.hardware.export_format import ExportedNetwork

logger = logging.getLogger("asnbench.hardware")

WORKER = Path(__file__).parent / "worker" / "lava_worker.py"
LAVA_PYTHON_ENV = "ASNBENCH_LAVA_PYTHON"
DEFAULT_VENV = ".venv-lava"
TAGS = {False: "floating_pt", True: "fixed_pt"}
SETUP_HINT = (
    "Run `make setup-loihi` in the asnbench checkout (it builds .venv-lava with Python 3.10 and "
    "lava-nc==0.10.0, which does not install on Python 3.11), or pass --lava-python PATH "
    f"(or set ${LAVA_PYTHON_ENV}) to a Python 3.10 interpreter that has lava-nc installed."
)


_CHECKED: set[Path] = set()


class LavaNotAvailableError(AsnbenchError):
    """No Python interpreter with Lava could be found."""


class LavaRunError(AsnbenchError):
    """The Lava worker failed or timed out."""


@dataclass
class LavaResult:
    """The worker's output: logits ``[N, classes]``, spike counts ``[layers, N]`` and run statistics."""

    logits: np.ndarray
    spike_counts: np.ndarray
    lava_seconds: float
    lava_steps: int
    wall_seconds: float
    spike_trains: list[np.ndarray]


def default_lava_python() -> Path:
    """``$ASNBENCH_LAVA_PYTHON``, else ``.venv-lava/bin/python`` in the working directory or the checkout."""
    if os.environ.get(LAVA_PYTHON_ENV):
        return Path(os.environ[LAVA_PYTHON_ENV])
    for root in (Path.cwd(), Path(__file__).resolve().parents[2]):
        candidate = root / DEFAULT_VENV / "bin" / "python"
        if candidate.exists():
            return candidate
    return Path.cwd() / DEFAULT_VENV / "bin" / "python"


def check_lava_python(python: str | os.PathLike | None = None, timeout: float = 120.0) -> Path:
    """Return the interpreter path after checking that it imports numpy and Lava's simulator config.

    A successful check is remembered per path for the life of the process.
    """
    path = Path(python) if python is not None else default_lava_python()
    if path in _CHECKED:
        return path
    if not path.exists():
        raise LavaNotAvailableError(f"Lava interpreter {path} does not exist. {SETUP_HINT}")
    probe = "import numpy, lava.magma.core.run_configs, lava.proc.dense.process"
    try:
        completed = subprocess.run([str(path), "-c", probe], capture_output=True, text=True, timeout=timeout)
    except OSError as error:
        raise LavaNotAvailableError(f"cannot start Lava interpreter {path}: {error}. {SETUP_HINT}") from error
    except subprocess.TimeoutExpired as error:
        raise LavaNotAvailableError(f"importing Lava with {path} timed out after {timeout:.0f} s") from error
    if completed.returncode != 0:
        last_line = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise LavaNotAvailableError(f"{path} cannot import Lava ({last_line}). {SETUP_HINT}")
    _CHECKED.add(path)
    return path


def _run_worker(command: list[str], timeout: float) -> subprocess.CompletedProcess:
    """Run ``command`` in its own process group, and kill that group (Lava's runtime processes too) on timeout."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise LavaRunError(
            f"the Lava run timed out after {timeout:.0f} s and was stopped; run fewer samples "
            "(--samples) or raise --timeout"
        ) from None
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def run_on_lava(
    network: ExportedNetwork,
    inputs: np.ndarray,
    fixed_point: bool = False,
    python: str | os.PathLike | None = None,
    timeout: float = 600.0,
    chunk: int = 500,
    record_spikes: bool = False,
) -> LavaResult:
    """Run ``inputs`` (``[N, *input_shape]``) through ``network`` on Lava's Loihi2SimCfg.

    ``fixed_point`` selects the ``fixed_pt`` (bit-accurate) models instead of
    ``floating_pt``. Samples are pipelined ``chunk`` at a time per Lava run.
    Raises :class:`LavaNotAvailableError` before exporting anything when no
    Lava interpreter is found, and :class:`LavaRunError` when the worker
    fails or exceeds ``timeout`` seconds.
    """
    import time

    interpreter = check_lava_python(python)
    expected = tuple(network.meta["input_shape"])
    if tuple(inputs.shape[1:]) != expected:
        raise AsnbenchError(f"inputs have sample shape {tuple(inputs.shape[1:])}, the network expects {expected}")
    with tempfile.TemporaryDirectory(prefix="asnbench-lava-") as folder:
        network_path = Path(folder) / "network.npz"
        inputs_path = Path(folder) / "inputs.npz"
        result_path = Path(folder) / "result.npz"
        export_format.save(network, network_path)
        np.savez(inputs_path, inputs=np.asarray(inputs, dtype=np.float64))
        command = [str(interpreter), str(WORKER), str(network_path), str(inputs_path), str(result_path),
                   "--tag", TAGS[fixed_point], "--chunk", str(chunk)]
        if record_spikes:
            command.append("--record-spikes")
        logger.info("running %d samples on Lava (%s)", len(inputs), TAGS[fixed_point])
        started = time.perf_counter()
        completed = _run_worker(command, timeout)
        wall = time.perf_counter() - started
        if completed.returncode != 0 or not result_path.exists():
            tail = "\n".join(completed.stderr.strip().splitlines()[-15:])
            raise LavaRunError(f"the Lava worker exited with status {completed.returncode}:\n{tail}")
        with np.load(result_path, allow_pickle=False) as result:
            layers = result["spike_counts"].shape[0]
            return LavaResult(
                logits=result["logits"],
                spike_counts=result["spike_counts"],
                lava_seconds=float(result["lava_seconds"]),
                lava_steps=int(result["lava_steps"]),
                wall_seconds=wall,
                spike_trains=[result[f"spike_train{i}"] for i in range(layers)] if record_spikes else [],
            )
