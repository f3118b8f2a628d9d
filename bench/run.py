#!/usr/bin/env python3
"""Benchmark: `pulumi up`, a no-change `preview`, `refresh`, an update and `destroy` of N
workspaces against the emulator, each next to the same commands on a do-nothing stack.

Run from the repository root: `python bench/run.py` (or `python -m bench.run`); see
bench/README.md for the flags and how to read the table it writes. Not a test: nothing here
asserts, it measures and reports.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
KINDS = ("IAM", "POST", "GET", "PUT", "DELETE")
SLOTS = 4  # calls the dynamic-provider process serves at once (pulumi/dynamic/__main__.py)
SAMPLE_EVERY = 0.05  # seconds between peak-memory samples of the provider process
TERRAFORM_DELETE_FLOOR = 10.0  # huaweicloud_modelarts_workspace: fixed 10 s delay, then polls
PASSPHRASE = "bench-only-passphrase"


@dataclass(frozen=True)
class Op:
    """One timed command; `revision` is the program's description revision it runs with."""

    label: str
    args: tuple[str, ...]
    revision: int


OPS = (
    Op("up", ("up", "--yes", "--skip-preview"), 0),
    Op("preview", ("preview", "--expect-no-changes"), 0),
    Op("refresh", ("refresh", "--yes", "--skip-preview"), 0),
    Op("update", ("up", "--yes", "--skip-preview"), 1),
    Op("destroy", ("destroy", "--yes", "--skip-preview"), 1),
)


@dataclass
class Measurement:
    """One command on one stack."""

    seconds: float
    calls: dict[str, int]
    connections: int
    peak_kib: int
    lags: list[float] = field(default_factory=list)


# -- the emulator in its own process --------------------------------------------------------------


