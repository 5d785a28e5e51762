"""Markdown tables shared by ``compare`` and ``leaderboard export``."""

from __future__ import annotations

from collections.abc import Sequence


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table; ``|`` inside a cell is escaped."""

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(cell).replace("|", "\\|").replace("\n", " ") for cell in cells) + " |"

    return "\n".join([line(headers), line(["---"] * len(headers)), *(line(row) for row in rows)]) + "\n"


def format_number(value: float | None, digits: int = 4) -> str:
    """``value`` with ``digits`` significant digits, or an en dash when there is none."""
    if value is None:
        return "–"
    return f"{value:.{digits}g}"
