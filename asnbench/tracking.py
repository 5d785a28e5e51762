"""MLflow tracking of runs: parameters, per-epoch metrics, final metrics and the model."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from asnbench.errors import AsnbenchError
from asnbench.storage import check_writable_folder

logger = logging.getLogger("asnbench.tracking")

DEFAULT_EXPERIMENT = "asnbench"

# Seconds to wait for a tracking server to respond to the check before a run starts.
SERVER_CHECK_TIMEOUT_S = 5.0

NO_TRACKING_HINT = "pass a reachable --tracking-uri, or --no-tracking to run without MLflow"


class TrackingUnavailableError(AsnbenchError):
    """The MLflow tracking store cannot be reached or written."""


def default_tracking_uri() -> str:
    """``MLFLOW_TRACKING_URI`` if set, else a SQLite store ``mlflow.db`` in the working directory."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{Path.cwd() / 'mlflow.db'}"


def sqlite_path(tracking_uri: str) -> Path | None:
    """Return the database file of a ``sqlite:///`` tracking URI, or None for other URIs."""
    if not tracking_uri.startswith("sqlite:///"):
        return None
    return Path(tracking_uri.removeprefix("sqlite:///"))


def check_tracking_store(tracking_uri: str) -> None:
    """Raise TrackingUnavailableError when the store at ``tracking_uri`` cannot be used.

    A ``sqlite:///`` or ``file:`` store needs a writable folder (MLflow creates missing
    ones), and an existing database file must open for writing. An ``http(s)://`` server
    must respond to one request within ``SERVER_CHECK_TIMEOUT_S`` seconds, whatever its status
    code. This check writes nothing. Other schemes are checked when the Tracker connects.
    """
    database = sqlite_path(tracking_uri)
    folder = database.parent if database is not None else None
    if tracking_uri.startswith("file:"):
        folder = Path(tracking_uri.removeprefix("file://").removeprefix("file:"))
    if folder is not None:
        try:
            check_writable_folder(folder, "--tracking-uri")
            if database is not None and database.exists():
                with database.open("r+b"):
                    pass
        except (AsnbenchError, OSError) as error:
            raise TrackingUnavailableError(
                f"the MLflow tracking store {tracking_uri} is not writable ({error}); {NO_TRACKING_HINT}"
            ) from error
    elif tracking_uri.startswith(("http://", "https://")):
        _check_server(tracking_uri)


def _check_server(tracking_uri: str) -> None:
    import requests

    url = f"{tracking_uri.rstrip('/')}/api/2.0/mlflow/experiments/get-by-name"
    try:
        requests.get(url, params={"experiment_name": DEFAULT_EXPERIMENT}, timeout=SERVER_CHECK_TIMEOUT_S)
    except requests.RequestException as error:
        reason = " ".join(str(error).split())
        raise TrackingUnavailableError(
            f"cannot reach the MLflow tracking server {tracking_uri} (waited at most "
            f"{SERVER_CHECK_TIMEOUT_S:g} s): {reason}; {NO_TRACKING_HINT}"
        ) from error


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
        self.tracking_uri = tracking_uri or default_tracking_uri()
        # Checked before importing MLflow, which alone takes seconds.
        check_tracking_store(self.tracking_uri)
        import mlflow

        self._mlflow = mlflow
        try:
            self.client = mlflow.MlflowClient(tracking_uri=self.tracking_uri)
            self.experiment_id = self._experiment_id(experiment)
        # MLflow raises MlflowException, SQLAlchemy and requests errors here, with no common base.
        except Exception as error:
            reason = " ".join(str(error).split())[:500] or type(error).__name__
            raise TrackingUnavailableError(
                f"cannot open the MLflow tracking store {self.tracking_uri}: {reason}; {NO_TRACKING_HINT}"
            ) from error
        self.run_id: str | None = None

    @property
    def enabled(self) -> bool:
        return True

    def _experiment_id(self, experiment: str) -> str:
        existing = self.client.get_experiment_by_name(experiment)
        if existing is not None:
            return existing.experiment_id
        artifact_location = None
        database = sqlite_path(self.tracking_uri)
        if database is not None:
            # Keep artifacts next to the database rather than in whatever the cwd is later.
            artifact_location = (database.parent / "mlruns").resolve().as_uri()
        return self.client.create_experiment(experiment, artifact_location=artifact_location)

    def start(self, run_name: str, tags: dict[str, str], run_id: str | None = None) -> str:
        if run_id is not None and not self._run_exists(run_id):
            logger.warning("MLflow run %s of the checkpoint is not in %s; starting a new run", run_id, self.tracking_uri)
            run_id = None
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

    def _run_exists(self, run_id: str) -> bool:
        from mlflow.exceptions import MlflowException

        try:
            self.client.get_run(run_id)
        except MlflowException:
            return False
        return True


class NullTracker:
    """The Tracker interface for ``--no-tracking`` runs: every call does nothing."""

    tracking_uri = None
    run_id = None
    enabled = False

    def start(self, run_name: str, tags: dict[str, str], run_id: str | None = None) -> None:
        logger.info("MLflow tracking is off for this run")

    def log_params(self, params: dict[str, Any]) -> None:
        pass

    def log_metrics(self, metrics: dict[str, float], step: int | None = None) -> None:
        pass

    def log_artifact(self, path: str | os.PathLike, artifact_path: str | None = None) -> None:
        pass

    def set_tag(self, key: str, value: str) -> None:
        pass

    def end(self, status: str = "FINISHED") -> None:
        pass
