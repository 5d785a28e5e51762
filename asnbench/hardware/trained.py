"""Find a finished run in the results store and rebuild its trained network from MLflow."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from asnbench.config import RunConfig
from asnbench.errors import AsnbenchError
from asnbench.models import SpikingNetwork
from asnbench.registry import DatasetSpec
from asnbench.results import ResultsStore
from asnbench.tasks import get_task

MODEL_ARTIFACT = "model/model.pt"


class RunNotFoundError(AsnbenchError):
    """No finished run with the requested id, or its model artifact is missing."""


@dataclass
class TrainedRun:
    """A finished run's record, configuration, dataset spec and trained (training-mode) network."""

    record: dict[str, Any]
    config: RunConfig
    spec: DatasetSpec
    model: SpikingNetwork

    @property
    def run_id(self) -> str:
        return self.record["mlflow_run_id"]


def find_record(run_id: str, results_dir: str | os.PathLike) -> dict[str, Any]:
    """Return the last finished record whose MLflow run id or run key is ``run_id``."""
    match = None
    for record in ResultsStore(results_dir):
        if record.get("status") == "finished" and run_id in (record.get("mlflow_run_id"), record.get("run_key")):
            match = record
    if match is None:
        raise RunNotFoundError(
            f"no finished run {run_id!r} in {Path(results_dir) / 'runs.jsonl'}; pass the MLflow run id "
            "printed by `asnbench run` (or its run_key), and --results-dir if the store lives elsewhere"
        )
    return match


def load_trained_run(run_id: str, results_dir: str | os.PathLike, tracking_uri: str | None = None) -> TrainedRun:
    """Rebuild the network of run ``run_id`` and load the state dict logged to MLflow as ``model/model.pt``."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    import mlflow
    from mlflow.exceptions import MlflowException

    record = find_record(run_id, results_dir)
    config = RunConfig(**record["config"])
    spec = config.spec()
    uri = tracking_uri or record.get("tracking_uri")
    with tempfile.TemporaryDirectory() as folder:
        try:
            path = mlflow.artifacts.download_artifacts(
                run_id=record["mlflow_run_id"], artifact_path=MODEL_ARTIFACT, dst_path=folder, tracking_uri=uri
            )
        except (MlflowException, OSError) as error:
            raise RunNotFoundError(
                f"cannot download {MODEL_ARTIFACT} of MLflow run {record['mlflow_run_id']} from {uri}: {error}; "
                "pass --tracking-uri if the tracking store has moved"
            ) from error
        state = torch.load(path, map_location="cpu", weights_only=True)
    model = get_task(spec.task).build_model(spec, config)
    model.load_state_dict(state["state_dict"])
    return TrainedRun(record=record, config=config, spec=spec, model=model)
