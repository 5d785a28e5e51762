"""Speed and memory benchmarks of asnbench against snnTorch, SpikingJelly and NeuroBench.

Run ``python -m benchmarks train|eval|epoch|all``; results go to
``docs/benchmarks.md``. These are measurements, not tests: nothing here
asserts a speed.
"""
