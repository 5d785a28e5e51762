"""Datasets defined by the user in a suite file: local files in a supported format."""

from asnbench.user_datasets.definition import (
    FORMATS,
    USER_DATASET_KEYS,
    UserDatasetFieldError,
    UserDatasetSpec,
    define_user_dataset,
)

__all__ = ["FORMATS", "USER_DATASET_KEYS", "UserDatasetFieldError", "UserDatasetSpec", "define_user_dataset"]
