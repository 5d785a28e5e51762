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
    "level",
    "metric",
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
        if self.data_format in ("label-files", "tsv"):
            return text.to_hf_dataset(_read_text_examples(self.data_format, path, split, self.options), self.options["labels"], path)
        if self.data_format == "conll":
            return text.sentences_to_hf_dataset(text.read_conll(path, split, self.options["tag_column"]))
        if self.data_format == "text":
            return text.lines_to_hf_dataset(text.read_plain_text(path, split))
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
        raise UserDatasetFieldError("path", "missing; give the folder that contains the files")
    path = Path(fields["path"]).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    path = path.resolve()
    if not path.is_dir():
        raise UserDatasetFieldError("path", f"folder {path} does not exist")

    from asnbench.tasks import TASKS

    if task not in TASKS:
        raise UserDatasetFieldError(
            "format", f"format {data_format!r} needs the {task} task, which this version of asnbench does not have"
        )
    try:
        if FORMATS[data_format] == "image_classification":
            spec = _image_spec(name, data_format, path, fields)
        elif FORMATS[data_format] == "text_classification":
            spec = _text_spec(name, data_format, path, fields)
        elif data_format == "conll":
            spec = _conll_spec(name, path, fields)
        else:
            spec = _language_modeling_spec(name, path, fields)
    except UserDatasetFieldError:
        raise
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


def _text_options(data_format: str, fields: dict[str, Any]) -> dict[str, Any]:
    if data_format == "label-files":
        fraction = fields.get("test_fraction", 0.1)
        if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0 < fraction < 1:
            raise UserDatasetFieldError("test_fraction", f"must be a number between 0 and 1, got {fraction!r}")
        return {"test_fraction": float(fraction)}
    options = {"text_column": fields.get("text_column", "text"), "label_column": fields.get("label_column", "label")}
    for key, value in options.items():
        if not isinstance(value, str) or not value:
            raise UserDatasetFieldError(key, f"must be a column name, got {value!r}")
    return options


def _read_text_examples(data_format: str, path: Path, split: str, options: dict[str, Any]) -> list[tuple[str, str]]:
    if data_format == "label-files":
        return text.read_label_files(path, split, options["test_fraction"])
    return text.read_tsv(path, split, options["text_column"], options["label_column"])


def _text_spec(name: str, data_format: str, path: Path, fields: dict[str, Any]) -> UserDatasetSpec:
    """Build a text classification spec that trains with the default model and profiles of SST-2."""
    options = _text_options(data_format, fields)
    labels = sorted({label for _, label in _read_text_examples(data_format, path, "train", options)})
    if len(labels) < 2:
        raise UserDatasetFieldError("path", f"the training split of {path} has {len(labels)} label; classification needs at least two")
    template = get_dataset("text/sst2")
    return UserDatasetSpec(
        name=name,
        task=FORMATS[data_format],
        metric="accuracy",
        loader="asnbench.user_datasets.text:to_hf_dataset",
        input_shape=(),
        num_classes=len(labels),
        default_model=template.default_model,
        profiles=template.profiles,
        source=f"user {data_format} data in {path} ({len(labels)} labels)",
        data_path=str(path),
        data_format=data_format,
        options={**options, "labels": labels},
    )


def _conll_spec(name: str, path: Path, fields: dict[str, Any]) -> UserDatasetSpec:
    """Build a sequence labeling spec that trains with the default model and profiles of CoNLL-2003."""
    tag_column = fields.get("tag_column", -1)
    if isinstance(tag_column, bool) or not isinstance(tag_column, int):
        raise UserDatasetFieldError("tag_column", f"must be a column index (0 is the first, -1 the last), got {tag_column!r}")
    metric = fields.get("metric", "entity_f1")
    if metric not in ("entity_f1", "accuracy"):
        raise UserDatasetFieldError("metric", f"must be entity_f1 (BIO entity tags) or accuracy (per-token tags), got {metric!r}")
    sentences = text.read_conll(path, "train", tag_column)
    text.read_conll(path, "test", tag_column)
    tags = sorted({tag for _, sentence_tags in sentences for tag in sentence_tags})
    template = get_dataset("tag/conll2003")
    return UserDatasetSpec(
        name=name,
        task="sequence_labeling",
        metric=metric,
        loader="asnbench.user_datasets.text:sentences_to_hf_dataset",
        input_shape=(),
        num_classes=len(tags),
        default_model=template.default_model,
        profiles=template.profiles,
        source=f"user CoNLL data in {path} ({len(sentences)} training sentences, {len(tags)} tags)",
        data_path=str(path),
        data_format="conll",
        options={"tag_column": tag_column},
    )


def _language_modeling_spec(name: str, path: Path, fields: dict[str, Any]) -> UserDatasetSpec:
    """Build a language modeling spec, word level like Penn Treebank (perplexity) or character level like Tiny Shakespeare."""
    level = fields.get("level", "word")
    if level not in ("word", "char"):
        raise UserDatasetFieldError("level", f"must be word (perplexity) or char (bits per character), got {level!r}")
    for split in ("train", "test"):
        text.read_plain_text(path, split)
    template = get_dataset("lm/ptb" if level == "word" else "lm/tiny-shakespeare")
    return UserDatasetSpec(
        name=name,
        task="language_modeling",
        metric=template.metric,
        loader="asnbench.user_datasets.text:lines_to_hf_dataset",
        input_shape=(),
        num_classes=0,
        default_model=template.default_model,
        profiles=template.profiles,
        source=f"user plain text in {path}, {level} level",
        data_path=str(path),
        data_format="text",
        options={"level": level},
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
