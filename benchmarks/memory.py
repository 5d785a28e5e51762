"""Peak memory of one training step, measured in a fresh process: ``python -m benchmarks.memory ARCH VARIANT``.

A fresh process is needed because glibc keeps freed memory for reuse, so
in a process that already ran other variants a step may allocate without
raising the resident size. The threshold set here would also slow the
timing runs (every tensor becomes its own mapping), so timing stays in
the parent process.
"""

from __future__ import annotations

import json
import subprocess
import sys

import torch


def measure_in_subprocess(architecture: str, variant: str, threads: int | None) -> dict[str, float]:
    """Return ``{"peak_mib", "saved_mib"}`` of one step of ``variant``, from a child process."""
    command = [sys.executable, "-m", "benchmarks.memory", architecture, variant]
    if threads:
        command.append(str(threads))
    completed = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    if completed.returncode != 0:
        raise RuntimeError(f"memory measurement of {variant!r} failed:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    from benchmarks.timing import fix_malloc_threshold, peak_memory_mib, saved_tensor_mib

    fix_malloc_threshold()
    from benchmarks import train_step

    architecture, variant = argv[0], argv[1]
    if len(argv) > 2:
        torch.set_num_threads(int(argv[2]))
    batch, _ = train_step.ARCHITECTURES[architecture]
    torch.manual_seed(0)
    images = torch.rand(batch, 1, 28, 28)
    labels = torch.randint(0, 10, (batch,))
    model = train_step.build_variants(architecture, only=variant)[variant]
    step = train_step.training_step(model, images, labels)
    step()  # the first step allocates lazily created state
    peaks = sorted(peak_memory_mib(step, before=lambda: model.zero_grad(set_to_none=True)) for _ in range(3))
    print(json.dumps({"peak_mib": peaks[1], "saved_mib": saved_tensor_mib(step)}))


if __name__ == "__main__":
    main(sys.argv[1:])
