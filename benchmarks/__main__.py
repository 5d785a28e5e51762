"""Command line: ``python -m benchmarks train|eval|epoch|all [options]``."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

import torch

from benchmarks import epoch, eval_overhead, train_step
from benchmarks.data import data_root
from benchmarks.report import machine_line, table, write_section

LIF = f"asnbench LIF T={train_step.TIMESTEPS}"
ASN = f"asnbench ASN integer D={train_step.LEVELS}"
SNNTORCH = f"snnTorch Leaky T={train_step.TIMESTEPS}"
SPIKINGJELLY = f"SpikingJelly LIFNode T={train_step.TIMESTEPS}"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("benchmark", choices=["train", "eval", "epoch", "all"])
    parser.add_argument("--repeats", type=int, default=30, help="timed calls per variant (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed calls per variant first (default 3)")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--architectures", nargs="+", default=list(train_step.ARCHITECTURES), choices=list(train_step.ARCHITECTURES))
    parser.add_argument("--data-dir", default=None, help="data root with mnist/raw/ (default $ASNBENCH_DATA)")
    parser.add_argument("--eval-samples", type=int, default=1024, help="MNIST test images per evaluation (default 1024)")
    parser.add_argument("--train-steps", type=int, default=300, help="training steps of the evaluated ASN (default 300)")
    parser.add_argument("--profile", default="smoke", help="vision/mnist profile for the epoch benchmark (default smoke)")
    parser.add_argument("--output", type=Path, default=Path("docs/benchmarks.md"))
    args = parser.parse_args(argv)
    if args.repeats < 4 or args.warmup < 0:
        parser.error(f"--repeats must be at least 4 and --warmup non-negative, got {args.repeats} and {args.warmup}")
    return args


def _ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}x"


def train_section(args: argparse.Namespace, command: str) -> str:
    results = train_step.run(args.architectures, args.repeats, args.warmup, args.threads)
    parts = [f"## Training step (forward + backward): {', '.join(args.architectures)}\n\nCommand: `{command}`  \nMachine: {machine_line()}\n"]
    for architecture in args.architectures:
        rows = [r for r in results if r.architecture == architecture]
        by_name = {r.variant: r for r in rows}
        batch, description = train_step.ARCHITECTURES[architecture]
        parts.append(f"### {description}, batch {batch}\n")
        parts.append(
            table(
                ["variant", "median ms", "25-75 % ms", "samples/s", "peak MiB", "saved for backward MiB"],
                [
                    [
                        r.variant,
                        f"{r.median_ms:.1f}",
                        f"{r.quartiles_ms[0]:.1f}-{r.quartiles_ms[1]:.1f}",
                        f"{1000 * r.batch / r.median_ms:.0f}",
                        f"{r.peak_mib:.1f}",
                        f"{r.saved_mib:.1f}",
                    ]
                    for r in rows
                ],
            )
        )
        lif, asn = by_name[LIF], by_name[ASN]
        parts.append(
            "\n"
            + table(
                ["ratio", "value", "target"],
                [
                    ["ASN throughput / asnbench LIF", _ratio(lif.median_ms, asn.median_ms), ">= 3x"],
                    ["ASN peak memory / asnbench LIF", _ratio(asn.peak_mib, lif.peak_mib), "<= 0.5x"],
                    ["ASN saved tensors / asnbench LIF", _ratio(asn.saved_mib, lif.saved_mib), ""],
                    ["asnbench LIF speed / snnTorch Leaky", _ratio(by_name[SNNTORCH].median_ms, lif.median_ms), ">= 1.5x"],
                    ["asnbench LIF speed / SpikingJelly LIFNode", _ratio(by_name[SPIKINGJELLY].median_ms, lif.median_ms), ">= 1.0x"],
                ],
            )
            + "\n"
        )
    return "\n".join(parts)


def eval_section(args: argparse.Namespace, command: str) -> str:
    results, facts = eval_overhead.run(
        data_root(args.data_dir), args.eval_samples, args.train_steps, args.repeats, args.warmup
    )
    by_name = {r.variant: r for r in results}
    rows = []
    for r in results:
        base = by_name[r.baseline]
        overhead = "" if r.baseline == r.variant else f"{100 * (r.median_ms / base.median_ms - 1):+.1f} %"
        rows.append([r.variant, f"{r.median_ms:.0f}", f"{r.quartiles_ms[0]:.0f}-{r.quartiles_ms[1]:.0f}", overhead])
    return (
        "## Evaluation with and without operation counting\n\n"
        f"Command: `{command}`  \nMachine: {machine_line()}\n\n"
        f"Integer-trained ASN MLP 784-512-10 (D = 4, {int(facts['train_steps'])} Adam steps on MNIST), "
        f"evaluated in spike inference on the first {int(facts['samples'])} MNIST test images, batch "
        f"{eval_overhead.BATCH}; accuracy {facts['accuracy']:.4f} (asnbench) and "
        f"{facts['stepwise_accuracy']:.4f} (the step-by-step copy NeuroBench runs). NeuroBench hooks "
        "`nn.Linear` calls, so it runs a copy that calls each layer once per binary sub-step; its "
        "overhead is relative to the same harness without SynapticOperations.\n\n"
        + table(["variant", "median ms per pass", "25-75 % ms", "counting overhead"], rows)
        + "\n"
    )


def epoch_section(args: argparse.Namespace, command: str) -> str:
    results = epoch.run(data_root(args.data_dir), args.profile, args.repeats, args.warmup)
    rows = [
        [
            r.neuron,
            str(r.timesteps),
            f"{r.median_step_ms:.1f}",
            f"{r.quartiles_ms[0]:.1f}-{r.quartiles_ms[1]:.1f}",
            f"{r.epoch_seconds:.0f}",
        ]
        for r in results
    ]
    steps = results[0].steps_per_epoch
    return (
        "## Time per epoch of vision/mnist\n\n"
        f"Command: `{command}`  \nMachine: {machine_line()}\n\n"
        f"Profile `{args.profile}` (MLP 784-512-10, batch 128, Adam). Each neuron ran {args.repeats} "
        f"runner-style training steps (forward, backward, optimizer step) interleaved with the others; "
        f"the epoch time is the median step time x {steps} steps, without data loading.\n\n"
        + table(["neuron", "T", "median ms per step", "25-75 % ms", "epoch s (estimate)"], rows)
        + "\n"
    )


SECTIONS = {"train": train_section, "eval": eval_section, "epoch": epoch_section}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    command = "python -m benchmarks " + shlex.join(argv)
    names = list(SECTIONS) if args.benchmark == "all" else [args.benchmark]
    for name in names:
        if name == "train":
            # One section per architecture, so architectures can be rerun separately.
            architectures = args.architectures
            for architecture in architectures:
                args.architectures = [architecture]
                body = train_section(args, command)
                write_section(args.output, f"train-{architecture}", body)
                print(body)
            args.architectures = architectures
            continue
        body = SECTIONS[name](args, command)
        write_section(args.output, name, body)
        print(body)


if __name__ == "__main__":
    main()
