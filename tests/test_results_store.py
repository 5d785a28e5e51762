import json

from asnbench.results import ResultsStore


def test_append_then_read_roundtrip(tmp_path):
    store = ResultsStore(tmp_path / "runs")
    store.append({"run_key": "a", "status": "finished", "metric_value": 0.5})
    store.append({"run_key": "b", "status": "failed"})

    contents = store.read()

    assert [r["run_key"] for r in contents.records] == ["a", "b"]
    assert contents.corrupt_lines == []


def test_corrupt_line_reported_and_skipped(tmp_path):
    store = ResultsStore(tmp_path)
    store.append({"run_key": "a", "status": "finished"})
    with store.path.open("a") as handle:
        handle.write('{"run_key": "torn", "stat\n')
        handle.write("[1, 2]\n")
    store.append({"run_key": "c", "status": "finished"})

    contents = store.read()

    assert [r["run_key"] for r in contents.records] == ["a", "c"]
    assert contents.corrupt_lines == [2, 3]


def test_find_returns_last_finished_match(tmp_path):
    store = ResultsStore(tmp_path)
    store.append({"run_key": "k", "status": "finished", "n": 1})
    store.append({"run_key": "k", "status": "failed", "n": 2})
    store.append({"run_key": "k", "status": "finished", "n": 3})

    assert store.find("k")["n"] == 3
    assert store.find("k", status="failed")["n"] == 2
    assert store.find("missing") is None


def test_each_record_is_one_line(tmp_path):
    store = ResultsStore(tmp_path)
    store.append({"text": "line\nbreak", "nested": {"a": [1, 2]}})

    lines = store.path.read_text().splitlines()

    assert len(lines) == 1
    assert json.loads(lines[0])["text"] == "line\nbreak"
