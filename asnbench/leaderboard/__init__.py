"""Leaderboard export: the best run per (dataset, neuron) as Markdown, CSV, JSON or HTML."""

from asnbench.leaderboard.board import Entry, best_entries, reproduce_command
from asnbench.leaderboard.writers import WRITERS

__all__ = ["WRITERS", "Entry", "best_entries", "reproduce_command"]
