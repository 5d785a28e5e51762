"""Running a suite: every combination through ``asnbench.runner.run``, skipping finished ones, isolating failures."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console

from asnbench.config import RunConfig
from asnbench.results import ResultsStore, finished_keys
from asnbench.runner import RunOptions
from asnbench.suites.schema import Combination, Suite

logger = logging.getLogger("asnbench.suites")

RunFunction = Callable[[RunConfig, RunOptions, Console], dict[str, Any]]


@dataclass(frozen=True)
class Failure:
    """A combination that raised, with the error's type and message."""

    combination: Combination
    error_type: str
    message: str


@dataclass
class SuiteReport:
    """What a suite run did with each combination."""

    finished: list[Combination] = field(default_factory=list)
    skipped: list[Combination] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def run_suite(
    suite: Suite,
    options: RunOptions,
    console: Console | None = None,
    run_one: RunFunction | None = None,
) -> SuiteReport:
    """Run every combination of ``suite`` that has no finished record in ``options.results_dir``.

    A combination that raises an ``Exception`` is recorded as a failure and the
    suite goes on with the next one; ``KeyboardInterrupt`` stops the suite, and
    finished combinations are skipped when it is started again.
    """
    if run_one is None:
        from asnbench.runner import run as run_one
    console = console or Console(stderr=True)
    report = SuiteReport()
    started = time.perf_counter()
    done = finished_keys(ResultsStore(options.results_dir).read().records)
    total = len(suite.combinations)
    for index, combination in enumerate(suite.combinations, start=1):
        prefix = f"[{index}/{total}] {combination.label()}"
        key = _resolved_key(combination)
        if key is not None and key in done:
            console.print(f"{prefix}: skipped, already finished", highlight=False)
            report.skipped.append(combination)
            continue
        console.rule(prefix, align="left")
        try:
            record = run_one(combination.config, options, console)
        except Exception as error:  # noqa: BLE001 - one failing combination must not stop the suite
            logger.error("%s failed: %s: %s", combination.label(), type(error).__name__, error)
            report.failed.append(Failure(combination, type(error).__name__, str(error)))
            continue
        console.print(
            f"{prefix}: {record['metric_name']} {record['metric_value']:.4f}, "
            f"energy {record['energy_pj_per_sample'] / 1e6:.3f} uJ/sample",
            highlight=False,
        )
        done.add(record["run_key"])
        report.finished.append(combination)
    report.seconds = time.perf_counter() - started
    return report


def _resolved_key(combination: Combination) -> str | None:
    """The ``run_key`` the runner will record, or ``None`` when the configuration does not resolve."""
    if not combination.implemented:
        return None
    return combination.config.resolved().key()
