"""Datasets of the benchmark suite that are registered but have no loader yet.

They are listed by ``asnbench list`` as not implemented, so the suite's
scope stays visible. A capability that implements one moves its entry into
the catalog module of its modality and gives it a loader and profiles.
"""

from __future__ import annotations

from asnbench.registry import DatasetSpec, register


def _pending(name: str, task: str, metric: str, source: str, files: tuple[str, ...] = ()) -> None:
    register(
        DatasetSpec(
            name=name,
            task=task,
            metric=metric,
            loader=None,
            input_shape=(),
            num_classes=0,
            default_model="",
            profiles={},
            files=files,
            source=source,
        )
    )
