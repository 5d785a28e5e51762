"""Suite files: a YAML grid of datasets x neurons x seeds x overrides, validated as a whole.

A suite file looks like this::

    name: smoke
    description: every implemented task on small real data
    seeds: [0]
    neurons: [asn, lif, ann]
    overrides: {profile: smoke}
    datasets:
      - vision/digits
      - name: vision/mnist
        overrides: {max_train_samples: 2000, epochs: 2}
      - name: local/shapes
        format: image-folder
        path: data/shapes

An override given as a list (``timesteps: [1, 2, 4]``) is a grid axis: every
value is run. Overrides of a neuron entry win over those of a dataset entry,
which win over the suite's. ``load_suite`` reports every invalid field with
its file and line before anything runs. Datasets that are registered but not
implemented yet pass validation and fail when their combination runs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from asnbench.config import RunConfig
from asnbench.errors import AsnbenchError, UnknownNameError
from asnbench.suites.nodes import ProblemList, compose_file, kind_of, mapping_items, resolve_suite_path, to_python
from asnbench.suites.overrides import OVERRIDE_FIELDS, check_override, unknown_key_message

SUITE_KEYS = ("name", "description", "datasets", "neurons", "seeds", "overrides")
ENTRY_KEYS = ("name", "overrides")


@dataclass(frozen=True)
class Combination:
    """One run of a suite: its configuration and the line of the dataset entry it came from."""

    config: RunConfig
    line: int
    implemented: bool

    def label(self) -> str:
        config = self.config
        parts = [config.dataset, config.neuron, f"seed {config.seed}"]
        defaults = RunConfig(dataset=config.dataset, neuron=config.neuron, seed=config.seed)
        for name in OVERRIDE_FIELDS:
            value = getattr(config, name)
            if value != getattr(defaults, name):
                parts.append(f"{name}={value}")
        return " ".join(parts)


@dataclass(frozen=True)
class Suite:
    """A validated suite file, expanded into its combinations in file order."""

    name: str
    description: str
    path: Path
    combinations: list[Combination] = field(default_factory=list)

    @property
    def datasets(self) -> list[str]:
        return list(dict.fromkeys(c.config.dataset for c in self.combinations))


@dataclass
class _Entry:
    """A dataset or neuron entry: its name, its overrides and where each came from."""

    name: str
    node: yaml.Node
    overrides: dict[str, tuple[list[Any], yaml.Node]] = field(default_factory=dict)


def load_suite(path: str | Path) -> Suite:
    """Read, validate and expand the suite file at ``path``; raise ``SuiteValidationError`` listing every problem."""
    path = resolve_suite_path(Path(path))
    root, loader = compose_file(path)
    problems = ProblemList(str(path))
    if not isinstance(root, yaml.MappingNode):
        problems.add(root, "(document)", f"a suite must be a mapping with keys {', '.join(SUITE_KEYS)}, got {kind_of(root)}")
        problems.raise_if_any()
    items = mapping_items(root, problems, "")
    for key, (key_node, _) in items.items():
        if key not in SUITE_KEYS:
            problems.add(key_node, key, unknown_key_message(key, SUITE_KEYS))
    for required in ("name", "datasets", "neurons"):
        if required not in items:
            problems.add(root, required, "missing; a suite needs name, datasets and neurons")

    name = _read_string(items, "name", loader, problems) or path.stem
    description = _read_string(items, "description", loader, problems) or ""
    seeds = _read_seeds(items, loader, problems)
    suite_overrides = {}
    if "overrides" in items:
        suite_overrides = _read_overrides(items["overrides"][1], "overrides", loader, problems)
    datasets = _read_entries(items, "datasets", loader, problems, path.parent)
    neurons = _read_entries(items, "neurons", loader, problems, None)
    problems.raise_if_any()

    combinations = _expand(datasets, neurons, seeds, suite_overrides, problems)
    problems.raise_if_any()
    return Suite(name=name, description=description, path=path, combinations=combinations)


def _read_string(items, key: str, loader, problems: ProblemList) -> str | None:
    if key not in items:
        return None
    node = items[key][1]
    value = to_python(loader, node) if isinstance(node, yaml.ScalarNode) else None
    if not isinstance(value, str) or not value.strip():
        problems.add(node, key, f"must be a non-empty string, got {kind_of(node)}")
        return None
    return value


def _read_seeds(items, loader, problems: ProblemList) -> list[tuple[int, yaml.Node | None]]:
    if "seeds" not in items:
        return [(0, None)]
    node = items["seeds"][1]
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        problems.add(node, "seeds", f"must be a non-empty list of integers, got {kind_of(node)}")
        return []
    seeds = []
    for index, seed_node in enumerate(node.value):
        value = to_python(loader, seed_node) if isinstance(seed_node, yaml.ScalarNode) else None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.add(seed_node, f"seeds[{index}]", f"must be a non-negative integer, got {kind_of(seed_node)}")
            continue
        if value in [seed for seed, _ in seeds]:
            problems.add(seed_node, f"seeds[{index}]", f"seed {value} is listed twice")
            continue
        seeds.append((value, seed_node))
    return seeds


def _read_overrides(node, where: str, loader, problems: ProblemList) -> dict[str, tuple[list[Any], yaml.Node]]:
    """Overrides as field -> (values, node); a scalar is a one-value list, a list is a grid axis."""
    if not isinstance(node, yaml.MappingNode):
        problems.add(node, where, f"must be a mapping of run settings, got {kind_of(node)}")
        return {}
    overrides = {}
    for key, (key_node, value_node) in mapping_items(node, problems, where).items():
        field_path = f"{where}.{key}"
        if key not in OVERRIDE_FIELDS:
            problems.add(key_node, field_path, unknown_key_message(key, OVERRIDE_FIELDS))
            continue
        value = to_python(loader, value_node)
        is_axis = isinstance(value, list) and key != "model_options"
        values = value if is_axis else [value]
        if is_axis and not values:
            problems.add(value_node, field_path, "an empty list gives no combinations; give at least one value")
            continue
        valid = True
        for index, item in enumerate(values):
            message = check_override(key, item)
            if message is not None:
                item_node = value_node.value[index] if is_axis else value_node
                problems.add(item_node, f"{field_path}[{index}]" if is_axis else field_path, message)
                valid = False
        if valid:
            overrides[key] = (values, value_node)
    return overrides


def _read_entries(items, key: str, loader, problems: ProblemList, base_dir: Path | None) -> list[_Entry]:
    """Dataset or neuron entries; ``base_dir`` is set for datasets, whose entries may define local data."""
    if key not in items:
        return []
    node = items[key][1]
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        problems.add(node, key, f"must be a non-empty list, got {kind_of(node)}")
        return []
    entries = []
    for index, entry_node in enumerate(node.value):
        where = f"{key}[{index}]"
        entry = _read_entry(entry_node, where, key, loader, problems, base_dir)
        if entry is None:
            continue
        if entry.name in [e.name for e in entries] and not entry.overrides:
            problems.add(entry_node, where, f"{entry.name!r} is listed twice without different overrides")
            continue
        entries.append(entry)
    return entries


def _read_entry(node, where: str, key: str, loader, problems: ProblemList, base_dir: Path | None) -> _Entry | None:
    from asnbench.neurons import NEURONS
    from asnbench.registry import get_dataset
    from asnbench.user_datasets import USER_DATASET_KEYS, UserDatasetFieldError, define_user_dataset

    if isinstance(node, yaml.ScalarNode):
        name, fields, name_node = to_python(loader, node), {}, node
    elif isinstance(node, yaml.MappingNode):
        fields = mapping_items(node, problems, where)
        allowed = ENTRY_KEYS + (USER_DATASET_KEYS if key == "datasets" else ())
        for field_name, (key_node, _) in fields.items():
            if field_name not in allowed:
                problems.add(key_node, f"{where}.{field_name}", unknown_key_message(field_name, allowed))
        if "name" not in fields:
            problems.add(node, f"{where}.name", "missing; every entry needs a name")
            return None
        name_node = fields["name"][1]
        name = to_python(loader, name_node) if isinstance(name_node, yaml.ScalarNode) else None
    else:
        problems.add(node, where, f"must be a name or a mapping with a name, got {kind_of(node)}")
        return None
    if not isinstance(name, str) or not name:
        problems.add(name_node, f"{where}.name", f"must be a non-empty string, got {kind_of(name_node)}")
        return None

    entry = _Entry(name=name, node=node)
    if "overrides" in fields:
        entry.overrides = _read_overrides(fields["overrides"][1], f"{where}.overrides", loader, problems)

    if key == "neurons":
        if name not in NEURONS:
            problems.add(name_node, f"{where}.name" if fields else where, str(UnknownNameError("neuron", name, NEURONS)))
            return None
        return entry

    user_fields = {k: v for k, v in fields.items() if k in USER_DATASET_KEYS}
    if user_fields:
        values = {k: to_python(loader, value_node) for k, (_, value_node) in user_fields.items()}
        try:
            define_user_dataset(name, values, base_dir)
        except UserDatasetFieldError as error:
            bad_node = user_fields[error.field][1] if error.field in user_fields else node
            problems.add(bad_node, f"{where}.{error.field}", error.reason)
            return None
        return entry
    try:
        get_dataset(name)
    except UnknownNameError as error:
        problems.add(name_node, f"{where}.name" if fields else where, str(error))
        return None
    return entry


def _expand(datasets: list[_Entry], neurons: list[_Entry], seeds, suite_overrides, problems: ProblemList) -> list[Combination]:
    from asnbench.registry import get_dataset

    combinations: list[Combination] = []
    seen: dict[str, int] = {}
    for dataset in datasets:
        implemented = get_dataset(dataset.name).implemented
        for neuron in neurons:
            merged = {**suite_overrides, **dataset.overrides, **neuron.overrides}
            axes = [[(name, value) for value in values] for name, (values, _) in merged.items()]
            for seed, _ in seeds:
                for assignment in itertools.product(*axes):
                    config = RunConfig(dataset=dataset.name, neuron=neuron.name, seed=seed, **dict(assignment))
                    line = dataset.node.start_mark.line + 1
                    if implemented and not _resolves(config, dataset, merged, problems):
                        continue
                    key = config.key()
                    if key in seen:
                        problems.add(dataset.node, dataset.name, f"combination {config.neuron} seed {seed} repeats the one from line {seen[key]}")
                        continue
                    seen[key] = line
                    combinations.append(Combination(config=config, line=line, implemented=implemented))
    return combinations


def _resolves(config: RunConfig, dataset: _Entry, merged, problems: ProblemList) -> bool:
    """Check the whole configuration; point at the override the message names, else at the dataset entry."""
    try:
        config.resolved()
    except AsnbenchError as error:
        message = str(error)
        culprit = next((name for name in merged if name in message), None)
        node = merged[culprit][1] if culprit else dataset.node
        problems.add(node, culprit or dataset.name, f"{message} (for {config.dataset} with {config.neuron})")
        return False
    return True

