"""The HTML leaderboard: one file with a table and an embedded metric-against-energy plot per task."""

from __future__ import annotations

import base64
import html
import io

import pandas as pd

from asnbench.leaderboard.board import Entry

_COLUMNS = {
    "dataset": "dataset",
    "neuron": "neuron",
    "metric_name": "metric",
    "metric_value": "value",
    "spikes_per_sample": "spikes / sample",
    "synops_per_sample": "SynOps / sample",
    "macs_per_sample": "MACs / sample",
    "energy_pj_per_sample": "energy pJ / sample",
    "energy_model": "energy model",
    "seed": "seed",
    "profile": "profile",
    "code_version": "code version",
    "environment": "environment",
    "command": "reproduce with",
}

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 1em; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td:last-child { font-family: monospace; }
img { max-width: 100%; }
"""


def energy_plot_png(entries: list[Entry], task: str) -> bytes:
    """A PNG scatter of metric against estimated energy per sample (log scale), one colour per neuron."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=100)
    neurons = sorted({entry.neuron for entry in entries})
    for neuron in neurons:
        points = [entry for entry in entries if entry.neuron == neuron]
        axes.scatter([e.energy_pj_per_sample / 1e6 for e in points], [e.metric_value for e in points], label=neuron, s=40)
        for entry in points:
            axes.annotate(entry.dataset.split("/")[-1], (entry.energy_pj_per_sample / 1e6, entry.metric_value), fontsize=7, xytext=(3, 3), textcoords="offset points")
    if all(entry.energy_pj_per_sample > 0 for entry in entries):
        axes.set_xscale("log")
    axes.set_xlabel(f"estimated energy per sample (µJ, {', '.join(sorted({e.energy_model for e in entries}))})")
    axes.set_ylabel(entries[0].metric_name)
    axes.set_title(task)
    axes.grid(True, alpha=0.3)
    axes.legend(title="neuron")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def render_html(entries: list[Entry]) -> str:
    """The whole page as one string; images are ``data:`` URIs, so the file needs nothing else."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>asnbench leaderboard</title>',
        f"<style>{_STYLE}</style></head><body>",
        "<h1>asnbench leaderboard</h1>",
        f"<p>The best finished run per dataset and neuron, {len(entries)} entries. "
        "Energy is an estimate: MACs and SynOps weighted by the energy model's per-operation costs.</p>",
    ]
    for task in sorted({entry.task for entry in entries}):
        task_entries = [entry for entry in entries if entry.task == task]
        frame = pd.DataFrame([{label: getattr(entry, field) for field, label in _COLUMNS.items()} for entry in task_entries])
        image = base64.b64encode(energy_plot_png(task_entries, task)).decode("ascii")
        parts += [
            f'<section class="task" id="{html.escape(task)}"><h2>{html.escape(task)}</h2>',
            frame.to_html(index=False, escape=True, float_format=lambda v: f"{v:.6g}", classes="leaderboard"),
            f'<img alt="{html.escape(task)}: metric against estimated energy" src="data:image/png;base64,{image}">',
            "</section>",
        ]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
