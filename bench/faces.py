#!/usr/bin/env python3
"""Benchmark of the two faces: the dynamic `Workspace` and the native plugin, each next to its
own do-nothing floor, in the same run, with `--parallel P` (default 32), for several N.

`python bench/faces.py [--sizes 10,100,300] [--repeat 1]` writes bench/RESULTS-faces.md and,
when matplotlib is installed (`pip install matplotlib`; the benchmark's only extra), the plot
bench/faces.png. Reuses bench/run.py's emulator process, stacks, memory sampler and floors.
Not a test: it measures and reports.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):  # `python bench/faces.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import (
    BENCH,
    OPS,
    SLOTS,
    EmulatorProcess,
    Measurement,
    Op,
    Stack,
    base_env,
    code_version,
    find_pulumi,
    latency_floor,
    let_children_be_interrupted,
    measure,
    med,
    pulumi_sdk_version,
    pulumi_version,
    run_facts,
    spread,
)
from bench.run import KINDS as CALL_KINDS

KINDS = {
    "dynamic": "workspace",
    "dynamic floor": "noop",
    "native": "native",
    "native floor": "native-noop",
    # The do-nothing plugin with the native Workspace's state shape: what the engine and the
    # program cost for a state as large as ours (see "The same state shape without the plugin").
    "native fat floor": "native-fat",
}
CODES = {"dynamic": "dy", "dynamic floor": "df", "native": "na", "native floor": "nf", "native fat floor": "nx"}
NATIVE_TARGET = 1.15  # native up/refresh/update ≤ this × (a native floor + the latency floor)
LAUNCHERS = {  # how Pulumi finds the two native plugins: executables on PATH
    "pulumi-resource-modelarts": "modelarts_provider.native",
    "pulumi-resource-benchnoop": "bench.noop_native",
}


def with_parallel(op: Op, parallel: int) -> Op:
    return Op(op.label, (*op.args, "--parallel", str(parallel)), op.revision)


def launchers(root: Path) -> Path:
    """`pulumi-resource-*` scripts that run the plugins with this Python and this checkout."""
    bin_dir = root / "plugins"
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name, module in LAUNCHERS.items():
        path = bin_dir / name
        path.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m {module} "$@"\n')
        path.chmod(0o755)
    return bin_dir


Results = dict[tuple[int, str, str], list[Measurement]]


def run(args: argparse.Namespace) -> tuple[Results, dict[str, str]]:
    pulumi_dir = find_pulumi()
    emulator = EmulatorProcess(args.latency, args.delete_duration)
    results: Results = {}
    started = time.time()
    load_before = os.getloadavg()
    commit = os.environ.get("BENCH_COMMIT") or code_version()  # set when run from a snapshot of a commit
    ops = [with_parallel(op, args.parallel) for op in OPS]
    try:
        with tempfile.TemporaryDirectory(prefix="modelarts-faces-") as tmp:
            root = Path(args.workdir or tmp)
            root.mkdir(parents=True, exist_ok=True)
            env = base_env(root, emulator, "aksk", pulumi_dir)
            env["PATH"] = f"{launchers(root)}{os.pathsep}{env['PATH']}"
            versions = (pulumi_version(env), pulumi_sdk_version())
            for count in args.sizes:
                for rep in range(args.repeat):
                    stacks = {
                        face: Stack(root, KINDS[face], count, f"{CODES[face]}{count}r{rep}", env) for face in args.faces
                    }
                    order = list(args.faces) if rep % 2 == 0 else list(reversed(args.faces))
                    for op in ops:
                        for face in order:  # interleaved, so drift in machine load hits every face alike
                            m = measure(stacks[face], op, emulator)
                            results.setdefault((count, op.label, face), []).append(m)
                            print(
                                f"N={count:<4} rep={rep} {op.label:<8} {face:<14} {m.seconds:7.2f}s "
                                f"calls={m.calls} peak={m.peak_kib / 1024:.0f}MiB",
                                file=sys.stderr,
                                flush=True,
                            )
    finally:
        emulator.stop()
    facts = run_facts(started, commit, versions, load_before)
    return results, facts


def seconds(results: Results, count: int, label: str, face: str) -> list[float]:
    return [m.seconds for m in results.get((count, label, face), [])]


def calls_per_resource(results: Results, count: int, label: str, face: str) -> str:
    """`POST 1, GET 0.25`: the API calls of one command per resource, by kind; `–` if not run."""
    runs = results.get((count, label, face), [])
    if not runs:
        return "–"
    per = {kind: med([m.calls[kind] for m in runs]) / count for kind in CALL_KINDS}
    return ", ".join(f"{kind} {n:.3g}" for kind, n in per.items() if n) or "none"


def ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}" if numerator and denominator else "–"


def render(args: argparse.Namespace, results: Results, facts: dict[str, str], picture: str | None) -> str:
    p = args.parallel
    faces = [face for face in KINDS if face in args.faces]
    lines = [
        "# Benchmark: dynamic face against native plugin",
        "",
        f"`python bench/faces.py --sizes {','.join(map(str, args.sizes))} --parallel {p} --latency {args.latency:g} "
        f"--delete-duration {args.delete_duration:g} --repeat {args.repeat}"
        + ("" if faces == list(KINDS) else f" --faces '{','.join(faces)}'")
        + "`",
        "",
        *(f"- {key}: {value}" for key, value in facts.items()),
        f"- emulator: {args.latency * 1000:g} ms per request, deletes take {args.delete_duration:g} s; AK/SK; "
        "every 4th workspace INTERNAL with one grant",
        f"- every command with `--parallel {p}`; times are the median of {args.repeat} run(s) (min–max in brackets)",
        f"- floors: each face's do-nothing stack (dynamic: `bench/noop_provider.py`; native: the plugin "
        f"`bench/noop_native.py`, thin, and fat: with the native Workspace's state shape), and the latency floor "
        f"(unavoidable calls × latency, plus the delete time, spread over {SLOTS} slots for the dynamic host and "
        f"{p} for the native one)",
        "",
        f"| N | command | {' | '.join(f'{face} s' for face in faces)} | latency floor 4 / {p} slots s "
        "| native ÷ (native floor + latency) | native ÷ (fat floor + latency) | dynamic ÷ native "
        "| provider peak RSS MiB (dynamic / native) |",
        "|---:|---|" + "---:|" * (len(faces) + 5),
    ]
    targets: list[tuple[str, str, bool]] = []
    for count in args.sizes:
        for op in OPS:
            label = op.label
            median = {face: med(seconds(results, count, label, face)) for face in faces}
            dyn, nat = median.get("dynamic", 0.0), median.get("native", 0.0)
            lat4 = latency_floor(label, count, args.latency, args.delete_duration, False)
            latp = latency_floor(label, count, args.latency, args.delete_duration, False, p)
            thin = median.get("native floor", 0.0) and median["native floor"] + latp
            fat = median.get("native fat floor", 0.0) and median["native fat floor"] + latp
            mem = [
                med([m.peak_kib for m in results.get((count, label, face), [])]) / 1024 if face in faces else 0.0
                for face in ("dynamic", "native")
            ]
            cells = [spread(seconds(results, count, label, face)) for face in faces]
            lines.append(
                f"| {count} | {label} | {' | '.join(cells)} | {lat4:.2f} / {latp:.2f} | {ratio(nat, thin)} | "
                f"{ratio(nat, fat)} | {ratio(dyn, nat)} | {mem[0]:.0f} / {mem[1]:.0f} |"
            )
            if label in ("up", "refresh", "update") and nat and thin:
                fat_said = f"; fat floor: {nat / fat:.2f}×" if fat else ""
                targets.append(
                    (
                        f"native `{label}` N={count} ≤ {NATIVE_TARGET} × (native floor + latency floor)",
                        f"{nat / thin:.2f}×{fat_said}",
                        nat <= NATIVE_TARGET * thin,
                    )
                )
            if count == 100 and label == "destroy" and nat and dyn and thin:
                targets.append(
                    (
                        f"native `destroy` N=100 ≤ 1.25 × (native floor + latency floor, {p} slots)",
                        f"{nat / thin:.2f}×",
                        nat <= 1.25 * thin,
                    )
                )
                targets.append(
                    ("native `destroy` N=100 at least 4× faster than dynamic", f"{dyn / nat:.2f}×", dyn / nat >= 4)
                )
            if count == 100 and label in ("up", "refresh", "update") and nat and dyn:
                targets.append(
                    (f"native `{label}` N=100 within 10% of dynamic or faster", f"{nat / dyn:.2f}×", nat <= 1.1 * dyn)
                )
    lines += [
        "",
        "## API calls per resource (median of the runs)",
        "",
        "| N | command | dynamic | native |",
        "|---:|---|---|---|",
    ]
    for count in args.sizes:
        for op in OPS:
            cells = [calls_per_resource(results, count, op.label, face) for face in ("dynamic", "native")]
            lines.append(f"| {count} | {op.label} | {' | '.join(cells)} |")
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|:-:|"]
    lines += [f"| {name} | {got} | {'yes' if ok else '**no**'} |" for name, got, ok in targets]
    if picture:
        lines += ["", f"![time against N for both faces and the floors]({picture})"]
    lines.append("")
    return "\n".join(lines)


def plot(args: argparse.Namespace, results: Results, out: Path) -> bool:
    """Time against N, one panel per command: both faces and their engine floors. False without
    matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot (pip install matplotlib)", file=sys.stderr)
        return False
    fig, axes = plt.subplots(1, len(OPS), figsize=(4 * len(OPS), 3.6), sharex=True)
    styles = {
        "dynamic": "C0-o",
        "dynamic floor": "C0:",
        "native": "C3-o",
        "native floor": "C3:",
        "native fat floor": "C1--",
    }
    for ax, op in zip(axes, OPS, strict=True):
        for face, style in styles.items():
            if face not in args.faces:
                continue
            ax.plot(args.sizes, [med(seconds(results, n, op.label, face)) for n in args.sizes], style, label=face)
        ax.set_title(f"{op.label} (--parallel {args.parallel})")
        ax.set_xlabel("workspaces N")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("wall time s")
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    return True


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,300", help="comma-separated workspace counts")
    parser.add_argument("--parallel", type=int, default=32, help="pulumi --parallel for every command")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the emulator adds to every request")
    parser.add_argument("--delete-duration", type=float, default=2.0, help="seconds a workspace stays DELETING")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the table shows the median")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS-faces.md", help="where to write the markdown")
    parser.add_argument("--workdir", type=Path, help="keep the projects and command logs here (default: a temp dir)")
    parser.add_argument("--faces", default=",".join(KINDS), help=f"stacks to run, of: {', '.join(KINDS)}")
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    args.faces = [f.strip() for f in str(args.faces).split(",") if f.strip()]
    if unknown := [f for f in args.faces if f not in KINDS]:
        parser.error(f"--faces: unknown {', '.join(unknown)} (choose from {', '.join(KINDS)})")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    let_children_be_interrupted()
    results, facts = run(args)
    picture = args.out.with_name(args.out.stem.removeprefix("RESULTS-") + ".png")  # RESULTS-faces.md: faces.png
    plotted = plot(args, results, picture) if len(args.sizes) > 1 else False
    report = render(args, results, facts, picture.name if plotted else None)
    args.out.write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
