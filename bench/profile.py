#!/usr/bin/env python3
"""Where the native plugin's time goes: CPU seconds per process, a sampling profile of the
plugin and the engine's own timeline, for `up`, `refresh`, `update` (and the `destroy` that
cleans up) of N workspaces, against the emulator, with `--parallel P` like `bench/faces.py`.

`python bench/profile.py --out DIR [--sizes 100,300] [--py-spy PATH]` writes DIR/profile.md
(the tables) and, per size and command, DIR/N-COMMAND.otel.json (the engine's trace) and
DIR/N-COMMAND.pyspy.txt (the plugin's collapsed stacks). Three passes per size, each on fresh
stacks, so one tool never perturbs another's numbers:

1. cpu: the native stack and the native floor stack (`bench/noop_native.py`), each command's
   process tree sampled every 20 ms from /proc (utime+stime per process, by role), the
   emulator's own CPU read before and after, and the whole tree's CPU from `wait4`.
2. trace: the native stack with `--otel-traces file://…` (the engine's spans as JSON lines).
3. py-spy: the native stack with `py-spy record --pid` attached to the plugin as soon as it
   starts (skipped when py-spy is not found; install it outside the repository,
   e.g. `python -m venv /tmp/pyspy && /tmp/pyspy/bin/pip install py-spy`).

Not a test and not a timing benchmark: wall times are printed for orientation only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # `python bench/profile.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.faces import launchers, with_parallel
from bench.run import (
    OPS,
    EmulatorProcess,
    Op,
    Stack,
    _descendants,
    base_env,
    code_version,
    find_pulumi,
    let_children_be_interrupted,
)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SAMPLE_EVERY = 0.02  # seconds between CPU samples of the command's processes
RESCAN_EVERY = 0.1  # seconds between looks for new processes
ROLES = ("cli", "language host", "pip list", "program", "plugin", "other")
PROFILED = ("up", "refresh", "update")
FACES = {"native": "native", "native floor": "native-noop", "fat floor": "native-fat"}
PLUGIN_MARKERS = (b"modelarts_provider.native", b"bench.noop_native")


# -- CPU of a process tree ---------------------------------------------------------------------


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of a live process (all its threads), None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def role_of(pid: int, root: int) -> str:
    """What a process under `pulumi` is, from its command line (an exec changes it: the
    `pulumi-resource-*` launcher becomes the plugin)."""
    if pid == root:
        return "cli"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read()
    except OSError:
        return "other"
    if any(marker in cmdline for marker in PLUGIN_MARKERS):
        return "plugin"
    if b"pulumi-language-python-exec" in cmdline:
        return "program"
    if b"pip\0list" in cmdline:  # the language host's GetRequiredPlugins
        return "pip list"
    if b"pulumi-language-" in cmdline or not cmdline:  # a fork not yet exec'd, or a zombie: no command line
        return "language host"
    return "other"


class TreeCpu(threading.Thread):
    """Samples utime+stime of every process under one `pulumi` process until stopped.

    A process's last sample is taken at most SAMPLE_EVERY before it exits, so its last few
    milliseconds can be missed; `wait4` on the root gives the exact total of the tree, and the
    difference is reported as unattributed. `on_plugin` is called once per plugin process."""

    def __init__(self, root: int, on_plugin: Callable[[int], None] | None = None) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.on_plugin = on_plugin
        self.last: dict[int, float] = {}
        self.roles: dict[int, str] = {}
        self._stop_event = threading.Event()

    def _rescan(self) -> None:
        for pid in [self.root, *_descendants(self.root)]:
            role = role_of(pid, self.root)
            if role == "plugin" and self.roles.get(pid) != "plugin" and self.on_plugin is not None:
                self.on_plugin(pid)
            if pid not in self.roles or (self.roles[pid] in ("language host", "other") and role != "other"):
                self.roles[pid] = role  # a fork becomes what it execs; a zombie (no command line) stays

    def run(self) -> None:
        rescan = 0.0
        while True:
            now = time.monotonic()
            if now >= rescan:
                self._rescan()
                rescan = now + RESCAN_EVERY
            for pid in self.roles:
                seconds = cpu_seconds(pid)
                if seconds is not None:
                    self.last[pid] = seconds
            if self._stop_event.wait(SAMPLE_EVERY):
                return

    def stop(self) -> dict[str, float]:
        self._stop_event.set()
        self.join()
        by_role: dict[str, float] = dict.fromkeys(ROLES, 0.0)
        for pid, seconds in self.last.items():
            by_role[self.roles[pid]] += seconds
        return by_role


@dataclass
class Sample:
    """One command on one stack: wall time and CPU seconds by role."""

    wall: float
    cpu: dict[str, float]
    total: float  # wait4: the whole tree, exact
    emulator: float
    calls: int = 0


def run_command(
    stack: Stack,
    op: Op,
    emulator: EmulatorProcess,
    extra: Sequence[str] = (),
    on_plugin: Callable[[int], None] | None = None,
) -> Sample:
    """One command with its process tree's CPU sampled (and `extra` flags, e.g. a trace)."""
    stack.program(op.revision)
    emulator.reset()
    cmd = ["pulumi", *op.args, *extra, "--non-interactive", "--stack", stack.name]
    emulator_before = cpu_seconds(emulator.proc.pid) or 0.0
    with stack.log.open("a") as log:
        log.write(f"$ {' '.join(cmd)}\n")
        log.flush()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=stack.dir, env=stack.env, stdout=log, stderr=subprocess.STDOUT)
        sampler = TreeCpu(proc.pid, on_plugin)
        sampler.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        by_role = sampler.stop()
    emulator_cpu = (cpu_seconds(emulator.proc.pid) or 0.0) - emulator_before
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode} in {stack.dir}\n{stack.log.read_text()[-3000:]}")
    counts = emulator.admin("GET", "counts")["counts"]
    calls = sum(int(counts.get(k, 0)) for k in ("IAM", "POST", "GET", "PUT", "DELETE"))
    total = usage.ru_utime + usage.ru_stime
    return Sample(wall, by_role, total, emulator_cpu, calls)


