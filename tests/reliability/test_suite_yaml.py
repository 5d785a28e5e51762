"""Invalid suite files are rejected by ``asnbench suite run`` before any training, with file, line and field.

The suite schema's own tests (tests/suites) cover each rule. These check four kinds of
defect end to end: exit code 2, the location in the message, and no run written.
"""

import pytest

HEADER = "name: s\nneurons: [asn]\n"
CASES = [
    # (file text, "line: field" expected in the message, words expected in the message)
    (HEADER + "datasets: [vision/digits\n", "4: (syntax)", "expected"),
    (HEADER + "datasets: [vision/digits]\ncolour: red\n", "4: colour", "unknown key"),
    (HEADER + "datasets: [vision/digits]\noverrides:\n  lr: fast\n", "5: overrides.lr", "must be a number"),
    ("name: s\nneurons: []\ndatasets: [vision/digits]\n", "2: neurons", "non-empty list"),
]


@pytest.mark.parametrize(("text", "location", "words"), CASES, ids=["syntax", "unknown-key", "wrong-type", "empty-grid"])
def test_invalid_suite_rejected_before_training(outputs, text, location, words):
    suite = outputs.root / "suite.yaml"
    suite.write_text(text)

    result = outputs.invoke("suite", "run", str(suite), *outputs.folders(), "--tracking-uri", outputs.tracking_uri)

    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert f"{suite}:{location}" in message
    assert words in message
    assert not outputs.results.exists()
    assert not outputs.checkpoints.exists()
    assert not outputs.database.exists()
