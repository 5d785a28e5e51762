"""``hw run``: run a trained network on Lava's Loihi 2 simulator and compare it with PyTorch."""

from __future__ import annotations

import json
import logging
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from typing import TYPE_CHECKING

import numpy as np

from asnbench.errors import ConfigError
from asnbench.hardware.lava_driver import TAGS, LavaResult, check_lava_python, run_on_lava
from asnbench.results import ResultsStore

if TYPE_CHECKING:
    from asnbench.hardware.reference import ReferenceResult
    from asnbench.hardware.trained import TrainedRun

logger = logging.getLogger("asnbench.hardware")

TARGETS = ("loihi2-sim",)
RECORD_TYPE = "hardware_parity"


@dataclass(frozen=True)
class HardwareOptions:
    """Options of ``hw run``: the target, the samples, and where it reads and writes."""

    target: str = "loihi2-sim"
    samples: int = 500
    fixed_point: bool = False
    lava_python: str | None = None
    timeout: float = 600.0
    chunk: int = 500
    data_dir: str | None = None
    results_dir: str = "results/runs"
    tracking_uri: str | None = None
    download: bool = False


def load_test_samples(trained: "TrainedRun", samples: int, data_dir: str | None, download: bool) -> tuple[np.ndarray, np.ndarray]:
    """The first ``samples`` test images and labels of the run's dataset, as numpy arrays."""
    import torch

    from asnbench.data.root import resolve_data_root

    test_set = trained.spec.load(resolve_data_root(data_dir), "test", download)
    count = min(samples, len(test_set))
    images, labels = zip(*(test_set[i] for i in range(count)))
    return torch.stack(images).double().numpy(), np.asarray([int(label) for label in labels])


def parity_report(
    reference: "ReferenceResult", lava: LavaResult, labels: np.ndarray, layer_names: list[str]
) -> dict[str, Any]:
    """Accuracy, prediction agreement, per-layer spike counts and timing of one Lava run against PyTorch."""
    samples = len(labels)
    torch_pred = reference.logits.argmax(axis=1)
    lava_pred = lava.logits.argmax(axis=1)
    layers = []
    for index, name in enumerate(layer_names):
        torch_spikes = reference.spike_counts[index]
        lava_spikes = lava.spike_counts[index]
        layers.append(
            {
                "layer": name,
                "pytorch_spikes_per_sample": float(torch_spikes.mean()),
                "lava_spikes_per_sample": float(lava_spikes.mean()),
                "spike_difference_total": float((lava_spikes - torch_spikes).sum()),
                "spike_abs_difference_total": float(np.abs(lava_spikes - torch_spikes).sum()),
                "samples_with_different_counts": int((lava_spikes != torch_spikes).sum()),
            }
        )
    return {
        "samples": samples,
        "pytorch_accuracy": float((torch_pred == labels).mean()),
        "lava_accuracy": float((lava_pred == labels).mean()),
        "accuracy_difference_pp": float(100 * ((lava_pred == labels).mean() - (torch_pred == labels).mean())),
        "prediction_agreement": float((torch_pred == lava_pred).mean()),
        "max_abs_logit_difference": float(np.abs(reference.logits - lava.logits).max()),
        "spike_counts_equal": all(layer["samples_with_different_counts"] == 0 for layer in layers),
        "layers": layers,
        "lava_steps": lava.lava_steps,
        "lava_steps_per_sample": lava.lava_steps / samples,
        "lava_wall_seconds_per_sample": lava.wall_seconds / samples,
        "lava_run_seconds_per_sample": lava.lava_seconds / samples,
        "pytorch_seconds_per_sample": reference.seconds / samples,
    }


def _log(trained: "TrainedRun", report: dict[str, Any], options: HardwareOptions) -> None:
    """Log the report's scalars and JSON to the run's MLflow run, and append it to the results store."""
    from asnbench.tracking import Tracker

    tag = TAGS[options.fixed_point]
    tracker = Tracker(options.tracking_uri or trained.record.get("tracking_uri"))
    tracker.run_id = trained.run_id
    prefix = f"hw_{options.target.replace('-', '_')}_{tag}"
    scalars = ("lava_accuracy", "pytorch_accuracy", "prediction_agreement", "lava_wall_seconds_per_sample")
    tracker.log_metrics({f"{prefix}_{key}": report[key] for key in scalars})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{options.target}-{tag}.json"
        path.write_text(json.dumps(report, indent=2, sort_keys=True))
        tracker.log_artifact(path, "hardware")
    ResultsStore(options.results_dir).append(report)


def run_hardware(run_id: str, dataset: str | None, options: HardwareOptions) -> dict[str, Any]:
    """Export run ``run_id``, run its first ``options.samples`` test samples on Lava, log and return the report."""
    if options.target not in TARGETS:
        raise ConfigError(f"unknown hardware target {options.target!r}; valid targets: {', '.join(TARGETS)}")
    if options.samples < 1:
        raise ConfigError(f"--samples must be at least 1, got {options.samples}")
    # Check Lava first: it fails in seconds, before the slow imports and the model download.
    check_lava_python(options.lava_python)
    from asnbench.hardware.network_export import export_network
    from asnbench.hardware.reference import run_reference
    from asnbench.hardware.trained import load_trained_run
    from asnbench.models import to_spike_inference

    trained = load_trained_run(run_id, options.results_dir, options.tracking_uri)
    if dataset is not None and dataset != trained.config.dataset:
        raise ConfigError(f"run {run_id} was trained on {trained.config.dataset}, not {dataset}")
    deployed = to_spike_inference(trained.model)
    network = export_network(deployed, trained.spec.input_shape, trained.spec.num_classes)
    inputs, labels = load_test_samples(trained, options.samples, options.data_dir, options.download)

    reference = run_reference(deployed, inputs)
    lava = run_on_lava(
        network, inputs, fixed_point=options.fixed_point, python=options.lava_python,
        timeout=options.timeout, chunk=options.chunk,
    )
    names = [layer["name"] + f"[{i}]" for i, layer in enumerate(network.layers) if layer["type"] == "neuron"]
    report = parity_report(reference, lava, labels, names)
    report.update(
        {
            "record_type": RECORD_TYPE,
            "status": "hardware",
            "target": options.target,
            "lava_tag": TAGS[options.fixed_point],
            "mlflow_run_id": trained.run_id,
            "run_key": trained.record.get("run_key"),
            "dataset": trained.config.dataset,
            "neuron": trained.config.neuron,
            "timesteps": network.meta["timesteps"],
            "trained_metric_value": trained.record.get("metric_value"),
            "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
    )
    _log(trained, report, options)
    return report
