"""Leaderboard files: Markdown, CSV, JSON and one self-contained HTML page."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from asnbench.leaderboard.board import Entry
from asnbench.tables import format_number, markdown_table

# Columns of the tabular formats, in order; the full config goes into JSON and HTML.
TABLE_COLUMNS = (
    "dataset",
    "task",
    "neuron",
    "metric_name",
    "metric_value",
    "spikes_per_sample",
    "synops_per_sample",
    "macs_per_sample",
    "energy_pj_per_sample",
    "energy_model",
    "seed",
    "profile",
    "code_version",
    "environment",
    "finished_at",
    "run_key",
    "command",
)


def _cell(entry: Entry, column: str) -> str:
    value = getattr(entry, column)
    if isinstance(value, float):
        return format_number(value, 6)
    return str(value)


def to_markdown(entries: list[Entry]) -> str:
    """One Markdown table per task, best first within each dataset."""
    sections = ["# asnbench leaderboard\n"]
    for task in sorted({entry.task for entry in entries}):
        rows = [[_cell(entry, column) for column in TABLE_COLUMNS if column != "task"] for entry in entries if entry.task == task]
        sections.append(f"## {task}\n")
        sections.append(markdown_table([c for c in TABLE_COLUMNS if c != "task"], rows))
    return "\n".join(sections)


def to_csv(entries: list[Entry]) -> str:
    """One CSV row per entry with the columns of :data:`TABLE_COLUMNS` and the config as JSON."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*TABLE_COLUMNS, "config"])
    for entry in entries:
        writer.writerow([getattr(entry, column) for column in TABLE_COLUMNS] + [json.dumps(entry.config, sort_keys=True)])
    return buffer.getvalue()


def to_json(entries: list[Entry]) -> str:
    """``{"entries": [...]}`` with every field of every entry, config included."""
    return json.dumps({"entries": [entry.to_dict() for entry in entries]}, indent=2, sort_keys=True) + "\n"


def to_html(entries: list[Entry]) -> str:
    from asnbench.leaderboard.html import render_html

    return render_html(entries)


WRITERS: dict[str, Callable[[list[Entry]], str]] = {
    "md": to_markdown,
    "csv": to_csv,
    "json": to_json,
    "html": to_html,
}
