"""Suite files: expansion of a valid grid and every kind of invalid field, each with its line."""

import textwrap

import pytest

from asnbench.suites import SuiteValidationError, load_suite


def _write(tmp_path, text, name="suite.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def _problems(tmp_path, text):
    with pytest.raises(SuiteValidationError) as caught:
        load_suite(_write(tmp_path, text))
    return caught.value.problems


def test_valid_suite_expands_grid(tmp_path):
    path = _write(
        tmp_path,
        """
        name: grid
        seeds: [0, 1]
        neurons:
          - asn
          - name: lif
            overrides: {timesteps: 2}
        overrides: {profile: smoke, epochs: 3}
        datasets:
          - name: vision/digits
            overrides: {levels: [2, 4]}
        """,
    )
    suite = load_suite(path)

    assert suite.name == "grid"
    assert len(suite.combinations) == 2 * 2 * 2
    configs = [c.config for c in suite.combinations]
    assert {c.levels for c in configs} == {2, 4}
    assert {c.seed for c in configs} == {0, 1}
    assert all(c.epochs == 3 for c in configs)
    assert {c.timesteps for c in configs if c.neuron == "lif"} == {2}
    assert {c.timesteps for c in configs if c.neuron == "asn"} == {None}
    assert all(c.line == 9 for c in suite.combinations)


def test_registered_unimplemented_dataset_accepted(tmp_path, monkeypatch):
    from asnbench.registry import DATASETS, DatasetSpec, get_dataset

    get_dataset("vision/digits")  # loads the catalog before the entry below is added
    spec = DatasetSpec(name="lm/unwritten", task="language_modeling", metric="perplexity", loader=None,
                       input_shape=(), num_classes=0, default_model="", profiles={})
    monkeypatch.setitem(DATASETS, spec.name, spec)

    suite = load_suite(_write(tmp_path, "name: s\nneurons: [asn]\ndatasets: [lm/unwritten]\n"))

    assert [c.implemented for c in suite.combinations] == [False]


def test_shipped_suites_validate():
    for name in ("ci", "smoke", "paper"):
        suite = load_suite(f"suites/{name}.yaml")
        assert suite.combinations, name
    paper = load_suite("suites/paper.yaml")
    assert len(paper.datasets) == 19


@pytest.mark.parametrize(
    "text, line, field, words",
    [
        ("name: s\nneurons: [asn]\ndatasets: [vision/mnst]\n", 3, "datasets[0]", "vision/mnist"),
        ("name: s\nneurons: [asn, lfi]\ndatasets: [vision/digits]\n", 2, "neurons[1]", "'lif'"),
        ("name: s\nneurons: [asn]\ndatasets: [vision/digits]\nseeds: [0, -1]\n", 4, "seeds[1]", "non-negative"),
        ("name: s\nneurons: [asn]\ndatasets: [vision/digits]\noverrides:\n  epoch: 3\n", 5, "overrides.epoch", "'epochs'"),
        ("name: s\nneurons: [asn]\ndatasets: [vision/digits]\noverrides:\n  lr: fast\n", 5, "overrides.lr", "number"),
        ("name: s\nneurons: [asn]\ndatasets: [vision/digits]\noverrides:\n  levels: [2, 0]\n", 5, "overrides.levels[1]", "at least 1"),
        ("name: s\nneurons: [asn]\ndatasets: [vision/digits]\noverrides:\n  energy_model: 7nm\n", 5, "overrides.energy_model", "45nm"),
        ("name: s\nneurons: [asn]\ndatasets: [vision/digits]\noverrides:\n  timesteps: []\n", 5, "overrides.timesteps", "empty list"),
        ("name: s\nneurons: [asn]\nneurons: [lif]\ndatasets: [vision/digits]\n", 3, "neurons", "duplicate key"),
        ("name: s\nneurons: [asn]\ndatasets: [vision/digits]\ncolor: red\n", 4, "color", "unknown key"),
        ("name: s\nneurons: [asn]\n", 1, "datasets", "missing"),
        ("name: s\nneurons: [asn]\ndatasets:\n  - name: vision/digits\n    epochs: 3\n", 5, "datasets[0].epochs", "unknown key"),
        ("name: s\nneurons: [asn]\ndatasets: [vision/digits, vision/digits]\n", 3, "datasets[1]", "listed twice"),
        ("name: s\nneurons: [asn]\ndatasets: [vision/digits\n", 4, "(syntax)", "expected"),
    ],
)
def test_invalid_field_reported_with_line(tmp_path, text, line, field, words):
    problems = _problems(tmp_path, text)

    assert len(problems) == 1, problems
    assert problems[0].line == line
    assert problems[0].field == field
    assert words in problems[0].message
    assert problems[0].path.endswith("suite.yaml")


def test_cross_field_error_points_at_override(tmp_path):
    text = """
    name: s
    neurons: [asn, ann]
    overrides:
      epochs: 2
      timesteps: 4
    datasets: [vision/digits]
    """
    problems = _problems(tmp_path, text)

    assert len(problems) == 1
    assert problems[0].line == 5
    assert problems[0].field == "timesteps"
    assert "ann" in problems[0].message


def test_all_problems_reported_in_line_order(tmp_path):
    text = "name: s\nneurons: [lfi]\nseeds: [x]\ndatasets: [vision/mnst]\n"
    with pytest.raises(SuiteValidationError) as caught:
        load_suite(_write(tmp_path, text))

    assert [p.line for p in caught.value.problems] == [2, 3, 4]
    assert str(caught.value).count("suite.yaml:") == 3
