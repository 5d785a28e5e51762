"""``leaderboard export``: the best record per (dataset, neuron), each format parsed back."""

import base64
import csv
import io
import json
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from PIL import Image
from result_records import make_record
from typer.testing import CliRunner

from asnbench.cli import app
from asnbench.leaderboard import best_entries, reproduce_command
from asnbench.results import ResultsStore


def _records():
    return [
        make_record(neuron="asn", seed=0, metric=0.93, energy=2000.0),
        make_record(neuron="asn", seed=1, metric=0.95, energy=2100.0),
        make_record(neuron="lif", seed=0, metric=0.91, energy=8000.0),
        dict(make_record(neuron="lif", seed=1, metric=0.99), status="failed"),
        make_record(dataset="vision/mnist", neuron="ann", metric=0.97, energy=9e6),
    ]


def _lower_is_better(neuron, seed, value):
    return make_record(dataset="vision/mnist", neuron=neuron, seed=seed, metric=value,
                       metric_name="perplexity", higher_is_better=False, task="language_modeling")


def test_best_entry_per_dataset_and_neuron():
    entries = best_entries(_records())
    by_key = {(e.dataset, e.neuron): e for e in entries}

    assert set(by_key) == {("vision/digits", "asn"), ("vision/digits", "lif"), ("vision/mnist", "ann")}
    assert by_key[("vision/digits", "asn")].seed == 1
    assert by_key[("vision/digits", "lif")].metric_value == pytest.approx(0.91)
    assert [e.neuron for e in entries if e.dataset == "vision/digits"] == ["asn", "lif"]


def test_best_entry_lower_is_better():
    entries = best_entries([_lower_is_better("asn", 0, 120.0), _lower_is_better("asn", 1, 95.0)])

    assert [e.metric_value for e in entries] == [95.0]


def test_reproduce_command_lists_flags():
    command = best_entries(_records())[0].command

    assert command.startswith("asnbench run vision/digits --neuron asn --seed 1 --profile smoke")
    assert "--epochs 3" in command
    assert "model_options" not in command
    config = dict(_records()[0]["config"], model_options={"hidden": [7]})
    assert reproduce_command(config).endswith('# with model_options {"hidden": [7]}')


def _export(tmp_path, output_format):
    store = ResultsStore(tmp_path / "runs")
    for record in _records():
        store.append(record)
    out = tmp_path / f"board.{output_format}"
    result = CliRunner().invoke(
        app, ["leaderboard", "export", "--format", output_format, "--out", str(out), "--results-dir", str(tmp_path / "runs")]
    )
    assert result.exit_code == 0, result.output
    return out


def test_export_json_and_csv(tmp_path):
    entries = json.loads(_export(tmp_path, "json").read_text())["entries"]
    rows = list(csv.DictReader(io.StringIO(_export(tmp_path, "csv").read_text())))

    assert len(entries) == len(rows) == 3
    assert entries[0]["config"]["neuron"] == "asn"
    assert entries[0]["code_version"] == "0123456789ab"
    assert [r["neuron"] for r in rows] == [e["neuron"] for e in entries]
    assert float(rows[0]["metric_value"]) == pytest.approx(0.95)
    assert json.loads(rows[0]["config"])["seed"] == 1


def test_export_markdown(tmp_path):
    text = _export(tmp_path, "md").read_text()
    table = [line for line in text.splitlines() if line.startswith("| vision/")]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in table]

    assert "## image_classification" in text
    assert [(c[0], c[1]) for c in cells] == [("vision/digits", "asn"), ("vision/digits", "lif"), ("vision/mnist", "ann")]
    assert cells[0][3] == "0.95"


class _TableReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.images, self._cell = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "img":
            self.images.append(dict(attrs)["src"])

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def test_export_html_self_contained(tmp_path):
    text = _export(tmp_path, "html").read_text()
    reader = _TableReader()
    reader.feed(text)

    header = reader.rows[0]
    body = [row for row in reader.rows if row and row[0].startswith("vision/")]
    assert header[:4] == ["dataset", "neuron", "metric", "value"]
    assert len(body) == 3
    assert body[0][header.index("reproduce with")].startswith("asnbench run vision/digits")
    assert len(reader.images) == 1
    assert reader.images[0].startswith("data:image/png;base64,")
    png = Image.open(io.BytesIO(base64.b64decode(reader.images[0].split(",", 1)[1])))
    assert png.size == (700, 450)
    assert "http://" not in text
    assert "https://" not in text


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium(tmp_path, *args):
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'chromium-profile'}", *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=True)


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_html_renders_in_headless_chromium(tmp_path):
    page = _export(tmp_path, "html")
    screenshot = tmp_path / "board.png"

    dom = _chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    _chromium(tmp_path, f"--screenshot={screenshot}", "--window-size=1400,1800", page.as_uri())

    # The parser adds <tbody>, so this DOM is the browser's and not the file's text.
    assert "<tbody>" in dom
    assert dom.count("<tr") == 4
    assert "data:image/png;base64," in dom
    image = Image.open(screenshot).convert("RGB")
    assert image.size == (1400, 1800)
    assert len(image.getcolors(maxcolors=1 << 20)) > 50
