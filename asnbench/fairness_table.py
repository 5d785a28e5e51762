"""Tables of a :class:`~asnbench.fairness.FairComparison`: every configuration, then ASN against its partners."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich.console import Group
from rich.table import Table

from asnbench.fairness import Configuration, FairComparison, fair_compare
from asnbench.tables import markdown_table


def _number(value: float | None) -> str:
    """Format counts and energies: thousands separators from 1000 on, four significant digits below."""
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _metric(configuration: Configuration) -> str:
    seeds = f" (n={len(configuration.seeds)})"
    if configuration.metric_std is None:
        return f"{configuration.metric_mean:.4f}{seeds}"
    return f"{configuration.metric_mean:.4f} ± {configuration.metric_std:.4f}{seeds}"


def _with_memory(comparison: FairComparison) -> list[str]:
    return [model.name for model in comparison.energy_models if model.memory is not None]


def configurations_table(comparison: FairComparison) -> tuple[list[str], list[list[str]]]:
    """Return headers and rows with one row per configuration: metric, slots, counts and energy per model."""
    names = [model.name for model in comparison.energy_models]
    memory_names = _with_memory(comparison)
    headers = ["dataset", "profile", "configuration", "metric", "spike slots", "SynOps", "MACs"]
    headers += [f"energy pJ {name}" for name in names]
    headers += [f"memory pJ {name}" for name in memory_names]
    rows = []
    for (dataset, profile), configurations in comparison.configurations.items():
        for configuration in configurations:
            cells = [dataset, profile, configuration.label, _metric(configuration)]
            cells += [_number(configuration.spike_slots), _number(configuration.synops_per_sample)]
            cells += [_number(configuration.macs_per_sample)]
            cells += [_number(configuration.energy_pj[name]) for name in names]
            cells += [_number(configuration.memory_energy_pj[name]) for name in memory_names]
            rows.append(cells)
    return headers, rows


def _ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.3g}x" if denominator else "–"


def pairings_table(comparison: FairComparison) -> tuple[list[str], list[list[str]]]:
    """Return headers and rows with one row per (ASN, partner): the metric difference and energy ratios.

    ``Δ metric`` is the ASN's metric minus the partner's, and each ``energy
    ASN/partner`` is the ASN's energy divided by the partner's. An ASN without
    a partner of a kind gets one row with ``no record`` as the partner.
    """
    names = [model.name for model in comparison.energy_models]
    headers = ["dataset", "profile", "ASN configuration", "pairing", "partner", "Δ metric"]
    headers += [f"energy ASN/partner {name}" for name in names]
    rows = []
    for (dataset, profile), pairings in comparison.pairings.items():
        for pairing in pairings:
            reference = pairing.reference
            for kind, partners in (("equal slots", pairing.equal_slots), ("equal levels", pairing.equal_levels)):
                if not partners:
                    rows.append([dataset, profile, reference.label, kind, "no record", "–"] + ["–"] * len(names))
                    continue
                for partner in partners:
                    cells = [dataset, profile, reference.label, kind, partner.label]
                    cells.append(f"{reference.metric_mean - partner.metric_mean:+.4f}")
                    cells += [_ratio(reference.energy_pj[name], partner.energy_pj[name]) for name in names]
                    rows.append(cells)
    return headers, rows


def _policies_lines(comparison: FairComparison) -> list[str]:
    return [f"- {name}: {text}" for name, text in comparison.policies().items()]


def render_markdown(comparison: FairComparison) -> str:
    """Render both tables and the pairing and energy policies as Markdown."""
    parts = [markdown_table(*configurations_table(comparison)), markdown_table(*pairings_table(comparison))]
    parts.append("\n".join(_policies_lines(comparison)) + "\n")
    return "\n".join(parts)


def fair_section_markdown(records: list[dict[str, Any]], energy_models: list[str] | None = None) -> str:
    """Render the fair comparison of ``records`` as a Markdown section, or ``""`` when no ASN/NASN has a record."""
    comparison = fair_compare(records, energy_models)
    if not any(comparison.pairings.values()):
        return ""
    return "\n## Fair comparisons\n\n" + render_markdown(comparison)


def render_json(comparison: FairComparison) -> str:
    """Render the configurations, pairings and policies as JSON."""
    payload = {
        "energy_models": [model.name for model in comparison.energy_models],
        "policies": comparison.policies(),
        "configurations": [c.to_dict() for row in comparison.configurations.values() for c in row],
        "pairings": [
            {
                "reference": pairing.reference.label,
                "dataset": pairing.reference.dataset,
                "profile": pairing.reference.profile,
                "equal_slots": [c.label for c in pairing.equal_slots],
                "equal_levels": [c.label for c in pairing.equal_levels],
            }
            for row in comparison.pairings.values()
            for pairing in row
        ],
    }
    return json.dumps(payload, indent=2) + "\n"


def render_csv(comparison: FairComparison) -> str:
    """Render the configurations table as CSV."""
    headers, rows = configurations_table(comparison)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def render_rich(comparison: FairComparison, title: str) -> Group:
    """Render both tables and the policies for the terminal."""
    tables = []
    for caption, (headers, rows) in (
        (title, configurations_table(comparison)),
        ("ASN against LIF at equal spike slots and QANN at equal levels", pairings_table(comparison)),
    ):
        table = Table(title=caption)
        for header in headers:
            table.add_column(header)
        for row in rows:
            table.add_row(*row)
        tables.append(table)
    return Group(*tables, "\n".join(_policies_lines(comparison)))
