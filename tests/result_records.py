"""Result records written by tests, with the fields compare, leaderboard and regress read."""

from asnbench.config import RunConfig


def make_record(dataset="vision/digits", neuron="asn", seed=0, metric=0.9, spikes=100.0, synops=1000.0,
                energy=5000.0, macs=64.0, epochs=3, finished_at="2026-01-01T00:00:00+00:00", **extra):
    config = RunConfig(dataset=dataset, neuron=neuron, seed=seed, epochs=epochs).resolved()
    record = {
        "dataset": dataset,
        "task": config.spec().task,
        "profile": config.profile,
        "neuron": neuron,
        "seed": seed,
        "metric_name": "accuracy",
        "higher_is_better": True,
        "metric_value": metric,
        "spikes_per_sample": spikes,
        "synops_per_sample": synops,
        "macs_per_sample": macs,
        "energy_pj_per_sample": energy,
        "energy_model": "45nm",
        "run_key": config.key(),
        "status": "finished",
        "config": config.to_dict(),
        "code_version": {"package": "0.1.0", "commit": "0123456789abcdef", "dirty": False},
        "environment": {"python": "3.11.7", "torch": "2.14.1", "cuda": None, "cpu_count": 2},
        "finished_at": finished_at,
    }
    record.update(extra)
    return record
