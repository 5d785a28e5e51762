"""Fixtures for end-to-end reliability tests of ``asnbench run`` on the bundled digits set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asnbench.cli import app

# 2 epochs on 256 of the 1347 training samples keep each end-to-end run short.
FAST_ARGS = ("--epochs", "2", "--max-train-samples", "256", "--no-progress")


class Outputs:
    """The folders one test's runs write to, all under ``root``, and a way to run the CLI there."""

    def __init__(self, root: Path):
        self.root = root
        self.results = root / "runs"
        self.checkpoints = root / "checkpoints"
        self.database = root / "mlflow.db"
        self.tracking_uri = f"sqlite:///{self.database}"

    def folders(self) -> list[str]:
        return ["--results-dir", str(self.results), "--checkpoint-dir", str(self.checkpoints)]

    def args(self, tracking: bool = False) -> list[str]:
        """The folder options, and either this test's tracking store or ``--no-tracking``."""
        if tracking:
            return [*self.folders(), "--tracking-uri", self.tracking_uri]
        return [*self.folders(), "--no-tracking"]

    def invoke(self, *args: str):
        """Run the command line in this process; exceptions other than exits propagate."""
        return CliRunner().invoke(app, list(args), catch_exceptions=False)

    def run_digits(self, *extra: str, tracking: bool = False):
        """``asnbench run vision/digits`` with the fast settings, these folders and ``extra``."""
        return self.invoke("run", "vision/digits", *FAST_ARGS, *self.args(tracking), "--json", *extra)

    def checkpoint_files(self) -> list[Path]:
        return sorted(self.checkpoints.glob("*/last.pt"))

    @staticmethod
    def record(result) -> dict:
        """The JSON record that ``--json`` printed as the last line of stdout."""
        return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def make_outputs():
    """The Outputs class, for tests that need several output folders or a wider scope."""
    return Outputs


@pytest.fixture
def outputs(tmp_path: Path) -> Outputs:
    return Outputs(tmp_path)