# -- the plugin's sampling profile ---------------------------------------------------------------


class PySpy:
    """Attaches `py-spy record` to each plugin process the command starts."""

    def __init__(self, exe: str, out: Path, rate: int, gil: bool) -> None:
        self.exe, self.out, self.rate, self.gil = exe, out, rate, gil
        self.procs: list[subprocess.Popen[bytes]] = []

    def attach(self, pid: int) -> None:
        if not self.procs:
            cmd = [self.exe, "record", "--pid", str(pid), "--rate", str(self.rate), "--format", "raw"]
            cmd += ["--output", str(self.out), "--nonblocking", *(["--gil"] if self.gil else [])]
            self.procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def wait(self) -> None:
        for proc in self.procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


AREAS = (  # the leaf frame's file decides where a sample's CPU went
    ("modelarts_provider", "ours (modelarts_provider)"),
    ("pulumi/", "pulumi SDK"),
    ("grpc", "grpc"),
    ("google/protobuf", "protobuf"),
    ("requests/", "requests"),
    ("urllib3/", "urllib3"),
    ("http/client", "http.client"),
    ("json/", "json"),
    ("threading.py", "threading"),
    ("concurrent/", "concurrent.futures"),
    ("asyncio/", "asyncio"),
    ("socket.py", "socket"),
    ("importlib", "imports"),
    ("<frozen", "imports"),
)


def frames(stack: str) -> list[str]:
    return [f for f in stack.split(";") if f]


