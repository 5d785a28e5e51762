"""Command-line sub-commands, each a thin typer layer over one module."""
