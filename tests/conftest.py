import os

# Tests never reach the network: MLflow telemetry off, hubs and downloads offline.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ASNBENCH_OFFLINE", "1")