def short(frame: str) -> str:
    """`exchange (modelarts_provider/transport.py:229)` -> `transport.py:exchange`."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    return f"{path.rsplit('/', 1)[-1]}:{name}"


def area(frame: str) -> str:
    for marker, label in AREAS:
        if marker in frame:
            return label
    return "other"


def read_collapsed(path: Path) -> Counter[str]:
    stacks: Counter[str] = Counter()
    if not path.exists():
        return stacks
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[stack] += int(count)
    return stacks


def summarize_profile(stacks: Counter[str], top: int) -> dict[str, list[tuple[str, int]]]:
    """Self samples by function and by area, inclusive samples by function (once per stack)."""
    own: Counter[str] = Counter()
    areas: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for stack, count in stacks.items():
        chain = frames(stack)
        if not chain:
            continue
        own[short(chain[-1])] += count
        areas[area(chain[-1])] += count
        for name in {short(f) for f in chain if "modelarts_provider" in f}:
            inclusive[name] += count
    return {
        "self": own.most_common(top),
        "areas": areas.most_common(),
        "ours inclusive": inclusive.most_common(top),
    }


# -- the engine's trace ---------------------------------------------------------------------------


@dataclass
class Span:
    start: float
    end: float
    name: str
    attrs: dict[str, str]

    @property
    def seconds(self) -> float:
        return self.end - self.start


def read_spans(path: Path) -> list[Span]:
    spans: list[Span] = []
    if not path.exists():
        return spans
    for line in path.read_text().splitlines():
        for resource in json.loads(line).get("resourceSpans", []):
            for scope in resource.get("scopeSpans", []):
                for s in scope.get("spans", []):
                    attrs = {a["key"]: str(next(iter(a["value"].values()), "")) for a in s.get("attributes", [])}
                    start, end = int(s["startTimeUnixNano"]) / 1e9, int(s["endTimeUnixNano"]) / 1e9
                    spans.append(Span(start, end, s["name"], attrs))
    spans.sort(key=lambda s: s.start)
    t0 = spans[0].start if spans else 0.0
    return [Span(s.start - t0, s.end - t0, s.name, s.attrs) for s in spans]


PROVIDER_OPS = ("Check", "Diff", "Create", "Read", "Update", "Delete")


def timeline(spans: list[Span]) -> list[tuple[str, str]]:
    """The fixed cost of one command: when each step started and how long it took (s)."""

    def first(name: str, **attrs: str) -> Span | None:
        for s in spans:
            if s.name == name and all(attrs[k] in s.attrs.get(k, "") for k in attrs):
                return s
        return None

    rows: list[tuple[str, str]] = []

    def add(label: str, span: Span | None) -> None:
        if span is not None:
            rows.append((label, f"{span.start:.2f} + {span.seconds:.2f}"))

    whole = first("pulumi")
    add("command (pulumi span)", whole)
    add("CLI start until first output (time-to-first-print)", first("time-to-first-print"))
    add("language host: GetRequiredPlugins (runs `pip list`)", first("pulumirpc.LanguageRuntime/GetRequiredPlugins"))
    add("program: LanguageRuntime/Run", first("pulumirpc.LanguageRuntime/Run"))
    register = first("pulumirpc.ResourceMonitor/RegisterResource")
    add("program: first RegisterResource", register)
    add("plugin: process start until it answers (newPlugin modelarts)", first("newPlugin", bin="pulumi-resource-"))
    add("plugin: Handshake", first("pulumirpc.ResourceProvider/Handshake"))
    add("plugin: Configure", first("pulumirpc.ResourceProvider/Configure"))
    for op in PROVIDER_OPS:
        calls = [s for s in spans if s.name == f"pulumirpc.ResourceProvider/{op}"]
        if not calls:
            continue
        times = sorted(s.seconds for s in calls)
        p90 = times[min(len(times) - 1, int(0.9 * len(times)))]
        rows.append(
            (
                f"plugin: {op} × {len(calls)}",
                f"first at {calls[0].start:.2f} took {calls[0].seconds:.2f}; median {statistics.median(times):.3f}, "
                f"p90 {p90:.3f}, max {times[-1]:.3f}; last ended {max(s.end for s in calls):.2f}",
            )
        )
    ops = [
        s
        for s in spans
        if s.name.startswith("pulumirpc.ResourceProvider/") and s.name.rsplit("/", 1)[1] in PROVIDER_OPS
    ]
    if ops and whole is not None:
        rows.append(
            ("after the last provider call until the command ends", f"{whole.end - max(s.end for s in ops):.2f}")
        )
    return rows


# -- the run --------------------------------------------------------------------------------------


@dataclass
class Report:
    cpu: dict[tuple[int, str, str], Sample] = field(default_factory=dict)
    traces: dict[tuple[int, str], list[tuple[str, str]]] = field(default_factory=dict)
    profiles: dict[tuple[int, str], tuple[int, dict[str, list[tuple[str, int]]]]] = field(default_factory=dict)


def ops_for(parallel: int) -> list[Op]:
    return [with_parallel(op, parallel) for op in OPS if op.label != "preview"]


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@dataclass
class Pass:
    """What every pass over one size needs."""

    root: Path
    env: dict[str, str]
    emulator: EmulatorProcess
    count: int
    out: Path


def cpu_pass(args: argparse.Namespace, report: Report, p: Pass) -> None:
    """CPU per role, ours and the floor interleaved."""
    faces = {face: kind for face, kind in FACES.items() if face == "native" or (args.floor and face != "fat floor")}
    if args.fat_floor:
        faces["fat floor"] = FACES["fat floor"]
    stacks = {face: Stack(p.root, kind, p.count, f"cpu-{kind}-{p.count}", p.env) for face, kind in faces.items()}
    for op in ops_for(args.parallel):
        for face, stack in stacks.items():
            sample = run_command(stack, op, p.emulator)
            report.cpu[(p.count, op.label, face)] = sample
            log(
                f"cpu   N={p.count} {op.label:<8} {face:<13} wall {sample.wall:5.2f}s plugin "
                f"{sample.cpu['plugin']:.2f}s total {sample.total:.2f}s emulator {sample.emulator:.2f}s"
            )


def trace_pass(args: argparse.Namespace, report: Report, p: Pass) -> None:
    """The engine's own spans of each command on the native stack."""
    stack = Stack(p.root, "native", p.count, f"trace-{p.count}", p.env)
    for op in ops_for(args.parallel):
        trace = p.out / f"{p.count}-{op.label}.otel.json"
        trace.unlink(missing_ok=True)
        run_command(stack, op, p.emulator, ("--otel-traces", f"file://{trace}"))
        if op.label in PROFILED:
            report.traces[(p.count, op.label)] = timeline(read_spans(trace))
        log(f"trace N={p.count} {op.label}")


