"""Tasks by name; each implements :class:`asnbench.tasks.base.Task`."""

from __future__ import annotations

from asnbench.errors import UnknownNameError
from asnbench.tasks.base import Task, TaskMetric
from asnbench.tasks.event_classification import EventClassification
from asnbench.tasks.image_classification import ImageClassification
from asnbench.tasks.language_modeling import LanguageModeling
from asnbench.tasks.object_detection import ObjectDetection
from asnbench.tasks.semantic_segmentation import SemanticSegmentation
from asnbench.tasks.sequence_labeling import SequenceLabeling
from asnbench.tasks.text_classification import TextClassification

TASKS: dict[str, type[Task]] = {
    "image_classification": ImageClassification,
    "event_classification": EventClassification,
    "object_detection": ObjectDetection,
    "semantic_segmentation": SemanticSegmentation,
    "text_classification": TextClassification,
    "language_modeling": LanguageModeling,
    "sequence_labeling": SequenceLabeling,
}


def get_task(name: str) -> Task:
    if name not in TASKS:
        raise UnknownNameError("task", name, TASKS)
    return TASKS[name]()


__all__ = ["TASKS", "Task", "TaskMetric", "get_task"]
