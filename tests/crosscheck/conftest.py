import sys
from pathlib import Path

# The benchmarks package lives at the repository root and is not installed with asnbench.
ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
