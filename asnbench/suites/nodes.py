"""Reading a YAML document as nodes that keep their line numbers, and collecting errors by location."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from asnbench.errors import ConfigError, UnknownNameError


@dataclass(frozen=True)
class SuiteProblem:
    """One invalid field of a suite file: where it is and what is wrong with it."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class SuiteValidationError(ConfigError):
    """A suite file with one or more invalid fields; ``problems`` lists each with its line."""

    def __init__(self, problems: list[SuiteProblem]):
        self.problems = sorted(problems, key=lambda problem: problem.line)
        count = len(self.problems)
        header = f"invalid suite file, {count} problem{'s' if count != 1 else ''}:"
        super().__init__("\n".join([header, *(f"  {problem}" for problem in self.problems)]))


@dataclass
class ProblemList:
    """Problems found so far in one file; every check adds to it instead of raising at once."""

    path: str
    problems: list[SuiteProblem] = field(default_factory=list)

    def add(self, node: yaml.Node, field_name: str, message: str) -> None:
        # PyYAML marks count lines from 0; editors count from 1.
        self.problems.append(SuiteProblem(self.path, node.start_mark.line + 1, field_name, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise SuiteValidationError(self.problems)


def bundled_suite_folders() -> list[Path]:
    """Folders searched for a suite given by name: ``./suites`` and the suites shipped beside the package."""
    return [Path("suites"), Path(__file__).resolve().parents[2] / "suites"]


def resolve_suite_path(path: Path) -> Path:
    """Return ``path``, or ``suites/<name>.yaml`` for a bare suite name such as ``smoke``.

    Raises ``UnknownNameError`` with the closest suite names when neither exists.
    """
    if path.exists():
        return path
    names: set[str] = set()
    for folder in bundled_suite_folders():
        candidate = folder / f"{path.name}.yaml"
        if path.suffix == "" and len(path.parts) == 1 and candidate.is_file():
            return candidate
        if folder.is_dir():
            names.update(p.stem for p in folder.glob("*.yaml"))
    raise UnknownNameError("suite", str(path), names)


def compose_file(path: Path) -> tuple[yaml.Node, yaml.SafeLoader]:
    """Parse ``path`` into a node tree; a YAML syntax error becomes a ``SuiteValidationError`` with its line."""
    path = resolve_suite_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read suite file {path}: {error.strerror or error}") from error
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        message = " ".join(part for part in (error.context, error.problem) if part)
        raise SuiteValidationError([SuiteProblem(str(path), line, "(syntax)", message)]) from error
    if node is None:
        raise SuiteValidationError([SuiteProblem(str(path), 1, "(document)", "the file is empty")])
    return node, loader


def to_python(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """The plain Python value of ``node`` (scalars, lists and dicts), as ``yaml.safe_load`` builds it."""
    return loader.construct_object(node, deep=True)


def mapping_items(node: yaml.MappingNode, problems: ProblemList, where: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """The keys of a mapping node with their key and value nodes; duplicate and non-string keys are problems."""
    items: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
            problems.add(key_node, where, f"keys must be strings, got {key_node.value!r}")
            continue
        if key_node.value in items:
            first_line = items[key_node.value][0].start_mark.line + 1
            problems.add(key_node, _join(where, key_node.value), f"duplicate key, first given on line {first_line}")
            continue
        items[key_node.value] = (key_node, value_node)
    return items


def kind_of(node: yaml.Node) -> str:
    """A YAML node's kind in words, for messages."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"{node.value!r}"


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
