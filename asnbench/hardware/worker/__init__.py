"""Code that runs inside the Lava environment (Python 3.10, numpy and lava-nc only).

Nothing here may import asnbench or torch: :mod:`lava_worker` is started as
a script by the Lava interpreter, and Lava's compiler imports every module in
this folder while it looks for process models.
"""
