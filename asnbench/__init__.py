"""asnbench: benchmarks for the Adaptive Spiking Neuron family."""

__version__ = "0.1.0"
