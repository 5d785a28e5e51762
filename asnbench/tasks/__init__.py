"""Tasks by name; each implements :class:`asnbench.tasks.base.Task`."""

from __future__ import annotations

from asnbench.errors import UnknownNameError
from asnbench.tasks.base import Task, TaskMetric
from asnbench.tasks.image_classification import ImageClassification

TASKS: dict[str, type[Task]] = {"image_classification": ImageClassification}


def get_task(name: str) -> Task:
    if name not in TASKS:
        raise UnknownNameError("task", name, TASKS)
    return TASKS[name]()


__all__ = ["TASKS", "Task", "TaskMetric", "get_task"]