def py_spy_pass(args: argparse.Namespace, report: Report, p: Pass) -> None:
    """py-spy attached to the plugin of each command on the native stack."""
    stack = Stack(p.root, "native", p.count, f"pyspy-{p.count}", p.env)
    for op in ops_for(args.parallel):
        collapsed = p.out / f"{p.count}-{op.label}.pyspy.txt"
        collapsed.unlink(missing_ok=True)
        spy = PySpy(args.py_spy, collapsed, args.rate, args.gil)
        run_command(stack, op, p.emulator, on_plugin=spy.attach)
        spy.wait()
        if op.label in PROFILED:
            seen = read_collapsed(collapsed)
            report.profiles[(p.count, op.label)] = (sum(seen.values()), summarize_profile(seen, args.top))
        log(f"spy   N={p.count} {op.label}")


def run(args: argparse.Namespace, out: Path) -> Report:
    report = Report()
    emulator = EmulatorProcess(args.latency, args.delete_duration)
    root = out / "work"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    try:
        env = base_env(root, emulator, "aksk", find_pulumi())
        env["PATH"] = f"{launchers(root)}{os.pathsep}{env['PATH']}"
        for count in args.sizes:
            if "cpu" in args.passes:
                cpu_pass(args, report, Pass(root, env, emulator, count, out))
            if "trace" in args.passes:
                trace_pass(args, report, Pass(root, env, emulator, count, out))
            if args.py_spy and "py-spy" in args.passes:
                py_spy_pass(args, report, Pass(root, env, emulator, count, out))
    finally:
        emulator.stop()
    return report


