"""YAML suites: a grid of datasets, neurons, seeds and overrides, validated and run as one."""

from asnbench.suites.nodes import SuiteProblem, SuiteValidationError
from asnbench.suites.runner import Failure, SuiteReport, run_suite
from asnbench.suites.schema import Combination, Suite, load_suite

__all__ = [
    "Combination",
    "Failure",
    "Suite",
    "SuiteProblem",
    "SuiteReport",
    "SuiteValidationError",
    "load_suite",
    "run_suite",
]
