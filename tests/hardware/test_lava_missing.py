"""The errors a user sees without a Lava environment; none of these tests need Lava."""

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from asnbench.cli import app
from asnbench.hardware.lava_driver import WORKER, LavaNotAvailableError, check_lava_python, run_on_lava
from asnbench.hardware.network_export import export_network

from .conftest import random_inputs, tiny_network


def test_missing_interpreter_names_setup(tmp_path):
    with pytest.raises(LavaNotAvailableError, match="make setup-loihi") as error:
        check_lava_python(tmp_path / "absent" / "python")
    assert "does not exist" in str(error.value)


def test_interpreter_without_lava_rejected():
    # The project's own interpreter (Python 3.11) cannot have lava-nc 0.10.0.
    with pytest.raises(LavaNotAvailableError, match="cannot import Lava"):
        check_lava_python(sys.executable)


def test_run_fails_before_exporting(tmp_path):
    network, shape = tiny_network("asn")
    exported = export_network(network, shape, 3)
    with pytest.raises(LavaNotAvailableError, match="--lava-python"):
        run_on_lava(exported, random_inputs(shape, count=2), python=tmp_path / "python")


def test_worker_without_lava_exits_with_message(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(WORKER), "a.npz", "b.npz", "c.npz"], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 3
    assert "Lava is not importable" in completed.stderr


def test_cli_hw_run_without_lava(tmp_path):
    result = CliRunner().invoke(
        app,
        ["hw", "run", "vision/digits", "--run", "0123", "--lava-python", str(tmp_path / "python"),
         "--results-dir", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "make setup-loihi" in result.output
