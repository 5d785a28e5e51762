"""User-defined datasets: local files in a supported format, registered under a name of the user's choosing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asnbench.errors import AsnbenchError, ConfigError
from asnbench.registry import DATASETS, DatasetSpec, ProfileSettings, get_dataset, register
from asnbench.user_datasets import images, text

# Format name -> the task it feeds.
FORMATS = {
    "image-folder": "image_classification",
    "idx": "image_classification",
    "label-files": "text_classification",
    "tsv": "text_classification",
    "conll": "sequence_labeling",
    "text": "language_modeling",
}

# Keys a suite's dataset entry may carry to define a user dataset, besides name and overrides.
USER_DATASET_KEYS = (
    "format",
    "path",
    "task",
    "image_size",
    "channels",
    "test_fraction",
    "text_column",
    "label_column",
    "tag_column",
)

# Training budgets for user image data: an MLP sized like the built-in small image sets.
_IMAGE_PROFILES = {
    "smoke": ProfileSettings(epochs=5, batch_size=64, lr=1e-3, model_options={"hidden": (256,)}),
    "full": ProfileSettings(epochs=50, batch_size=64, lr=1e-3, model_options={"hidden": (512, 512)}),
}


class UserDatasetFieldError(ConfigError):
    """An invalid field of a user dataset definition; ``field`` names the key."""

    def __init__(self, field_name: str, reason: str):
        self.field = field_name
        self.reason = reason
        super().__init__(f"{field_name}: {reason}")


@dataclass(frozen=True)
class UserDatasetSpec(DatasetSpec):
    """A dataset read from ``data_path`` in ``data_format`` instead of from the data root."""

    data_path: str = ""
    data_format: str = ""
    options: dict[str, Any] = field(default_factory=dict)

    def load(self, root: Path, split: str, download: bool = True) -> Any:
        path = Path(self.data_path)
        if self.data_format == "image-folder":
            return images.read_image_folder(path, split, tuple(self.input_shape[1:]), self.input_shape[0])
        if self.data_format == "idx":
            return images.read_idx_folder(path, split, self.num_classes)
        raise ConfigError(f"user dataset {self.name!r}: format {self.data_format!r} has no loader for its task yet")

    def is_present(self, root: Path) -> bool:
        return Path(self.data_path).exists()


def define_user_dataset(name: str, fields: dict[str, Any], base_dir: Path | None) -> DatasetSpec:
    """Check a user dataset definition, read its shape from the files and register it under ``name``.

    A relative ``path`` is resolved against ``base_dir`` (the suite file's
    folder). Defining the same name again with the same fields returns the
    registered spec; a built-in name or a different definition is rejected.
    """
    data_format = fields.get("format")
    if data_format not in FORMATS:
        raise UserDatasetFieldError("format", f"unknown format {data_format!r}; valid formats: {', '.join(FORMATS)}")
    task = FORMATS[data_format]
    if fields.get("task", task) != task:
        raise UserDatasetFieldError("task", f"format {data_format!r} feeds the {task} task, not {fields['task']!r}")
    if not isinstance(fields.get("path"), str):
        raise UserDatasetFieldError("path", "missing; give the folder that holds the files")
    path = Path(fields["path"]).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    path = path.resolve()
    if not path.is_dir():
        raise UserDatasetFieldError("path", f"folder {path} does not exist")

    from asnbench.tasks import TASKS

    if task not in TASKS:
        # NOTE: the text readers in asnbench.user_datasets.text parse these formats, but no
        # task consumes them until this asnbench version has the task.
        raise UserDatasetFieldError(
            "format", f"format {data_format!r} needs the {task} task, which this version of asnbench does not have yet"
        )
    try:
        spec = _image_spec(name, data_format, path, fields)
    except AsnbenchError as error:
        raise UserDatasetFieldError("path", str(error)) from error

    if name in DATASETS:
        existing = get_dataset(name)
        if existing == spec:
            return existing
        kind = "a built-in dataset" if not isinstance(existing, UserDatasetSpec) else "another user dataset"
        raise UserDatasetFieldError("name", f"{name!r} is already {kind}; choose another name")
    return register(spec)


def _image_spec(name: str, data_format: str, path: Path, fields: dict[str, Any]) -> UserDatasetSpec:
    if data_format == "idx":
        (height, width), num_classes = images.idx_shape(path)
        channels, classes = 1, [str(i) for i in range(num_classes)]
    else:
        classes = images.image_folder_classes(path)
        num_classes = len(classes)
        channels = fields.get("channels", 3)
        if channels not in (1, 3):
            raise UserDatasetFieldError("channels", f"must be 1 (grayscale) or 3 (RGB), got {channels!r}")
        height, width = _image_size(fields.get("image_size"), path)
    if num_classes < 2:
        raise UserDatasetFieldError("path", f"{path} has {num_classes} class; classification needs at least two")
    return UserDatasetSpec(
        name=name,
        task=FORMATS[data_format],
        metric="accuracy",
        loader=f"asnbench.user_datasets.images:{'read_idx_folder' if data_format == 'idx' else 'read_image_folder'}",
        input_shape=(channels, height, width),
        num_classes=num_classes,
        default_model="mlp",
        profiles=_IMAGE_PROFILES,
        source=f"user {data_format} data in {path} ({num_classes} classes)",
        data_path=str(path),
        data_format=data_format,
    )


def _image_size(value: Any, path: Path) -> tuple[int, int]:
    if value is None:
        return images.first_image_size(path)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value, value
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
    ):
        return value[0], value[1]
    raise UserDatasetFieldError("image_size", f"must be a positive integer or [height, width], got {value!r}")
