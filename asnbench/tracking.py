"""MLflow tracking of runs: parameters, per-epoch metrics, final metrics and the model."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

logger = logging.getLogger("asnbench.tracking")

DEFAULT_EXPERIMENT = "asnbench"


def default_tracking_uri() -> str:
    """``MLFLOW_TRACKING_URI`` if set, else a SQLite store ``mlflow.db`` in the working directory."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{Path.cwd() / 'mlflow.db'}"


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), item, out)
    else:
        out[prefix] = value


class Tracker:
    """One MLflow run, created fresh or reopened by id to continue a resumed run."""

    def __init__(self, tracking_uri: str | None = None, experiment: str = DEFAULT_EXPERIMENT):
        # MLflow's telemetry does a DNS lookup at import; keep it off unless the user turned it on.
        os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
        import mlflow

        self._mlflow = mlflow
        self.tracking_uri = tracking_uri or default_tracking_uri()
        self.client = mlflow.MlflowClient(tracking_uri=self.tracking_uri)
        existing = self.client.get_experiment_by_name(experiment)
        if existing is None:
            artifact_location = None
            if self.tracking_uri.startswith("sqlite:///"):
                # Keep artifacts next to the database rather than in whatever the cwd is later.
                database = Path(self.tracking_uri.removeprefix("sqlite:///"))
                artifact_location = (database.parent / "mlruns").resolve().as_uri()
            self.experiment_id = self.client.create_experiment(experiment, artifact_location=artifact_location)
        else:
            self.experiment_id = existing.experiment_id
        self.run_id: str | None = None

    def start(self, run_name: str, tags: dict[str, str], run_id: str | None = None) -> str:
        if run_id is not None:
            self.client.update_run(run_id, status="RUNNING")
            self.run_id = run_id
            logger.info("continuing MLflow run %s", run_id)
        else:
            run = self.client.create_run(self.experiment_id, run_name=run_name, tags=tags)
            self.run_id = run.info.run_id
            logger.info("started MLflow run %s", self.run_id)
        return self.run_id

    def log_params(self, params: dict[str, Any]) -> None:
        flat: dict[str, Any] = {}
        _flatten("", params, flat)
        existing = self.client.get_run(self.run_id).data.params
        for key, value in flat.items():
            if key not in existing:
                self.client.log_param(self.run_id, key, str(value)[:6000])

    def log_metrics(self, metrics: dict[str, float], step: int | None = None) -> None:
        for key, value in metrics.items():
            if value is None:
                continue
            self.client.log_metric(self.run_id, key, float(value), step=step or 0)

    def log_artifact(self, path: str | os.PathLike, artifact_path: str | None = None) -> None:
        self.client.log_artifact(self.run_id, str(path), artifact_path)

    def set_tag(self, key: str, value: str) -> None:
        self.client.set_tag(self.run_id, key, value)

    def end(self, status: str = "FINISHED") -> None:
        """Close the run with MLflow status ``FINISHED``, ``FAILED`` or ``KILLED``."""
        if self.run_id is not None:
            self.client.set_terminated(self.run_id, status=status)
            logger.info("MLflow run %s ended as %s", self.run_id, status)
