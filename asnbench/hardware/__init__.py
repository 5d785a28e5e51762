"""Running trained asnbench networks on neuromorphic targets: Lava's Loihi 2 simulator and NIR export."""