# -- the report -----------------------------------------------------------------------------------


def render(args: argparse.Namespace, report: Report) -> str:
    lines = [
        "# Where the time goes: the native plugin",
        "",
        f"`python bench/profile.py --sizes {','.join(map(str, args.sizes))} --parallel {args.parallel} "
        f"--latency {args.latency:g} --delete-duration {args.delete_duration:g}`",
        "",
        f"- commit: {code_version()}; {time.strftime('%Y-%m-%d %H:%M %Z')}; "
        f"load {os.getloadavg()[0]:.2f} (1-min) at the end",
        "",
        "## CPU seconds per command and process",
        "",
        "Sampled from /proc every 20 ms (utime+stime); `total` is the whole `pulumi` process tree from "
        "`wait4`, `unattr.` its part no sample saw (processes' last milliseconds). Wall times are for "
        "orientation only.",
        "",
        "| N | command | stack | wall s | cli | language host | pip list | program | plugin | other | unattr. "
        "| total | emulator | API calls |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (count, label, face), s in report.cpu.items():
        seen = sum(s.cpu.values())
        cells = " | ".join(f"{s.cpu[r]:.2f}" for r in ROLES)
        lines.append(
            f"| {count} | {label} | {face} | {s.wall:.2f} | {cells} | {s.total - seen:.2f} | {s.total:.2f} "
            f"| {s.emulator:.2f} | {s.calls} |"
        )
    if report.traces:
        lines += ["", "## The engine's timeline (`--otel-traces`), native stack", ""]
        for (count, label), rows in report.traces.items():
            lines += [f"### N={count} {label}", "", "| step | start + seconds |", "|---|---|"]
            lines += [f"| {step} | {when} |" for step, when in rows]
            lines.append("")
    if report.profiles:
        lines += ["", f"## The plugin's profile (py-spy, {args.rate} samples/s of each busy thread)", ""]
        for (count, label), (total, summary) in report.profiles.items():
            lines += [f"### N={count} {label}: {total} samples (≈ {total / args.rate:.2f} thread-seconds busy)", ""]
            for part, ranked in summary.items():
                lines += [f"{part}:", ""]
                lines += [f"- {name}: {n} ({100 * n / max(total, 1):.0f} %)" for name, n in ranked]
                lines.append("")
    return "\n".join(lines) + "\n"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="directory for profile.md, traces and profiles")
    parser.add_argument("--sizes", default="100,300", help="comma-separated workspace counts")
    parser.add_argument("--parallel", type=int, default=32, help="pulumi --parallel for every command")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the emulator adds to every request")
    parser.add_argument("--delete-duration", type=float, default=0.2, help="seconds a workspace stays DELETING")
    parser.add_argument("--py-spy", default=shutil.which("py-spy"), help="py-spy executable (default: on PATH)")
    parser.add_argument("--passes", default="cpu,trace,py-spy", help="which of the three passes to run")
    parser.add_argument(
        "--floor", action=argparse.BooleanOptionalAction, default=True, help="the cpu pass on the floor stack too"
    )
    parser.add_argument(
        "--fat-floor",
        action="store_true",
        help="the cpu pass also on a do-nothing stack with the native Workspace's state shape",
    )
    parser.add_argument(
        "--gil", action="store_true", help="py-spy samples only the thread holding the GIL (Python's CPU)"
    )
    parser.add_argument("--rate", type=int, default=100, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=15, help="functions listed per profile")
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    args.passes = {p.strip() for p in str(args.passes).split(",")}
    if not args.passes <= {"cpu", "trace", "py-spy"}:
        parser.error("--passes takes cpu, trace and py-spy")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    let_children_be_interrupted()
    args.out.mkdir(parents=True, exist_ok=True)
    report = run(args, args.out.resolve())
    text = render(args, report)
    (args.out / "profile.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