class EmulatorProcess:
    """`python -m modelarts_provider.emulator` on a free port, steered over /_emulator/."""

    def __init__(self, latency: float, delete_duration: float) -> None:
        cmd = [
            sys.executable,
            "-m",
            "modelarts_provider.emulator",
            "--port",
            "0",
            "--latency",
            str(latency),
            "--delete-duration",
            str(delete_duration),
        ]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url:
            self.proc.kill()
            raise RuntimeError("the emulator did not start")

    def admin(self, method: str, path: str) -> dict[str, Any]:
        request = urllib.request.Request(f"{self.url}/_emulator/{path}", method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            data: dict[str, Any] = json.loads(response.read())
        return data

    def reset(self) -> None:
        """Zero the counters last: the reset request's own connection is then not counted."""
        self.admin("DELETE", "deletions")
        self.admin("POST", "counts/reset")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# -- peak memory of the provider process ---------------------------------------------------------


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids.extend(int(p) for p in f.read().split())
    except OSError:
        pass
    return kids


def _descendants(root: int) -> Iterator[int]:
    stack = [root]
    while stack:
        pid = stack.pop()
        for kid in _children(pid):
            yield kid
            stack.append(kid)


PROVIDER_MARKERS = (b"pulumi.dynamic", b"modelarts_provider.native", b"bench.noop_native")


def _is_dynamic_provider(pid: int) -> bool:
    """A provider process: the dynamic host, or one of the native plugins the benchmark starts."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read()
    except OSError:
        return False
    return any(marker in cmdline for marker in PROVIDER_MARKERS)


def _vm_hwm_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class PeakMemory(threading.Thread):
    """Samples VmHWM of `python -m pulumi.dynamic` processes under one `pulumi` process.

    Only descendants of the command being measured count, so other Pulumi runs on a shared
    machine do not show up. VmHWM is the kernel's own high-water mark, so a sample every
    SAMPLE_EVERY seconds misses at most the growth of the provider's last moments.
    """

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_kib = 0
        self._known: set[int] = set()
        self._stop_event = threading.Event()

    def run(self) -> None:
        rescan = 0.0
        while not self._stop_event.wait(SAMPLE_EVERY):
            now = time.monotonic()
            if now >= rescan:  # new processes appear rarely: look for them every 0.25 s
                self._known.update(p for p in _descendants(self.root) if _is_dynamic_provider(p))
                rescan = now + 0.25
            for pid in self._known:
                self.peak_kib = max(self.peak_kib, _vm_hwm_kib(pid))

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak_kib


# -- one project + stack per (kind, size, repetition) -------------------------------------------


class Stack:
    """A temporary Pulumi project running bench/program.py with a local file backend."""

    def __init__(self, root: Path, kind: str, count: int, name: str, env: dict[str, str]) -> None:
        self.dir = root / name
        self.dir.mkdir(parents=True)
        self.kind, self.count, self.name, self.env = kind, count, name, env
        (self.dir / "Pulumi.yaml").write_text(f"name: bench-{kind}\nruntime: python\n")
        shutil.copyfile(BENCH / "program.py", self.dir / "__main__.py")
        self.log = self.dir / "commands.log"
        self.pulumi("stack", "init", name)

    def program(self, revision: int) -> None:
        spec = {"kind": self.kind, "count": self.count, "prefix": self.name, "revision": revision}
        (self.dir / "bench.json").write_text(json.dumps(spec))

    def pulumi(self, *args: str) -> tuple[float, int]:
        """Run one command: its wall time in seconds and the provider's peak RSS in KiB.
        Output goes to commands.log."""
        cmd = ["pulumi", *args, "--non-interactive"]
        if args[:2] != ("stack", "init"):
            cmd += ["--stack", self.name]
        with self.log.open("a") as log:
            log.write(f"$ {' '.join(cmd)}\n")
            log.flush()
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=self.dir, env=self.env, stdout=log, stderr=subprocess.STDOUT)
            sampler = PeakMemory(proc.pid)
            sampler.start()
            code = proc.wait()
            seconds = time.perf_counter() - start
            peak = sampler.stop()
        if code != 0:
            tail = self.log.read_text()[-3000:]
            raise RuntimeError(f"{' '.join(cmd)} exited {code} in {self.dir}\n{tail}")
        return seconds, peak


def measure(stack: Stack, op: Op, emulator: EmulatorProcess) -> Measurement:
    stack.program(op.revision)
    emulator.reset()
    seconds, peak = stack.pulumi(*op.args)
    counts = emulator.admin("GET", "counts")
    lags: list[float] = []
    if op.label == "destroy":
        lags = [d["notice_lag"] for d in emulator.admin("GET", "deletions")["deletions"] if d["notice_lag"] is not None]
    calls = {k: int(counts["counts"].get(k, 0)) for k in KINDS}
    connections = int(counts["connections"]) - 1  # minus the connection of the counts request itself
    return Measurement(seconds, calls, connections, peak, lags)


# -- floors ---------------------------------------------------------------------------------------


def unavoidable(op: str, internal: bool, latency: float, delete_duration: float) -> float:
    """Seconds one resource must occupy a provider slot: its unavoidable calls x latency, plus,
    for a delete, the time the service takes to delete (the provider cannot answer sooner)."""
    calls = {
        "up": 2 if internal else 1,  # POST; INTERNAL with grants: + GET (the POST answer has no grants)
        "preview": 0,
        "refresh": 1,  # GET
        "update": 2,  # PUT + GET
        "destroy": 2,  # DELETE + the GET that finds the workspace gone
    }[op]
    return calls * latency + (delete_duration if op == "destroy" else 0.0)


def latency_floor(
    op: str, count: int, latency: float, delete_duration: float, password: bool, slots_at_once: int = SLOTS
) -> float:
    """Makespan of every resource's unavoidable slot time on SLOTS slots (longest first), plus
    one serial IAM token call when authenticating with a password and any call is made."""
    jobs = sorted(
        (unavoidable(op, i % 4 == 3, latency, delete_duration) for i in range(count)),
        reverse=True,
    )
    slots = [0.0] * slots_at_once
    for job in jobs:
        heapq.heapreplace(slots, slots[0] + job)
    span = max(slots)
    return span + (latency if password and span > 0 else 0.0)


# -- machine facts --------------------------------------------------------------------------------


def run_facts(started: float, commit: str, versions: Sequence[str], load_before: Sequence[float]) -> dict[str, str]:
    """When, where and with what a benchmark ran: printed above every results table."""
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z", time.localtime(started)),
        "duration": f"{time.time() - started:.0f} s",
        "commit": commit,
        "cpu": f"{os.cpu_count()} cores, {cpu_model()}",
        "python": platform.python_version(),
        "pulumi": f"CLI {versions[0]}, Python SDK {versions[1]}",
        "load": f"{load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after (1-min load average)",
    }


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def pulumi_version(env: dict[str, str]) -> str:
    return subprocess.run(["pulumi", "version"], env=env, capture_output=True, text=True).stdout.strip()


def pulumi_sdk_version() -> str:
    from importlib.metadata import version

    return version("pulumi")


def code_version() -> str:
    """The commit measured, and whether the provider's code differed from it."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "modelarts_provider")
    return head + (" + uncommitted changes in modelarts_provider/" if dirty else "")


def find_pulumi() -> str:
    """`pulumi` on PATH, else the cached build of scripts/get-pulumi.sh (built if needed)."""
    found = shutil.which("pulumi")
    if found:
        return str(Path(found).parent)
    out = subprocess.run([str(REPO / "scripts" / "get-pulumi.sh")], check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


# -- the run --------------------------------------------------------------------------------------


@dataclass
class Cell:
    """All repetitions of one (size, op): ours and the floor stack's measurements."""

    ours: list[Measurement] = field(default_factory=list)
    floor: list[Measurement] = field(default_factory=list)


def let_children_be_interrupted() -> None:
    """Give the commands we start the default SIGINT action. A shell starts a background job
    (`cmd &`) with SIGINT ignored, and children inherit that; the `pulumi` CLI stops its
    language host with SIGINT and kills it only 5 s later, so every `up`, `preview` and update
    of a benchmark run that way took 5 s longer, on every stack alike."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def with_bytecode(env: dict[str, str]) -> dict[str, str]:
    """Let the measured processes load this checkout from bytecode, as they load an installed
    wheel (pip compiles it at install): compiled once here, before any command. Under
    PYTHONDONTWRITEBYTECODE (set on some machines) every plugin, provider and program process
    compiled our modules from source again, ~70 ms each that no user pays."""
    env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    packages = [str(REPO / "modelarts_provider"), str(BENCH)]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *packages], env=env, check=True)
    return env


def base_env(root: Path, emulator: EmulatorProcess, auth: str, pulumi_dir: str) -> dict[str, str]:
    env = with_bytecode({k: v for k, v in os.environ.items() if not k.startswith(("HW_", "PULUMI_"))})
    env.update(
        {
            "PATH": os.pathsep.join([pulumi_dir, str(Path(sys.executable).parent), env.get("PATH", "")]),
            "PYTHONPATH": str(REPO),
            "PULUMI_HOME": str(root / ".pulumi-home"),
            "PULUMI_BACKEND_URL": f"file://{root / 'state'}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            # Credentials the way a pipeline passes them: HW_* variables, never stack config.
            "HW_REGION_NAME": "cn-north-4",
            "HW_MODELARTS_ENDPOINT": emulator.url,
            "HW_AUTH_URL": f"{emulator.url}/v3",
        }
    )
    if auth == "aksk":
        # With AK/SK and no project id the client looks it up once per run (1 IAM call).
        env.update(
            {
                "HW_ACCESS_KEY": "EMULATORAK000000000",
                "HW_SECRET_KEY": "emulator-secret-key",
                "HW_PROJECT_ID": "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e",
            }
        )
    else:
        # Project-scoped by region name: the one token call also yields the project id.
        env.update(
            {
                "HW_DOMAIN_NAME": "emulator-domain",
                "HW_USER_NAME": "emulator-user",
                "HW_USER_PASSWORD": "emulator-password",
            }
        )
    (root / "state").mkdir(exist_ok=True)
    return env


def run(args: argparse.Namespace) -> str:
    pulumi_dir = find_pulumi()
    emulator = EmulatorProcess(args.latency, args.delete_duration)
    cells: dict[tuple[int, str], Cell] = {}
    started = time.time()
    load_before = os.getloadavg()
    commit = code_version()
    try:
        with tempfile.TemporaryDirectory(prefix="modelarts-bench-") as tmp:
            root = Path(args.workdir or tmp)
            root.mkdir(parents=True, exist_ok=True)
            env = base_env(root, emulator, args.auth, pulumi_dir)
            versions = (pulumi_version(env), pulumi_sdk_version())
            for count in args.sizes:
                for rep in range(args.repeat):
                    stacks = {
                        kind: Stack(root, kind, count, f"{kind[:2]}{count}r{rep}", env)
                        for kind in ("noop", "workspace")
                    }
                    order = ("noop", "workspace") if rep % 2 == 0 else ("workspace", "noop")
                    for op in OPS:
                        cell = cells.setdefault((count, op.label), Cell())
                        # A no-change preview changes nothing, so it can run several times: its
                        # target (1.1x) is tighter than one run's noise on a shared machine.
                        runs = args.preview_runs if op.label == "preview" else 1
                        for kind in order * runs:  # interleaved, so drift in machine load hits both alike
                            m = measure(stacks[kind], op, emulator)
                            (cell.floor if kind == "noop" else cell.ours).append(m)
                            print(
                                f"N={count:<4} rep={rep} {op.label:<8} {kind:<9} {m.seconds:7.2f}s "
                                f"calls={m.calls} conns={m.connections} peak={m.peak_kib / 1024:.0f}MiB",
                                file=sys.stderr,
                                flush=True,
                            )
    finally:
        emulator.stop()
    facts = run_facts(started, commit, versions, load_before)
    return render(args, cells, facts)


# -- the report -----------------------------------------------------------------------------------


def med(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def spread(values: Sequence[float]) -> str:
    text = f"{med(values):.2f}"
    if len(values) > 1:
        text += f" ({min(values):.2f}–{max(values):.2f})"
    return text


def render(args: argparse.Namespace, cells: dict[tuple[int, str], Cell], facts: dict[str, str]) -> str:
    password = args.auth == "password"
    lines = [
        "# Benchmark results",
        "",
        f"`python bench/run.py --sizes {','.join(map(str, args.sizes))} --latency {args.latency:g} "
        f"--delete-duration {args.delete_duration:g} --auth {args.auth} --repeat {args.repeat} "
        f"--preview-runs {args.preview_runs}`",
        "",
        *(f"- {key}: {value}" for key, value in facts.items()),
        f"- emulator: {args.latency * 1000:g} ms per request, deletes take {args.delete_duration:g} s; "
        f"auth {args.auth}; every 4th workspace INTERNAL with one grant",
        f"- times are the median of {args.repeat} run(s), {args.repeat * args.preview_runs} for `preview` "
        "(min–max in brackets when more than one)",
        "",
        "## Wall time against the floors",
        "",
        "| N | command | ours s | engine floor s | latency floor s | ours ÷ engine | ours ÷ (engine + latency) "
        "| provider peak RSS MiB (ours / floor) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    targets: list[tuple[str, str, bool]] = []
    top = max(args.sizes)
    for (count, label), cell in cells.items():
        ours = med([m.seconds for m in cell.ours])
        engine = med([m.seconds for m in cell.floor])
        lat = latency_floor(label, count, args.latency, args.delete_duration, password)
        mem = f"{med([m.peak_kib for m in cell.ours]) / 1024:.0f} / {med([m.peak_kib for m in cell.floor]) / 1024:.0f}"
        lines.append(
            f"| {count} | {label} | {spread([m.seconds for m in cell.ours])} | "
            f"{spread([m.seconds for m in cell.floor])} | {lat:.2f} | {ours / engine:.2f} | "
            f"{ours / (engine + lat):.2f} | {mem} |"
        )
        if count == top and label in ("up", "destroy"):
            ratio = ours / (engine + lat)
            targets.append((f"`{label}` N={count} ≤ 1.15 × (engine + latency floor)", f"{ratio:.2f}×", ratio <= 1.15))
        if label == "preview":
            ratio = ours / engine
            targets.append((f"no-change `preview` N={count} ≤ 1.1 × engine floor", f"{ratio:.2f}×", ratio <= 1.1))

    lines += [
        "",
        "## API calls (per command; per resource in brackets)",
        "",
        "| N | command | IAM | POST | GET | PUT | DELETE | TCP connections |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    budgets = {
        "up": "1 POST + ≤1 GET",
        "update": "1 PUT + 1 GET",
        "refresh": "1 GET",
        "preview": "0",
        "destroy": "1 DELETE + polls",
    }
    for (count, label), cell in cells.items():
        calls = {k: med([m.calls[k] for m in cell.ours]) for k in KINDS}
        row = " | ".join(f"{calls[k]:g} ({calls[k] / count:.2f})" if calls[k] else "0" for k in KINDS)
        conns = med([m.connections for m in cell.ours])
        lines.append(f"| {count} | {label} | {row} | {conns:g} |")
        internal = sum(1 for i in range(count) if i % 4 == 3)
        c = calls
        ok = {
            "up": c["POST"] == count and c["GET"] <= internal and c["PUT"] == c["DELETE"] == 0,
            "update": c["PUT"] == count and c["GET"] == count and c["POST"] == c["DELETE"] == 0,
            "refresh": c["GET"] == count and c["POST"] == c["PUT"] == c["DELETE"] == 0,
            "preview": sum(c.values()) == 0,
            "destroy": c["DELETE"] == count and c["POST"] == c["PUT"] == 0,
        }[label]
        iam_ok = c["IAM"] <= (1 if password else 0)
        got = ", ".join(f"{c[k]:g} {k}" for k in KINDS if c[k]) or "0"
        targets.append(
            (f"`{label}` N={count}: {budgets[label]} per resource, IAM ≤ {int(password)}", got, ok and iam_ok)
        )
        if count == top and label != "preview":
            targets.append(
                (f"keep-alive: `{label}` N={count} opens ≤ {SLOTS} connections", f"{conns:g}", conns <= SLOTS)
            )

    lines += [
        "",
        "## Deletes: how soon the provider notices a workspace is gone",
        "",
        "Lag = time of the first GET that found the workspace gone − time the emulator removed it. "
        f"Terraform's provider spends at least {TERRAFORM_DELETE_FLOOR:g} s per delete (fixed delay, then polls).",
        "",
        "| N | GET polls per delete | lag median s | lag p90 s | lag max s | DELETE accepted → noticed, median s |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for (count, label), cell in cells.items():
        if label != "destroy":
            continue
        lags = sorted(lag for m in cell.ours for lag in m.lags)
        if not lags:
            continue
        polls = med([m.calls["GET"] / count for m in cell.ours])
        p90 = lags[min(len(lags) - 1, int(0.9 * len(lags)))]
        per_ws = args.delete_duration + med(lags)
        lines.append(f"| {count} | {polls:.1f} | {med(lags):.2f} | {p90:.2f} | {lags[-1]:.2f} | {per_ws:.2f} |")
        targets.append(
            (
                f"delete noticed ≤ 0.5 s after the workspace is gone, N={count} (max)",
                f"{lags[-1]:.2f} s",
                lags[-1] <= 0.5,
            )
        )

    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|:-:|"]
    lines += [f"| {name} | {got} | {'yes' if ok else '**no**'} |" for name, got, ok in targets]
    lines.append("")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,100", help="comma-separated workspace counts")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the emulator adds to every request")
    parser.add_argument("--delete-duration", type=float, default=2.0, help="seconds a workspace stays DELETING")
    parser.add_argument("--auth", choices=("aksk", "password"), default="aksk", help="how the provider signs in")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the table shows the median")
    parser.add_argument("--preview-runs", type=int, default=3, help="no-change previews per run (median)")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md", help="where to write the markdown")
    parser.add_argument("--workdir", type=Path, help="keep the projects and command logs here (default: a temp dir)")
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    if not args.sizes or min(args.sizes) < 1 or args.repeat < 1 or args.preview_runs < 1:
        parser.error("--sizes needs positive counts, --repeat and --preview-runs at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    let_children_be_interrupted()
    report = run(args)
    args.out.write_text(report)
    print(report)
    print(f"written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
