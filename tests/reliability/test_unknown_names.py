"""Unknown names on the command line: exit code 2, the value and the closest names, nothing written."""

import pytest

from asnbench.errors import UnknownNameError
from asnbench.tasks import get_task

CASES = [
    # (arguments after `run`, the value, a close valid name the message must suggest)
    (["vision/mnits"], "vision/mnits", "vision/mnist"),
    (["vision/digits", "--neuron", "lfi"], "lfi", "lif"),
    (["vision/digits", "--energy-model", "45mn"], "45mn", "45nm"),
    (["vision/digits", "--profile", "smoek"], "smoek", "smoke"),
]


@pytest.mark.parametrize(("args", "value", "suggestion"), CASES, ids=["dataset", "neuron", "energy-model", "profile"])
def test_unknown_name_exits_2_and_writes_nothing(outputs, monkeypatch, args, value, suggestion):
    # Default output paths, relative to the working directory, so anything written would show up here.
    monkeypatch.chdir(outputs.root)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)

    result = outputs.invoke("run", *args, "--no-progress")

    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert repr(value) in message
    assert f"Did you mean '{suggestion}'" in message
    assert list(outputs.root.iterdir()) == []


def test_unknown_task_suggests_closest():
    with pytest.raises(UnknownNameError) as caught:
        get_task("image_clasification")

    assert "'image_clasification'" in str(caught.value)
    assert "Did you mean 'image_classification'" in str(caught.value)


def test_unknown_suite_name_exits_2(outputs, monkeypatch):
    monkeypatch.chdir(outputs.root)

    result = outputs.invoke("suite", "run", "smoek", "--no-progress")

    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "smoek" in message
    assert "smoke" in message
    assert list(outputs.root.iterdir()) == []
