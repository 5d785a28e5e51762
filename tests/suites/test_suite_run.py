"""``asnbench suite run`` end to end: failure isolation, exit code and resume from the results store."""

import textwrap

import pytest
from typer.testing import CliRunner

from asnbench.cli import app
from asnbench.results import ResultsStore

SUITE = """
name: resume
neurons: [ann]
overrides: {epochs: 1, max_train_samples: 200}
datasets:
  - vision/mnist
  - vision/digits
"""


def _run_suite(tmp_path, suite_path):
    args = [
        "suite",
        "run",
        str(suite_path),
        "--data-dir",
        str(tmp_path / "empty-data-root"),
        "--results-dir",
        str(tmp_path / "runs"),
        "--checkpoint-dir",
        str(tmp_path / "checkpoints"),
        "--tracking-uri",
        f"sqlite:///{tmp_path / 'mlflow.db'}",
        "--no-download",
        "--no-progress",
    ]
    return CliRunner().invoke(app, args, catch_exceptions=False)


@pytest.mark.slow
def test_failure_isolated_then_resumed(tmp_path):
    suite_path = tmp_path / "suite.yaml"
    suite_path.write_text(textwrap.dedent(SUITE))

    first = _run_suite(tmp_path, suite_path)

    # MNIST fails because the data root is empty and downloads are off.
    # Digits ships with scikit-learn, so it still runs after that failure.
    assert first.exit_code == 1, first.output
    assert "1 finished, 0 skipped (already finished), 1 failed" in first.output
    assert "DatasetNotFoundError" in first.output
    records = ResultsStore(tmp_path / "runs").read().records
    finished = [r for r in records if r.get("status") == "finished"]
    assert [r["dataset"] for r in finished] == ["vision/digits"]

    second = _run_suite(tmp_path, suite_path)

    assert second.exit_code == 1, second.output
    assert "0 finished, 1 skipped (already finished), 1 failed" in second.output
    finished_again = [r for r in ResultsStore(tmp_path / "runs").read().records if r.get("status") == "finished"]
    assert len(finished_again) == 1


def test_invalid_suite_exits_before_running(tmp_path):
    suite_path = tmp_path / "suite.yaml"
    suite_path.write_text("name: bad\nneurons: [asn]\ndatasets: [vision/mnst]\n")

    result = _run_suite(tmp_path, suite_path)

    assert result.exit_code == 2
    assert "suite.yaml:3: datasets[0]" in result.output
    assert not (tmp_path / "runs").exists()
