"""Markdown sections of docs/benchmarks.md, each replaced in place when its benchmark reruns."""

from __future__ import annotations

import os
import platform
import re
from datetime import datetime, timezone
from pathlib import Path

import torch

HEADER = """# Benchmarks

Speed and memory of asnbench against snnTorch 1.0, SpikingJelly 2.0 and
NeuroBench 2.3, measured by `python -m benchmarks` (see `benchmarks/`).
Every section names the command and machine that produced it. Variants run
interleaved in one process after warm-up, and the tables quote medians with
the 25th-75th percentiles, so a change in machine load affects all variants
of a section alike. The ratios are the numbers to compare; absolute times
depend on the machine and its load.
"""


def machine_line() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read())
        if match:
            cpu = match.group(1).strip()
    except OSError:
        pass
    try:
        with open("/proc/loadavg") as loadavg:
            load = " ".join(loadavg.read().split()[:3])
    except OSError:
        load = "unknown"
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {torch.get_num_threads()} torch threads, torch {torch.__version__}, "
        f"Python {platform.python_version()}, load average at the end {load}, "
        f"{datetime.now(timezone.utc).isoformat(timespec='minutes')}"
    )


def write_section(path: Path, name: str, body: str) -> None:
    """Replace section ``name`` of the markdown file at ``path`` (appending it when absent)."""
    start, end = f"<!-- section:{name} -->", f"<!-- /section:{name} -->"
    block = f"{start}\n{body.rstrip()}\n{end}\n"
    text = path.read_text() if path.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
