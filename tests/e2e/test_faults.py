"""Faults end to end, through the real `pulumi` CLI: the emulator injects 5xx bursts, 429 with
Retry-After, dropped connections, lost answers and slow answers into every operation, failed
creates and deletes, token expiry mid-run, wrong credentials, and a `pulumi up` killed mid-run.
After each step the stack has converged: the live workspaces are exactly the declared ones, each
once, each in the state (see reliability.assert_converged). The steps share one stack and run in
order; docs/reliability.md quotes the figures they measure. Two tests stand apart: a whole
lifecycle at 15% random loss in one run per step, and the CLI and a lookup with default settings
against a server that never answers."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from modelarts_provider.core.errors import ModelArtsError, TransportError
from modelarts_provider.core.settings import Settings
from modelarts_provider.emulator import Emulator, EmulatorConfig, Fault
from modelarts_provider.program import lookups
from tests import conftest
from tests.e2e.pulumi_cli import REPO, Project, without_program_runtime
from tests.e2e.reliability import (
    CREATE_PATH,
    ONE_PATH,
    TOKEN_PATH,
    Figures,
    add_faults,
    assert_converged,
    deployment,
    env_changed,
    hw_env,
    live,
    state_ids,
    workspaces,
)
from tests.rawhttp import RawServer, Reply, timed

READ_TIMEOUT = 2.0  # modelarts:readTimeout for this stack: a "slow answer" is one slower than this
SLOW = {"kind": "latency", "seconds": READ_TIMEOUT + 1.0}
FIGURES = Figures("faults")

BASE: list[dict[str, Any]] = [
    *workspaces("f", 4),
    {"resource": "team", "args": {"name": "f-team", "auth_type": "INTERNAL", "grants": [{"user_name": "zoe"}]}},
    {"resource": "slowdel", "args": {"name": "f-slowdel", "delete_timeout": 2}},
]


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(delete_duration=0.3)) as emulator:
        yield emulator
    FIGURES.save()


@pytest.fixture(scope="module")
def project(emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    proj = Project.create(tmp_path_factory.mktemp("faults") / "project", hw_env(emu))
    proj.config("modelarts:readTimeout", str(READ_TIMEOUT))
    yield proj
    assert stop_leftovers(proj.root, wait=5.0) == []  # whatever happens, nothing of ours keeps running


def with_descriptions(program: list[dict[str, Any]], text: str, resources: set[str]) -> list[dict[str, Any]]:
    return [
        {"resource": i["resource"], "args": {**i["args"], "description": text}} if i["resource"] in resources else i
        for i in program
    ]


def failed(project: Project, *args: str) -> str:
    """Run a command that must fail; its output, which must be one clear line per error."""
    proc = project.run(*args, check=False)
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0, text
    assert "Traceback" not in without_program_runtime(text)
    return text


class TestFaults:
    def test_create_converges_under_faults(self, emu: Emulator, project: Project) -> None:
        """6 creates meet 8 faulty POST answers (5xx, 429, a drop, a lost answer, a slow one) and a
        5xx from IAM: every workspace exists once and is in the state, with one IAM token."""
        project.program(BASE)
        add_faults(emu, "POST", TOKEN_PATH, {"kind": "status", "status": 503})
        injected = add_faults(
            emu,
            "POST",
            CREATE_PATH,
            {"kind": "status", "status": 429, "error_code": "ModelArts.2799", "retry_after": 1.0, "count": 2},
            {"kind": "status", "status": 503},
            {"kind": "drop"},
            {"kind": "status", "status": 500},
            {"kind": "lost_response"},
            {"kind": "status", "status": 502},
            SLOW,
        )
        with FIGURES.step("create 6 under 8 POST faults + 1 IAM 5xx", emu, faults=injected + 1) as record:
            project.up()
        assert emu.faults() == []
        assert_converged(emu, project, BASE)
        requests = record["requests"]
        assert requests["IAM"] == 2  # the 503, then the one token of the run
        # each fault costs at most one more POST (and a look-up by name when the outcome is unknown)
        assert 6 + 2 <= requests["POST"] <= 6 + injected
        assert requests.get("GET", 0) <= 2 * injected + 1
        project.run("preview", "--expect-no-changes")

    def test_refresh_converges_under_faults(self, emu: Emulator, project: Project) -> None:
        before = state_ids(project)
        injected = add_faults(
            emu,
            "GET",
            ONE_PATH,
            {"kind": "status", "status": 503, "count": 2},
            {"kind": "status", "status": 500},
            {"kind": "status", "status": 429, "error_code": "ModelArts.2799", "retry_after": 1.0},
            {"kind": "drop"},
            SLOW,
        )
        with FIGURES.step("refresh 6 under 6 GET faults", emu, faults=injected) as record:
            project.run("refresh", "--yes", "--skip-preview")
        assert record["requests"] == {"IAM": 1, "GET": 6 + injected, "total": 7 + injected}  # one retry per fault
        assert state_ids(project) == before
        project.run("preview", "--expect-no-changes")

    def test_retries_are_bounded(self, emu: Emulator, project: Project) -> None:
        """A 5xx that never ends is an error after HW_MAX_RETRIES retries, not a hang."""
        emu.add_fault(Fault(kind="status", status=503, method="GET", path=ONE_PATH, count=None))
        try:
            with env_changed(project, HW_MAX_RETRIES="2"), FIGURES.step("refresh, endless 503", emu) as record:
                text = failed(project, "refresh", "--yes", "--skip-preview")
        finally:
            emu.clear_faults()
        assert "failed with HTTP 503 ModelArts.7001" in text and "request id" in text
        assert record["requests"]["GET"] == 6 * 3  # every workspace: the first try and 2 retries
        assert_converged(emu, project, BASE)

    def test_update_converges_under_faults(self, emu: Emulator, project: Project) -> None:
        program = with_descriptions(BASE, "updated under faults", {"f0", "f1", "team"})
        project.program(program)
        puts = add_faults(
            emu,
            "PUT",
            ONE_PATH,
            {"kind": "status", "status": 503},
            {"kind": "status", "status": 502},
            {"kind": "status", "status": 429, "error_code": "ModelArts.6101", "retry_after": 1.0},
            {"kind": "drop"},
            {"kind": "lost_response"},
            SLOW,
        )
        gets = add_faults(emu, "GET", ONE_PATH, {"kind": "status", "status": 500})
        with FIGURES.step("update 3 under 7 PUT/GET faults", emu, faults=puts + gets) as record:
            project.up()
        assert record["requests"]["PUT"] == 3 + puts and record["requests"]["GET"] == 3 + gets
        assert {live(emu)[f"f-00{i}"]["description"] for i in (0, 1)} == {"updated under faults"}
        assert_converged(emu, project, program)
        BASE[:] = program

    def test_delete_converges_under_faults(self, emu: Emulator, project: Project) -> None:
        program = [i for i in BASE if i["resource"] not in {"f2", "f3"}]
        project.program(program)
        deletes = add_faults(
            emu,
            "DELETE",
            ONE_PATH,
            {"kind": "status", "status": 503},
            {"kind": "status", "status": 429, "error_code": "ModelArts.2799", "retry_after": 1.0},
            {"kind": "drop"},
            {"kind": "lost_response"},  # the retry then meets "already DELETING" (ModelArts.7004)
            SLOW,
        )
        add_faults(emu, "GET", ONE_PATH, {"kind": "status", "status": 503})
        with FIGURES.step("delete 2 under 6 DELETE/GET faults", emu, faults=deletes + 1) as record:
            project.up()
        assert record["requests"]["DELETE"] == 2 + deletes
        assert_converged(emu, project, program)
        BASE[:] = program

    def test_lost_create_answer_gives_exactly_one_workspace_in_the_state(self, emu: Emulator, project: Project) -> None:
        program = [*BASE, {"resource": "lost", "args": {"name": "f-lost"}}]
        project.program(program)
        emu.add_fault(Fault(kind="lost_response", method="POST", path=CREATE_PATH))
        with FIGURES.step("create with the POST answer lost", emu) as record:
            project.up()
        assert record["requests"]["POST"] == 1  # found by name, never posted twice
        assert_converged(emu, project, program)
        BASE[:] = program

    def test_create_failed_says_why_and_leaves_nothing(self, emu: Emulator, project: Project) -> None:
        program = [*BASE, {"resource": "doomed", "args": {"name": "f-doomed"}}]
        project.program(program)
        emu.add_fault(Fault(kind="create_failed", method="POST", path=CREATE_PATH))
        text = failed(project, "up", "--yes", "--skip-preview")
        assert "CREATE_FAILED: emulated failure: creating the workspace failed" in text
        assert "'f-doomed'" in text
        time.sleep(emu.config.delete_duration + 0.2)
        assert "f-doomed" not in live(emu) and "doomed" not in state_ids(project)
        assert_converged(emu, project, BASE)
        project.up()  # the cause is gone: the next run creates it
        assert_converged(emu, project, program)
        BASE[:] = program

    def test_delete_failed_keeps_the_resource_for_the_next_run(self, emu: Emulator, project: Project) -> None:
        doomed_id = state_ids(project)["doomed"]
        program = [i for i in BASE if i["resource"] != "doomed"]
        project.program(program)
        emu.add_fault(Fault(kind="delete_failed", method="DELETE", path=ONE_PATH))
        text = failed(project, "up", "--yes", "--skip-preview")
        assert f"workspace 'f-doomed' ({doomed_id}) could not be deleted (DELETE_FAILED)" in text
        assert "emulated failure: deleting the workspace failed" in text and "stays in the stack" in text
        assert state_ids(project)["doomed"] == doomed_id
        assert live(emu)["f-doomed"]["status"] == "DELETE_FAILED"
        project.up()  # a later run finishes it
        assert_converged(emu, project, program)
        BASE[:] = program

    def test_delete_that_never_finishes_stays_in_the_state(self, emu: Emulator, project: Project) -> None:
        slow_id = state_ids(project)["slowdel"]
        program = [i for i in BASE if i["resource"] != "slowdel"]
        project.program(program)
        emu.config.delete_duration = 3600.0
        try:
            text = failed(project, "up", "--yes", "--skip-preview")
        finally:
            emu.config.delete_duration = 0.3
        assert f"workspace 'f-slowdel' ({slow_id}) is still DELETING after 2s; it stays in the stack" in text
        assert state_ids(project)["slowdel"] == slow_id
        project.up()
        assert_converged(emu, project, program)
        BASE[:] = program

    def test_token_expiry_mid_run_costs_one_new_token(self, emu: Emulator, project: Project) -> None:
        program = [*BASE, *workspaces("t", 8)]
        project.program(program)
        emu.config.latency = 0.5  # every request takes a while: the expiry lands in the middle

        def expire_after_first_create() -> None:
            deadline = time.monotonic() + 120
            while emu.counts()["POST"] < 1 and time.monotonic() < deadline:
                time.sleep(0.01)
            emu.expire_tokens()

        watcher = threading.Thread(target=expire_after_first_create, daemon=True)
        try:
            with FIGURES.step("create 8, every token expires after the first POST", emu) as record:
                watcher.start()
                project.up()
        finally:
            emu.config.latency = 0.0
            watcher.join(timeout=5)
        assert record["requests"]["IAM"] == 2  # the first token, then exactly one new one
        assert_converged(emu, project, program)
        BASE[:] = program

    @pytest.mark.parametrize(
        ("method", "bad"),
        [("password", {"HW_USER_PASSWORD": "not-the-password"}), ("aksk", {"HW_SECRET_KEY": "not-the-secret-key"})],
    )
    def test_wrong_credentials_are_one_request_and_one_clear_error(
        self, emu: Emulator, project: Project, method: str, bad: dict[str, str]
    ) -> None:
        """Five bad signatures lock an access key, so 5 resources in parallel must not mean 5 tries."""
        program = [*BASE, *workspaces("w", 5)]
        project.program(program)
        changes: dict[str, str | None] = {**hw_env(emu, method), **bad}
        if method == "aksk":
            changes.update(HW_USER_NAME=None, HW_USER_PASSWORD=None, HW_DOMAIN_NAME=None)
        with env_changed(project, **changes), FIGURES.step(f"wrong credentials ({method})", emu) as record:
            text = failed(project, "up", "--yes", "--skip-preview")
        assert record["requests"]["total"] == 1
        assert "HTTP 401" in text and "check the access key/secret key, token or user name/password/domain" in text
        assert "not sent, because the credentials were rejected earlier in this run" in text
        assert next(iter(bad.values())) not in text
        project.program(BASE)
        assert_converged(emu, project, BASE)

    def test_interrupted_up_recovers_with_cancel_refresh_and_up(self, emu: Emulator, project: Project) -> None:
        """`pulumi up` killed (SIGKILL, the whole process group) while creating and updating;
        then exactly what docs/reliability.md tells the user to run."""
        program = with_descriptions([*BASE, *workspaces("i", 10)], "after the interruption", {"f0", "f1"})
        project.program(program)
        emu.reset_counts()
        emu.config.latency = 1.0
        log = project.root / "interrupted-up.log"
        try:
            project.kill_up_when(lambda: emu.counts()["POST"] >= 3, log, whole_group=True)
        finally:
            leftovers = stop_leftovers(project.root)  # as a CI runner ends a cancelled job's processes
            time.sleep(emu.config.latency + 0.5)  # requests already sent still take effect
            emu.config.latency = 0.0
        project.transcript.append((project.root / "interrupted-up.log").read_text())
        assert leftovers == []

        # What the user runs. 0: a kill in the middle of a checkpoint write can leave a file
        # backend's metadata file empty; then every command says "failed to load checkpoint: EOF".
        probe = project.run("stack", "export", check=False)
        repaired = repair_file_backend(project) if "failed to load checkpoint" in probe.stderr else []
        pending = deployment(project).get("pending_operations") or []
        assert {op["type"] for op in pending} <= {"creating", "updating"}
        FIGURES.steps["interrupted up"] = {"pending": len(pending), "repaired": len(repaired)}
        # 1: the killed run still holds the stack's lock.
        assert "currently locked" in failed(project, "refresh", "--yes", "--skip-preview")
        project.run("cancel", "--yes")
        # 2: refresh the rest and drop the pending creates. (--import-pending-creates cannot bring
        # them back: Pulumi 3.274 turns them into pending imports that the refresh then drops.)
        with FIGURES.step("recovery refresh", emu, pending=len(pending)):
            project.run("refresh", "--yes", "--skip-preview", "--clear-pending-creates")
        assert not deployment(project).get("pending_operations")
        # 3: a plain up stops at each interrupted create that did make its workspace, naming it.
        made = {name: w["id"] for name, w in live(emu).items() if name.startswith("i-")}
        assert made, "the interruption should have left at least one created workspace behind"
        emu.reset_counts()
        text = failed(project, "up", "--yes", "--skip-preview")
        named = set(re.findall(r"a workspace named '(i-\d+)' already exists", text))
        assert named and named <= set(made)
        posts = emu.counts()["POST"]
        # 4: one run with adopt_by_name on every workspace: the ones that exist are taken over,
        # the others created; for workspaces already in the state the flag means nothing.
        project.program([{**i, "args": {**i["args"], "adopt_by_name": True}} for i in program])
        with FIGURES.step("recovery up with adopt_by_name", emu, made_by_killed_run=len(made)) as record:
            project.up()
        posts += record["requests"].get("POST", 0)
        assert posts <= 10  # one POST per missing workspace, plus one rejected POST per name conflict
        project.program(program)  # and then the flag can go again: no change
        project.run("preview", "--expect-no-changes")
        assert_converged(emu, project, program)
        assert {name: live(emu)[name]["id"] for name in made} == made  # the same workspaces, adopted
        BASE[:] = program

    def test_destroy_leaves_only_the_default_workspace(self, emu: Emulator, project: Project) -> None:
        add_faults(emu, "DELETE", ONE_PATH, {"kind": "status", "status": 503, "count": 3})
        project.run("destroy", "--yes", "--skip-preview")
        assert [w["id"] for w in emu.workspaces()] == ["0"]
        assert state_ids(project) == {}


def repair_file_backend(project: Project) -> list[Path]:
    """Remove the empty `<stack>.json.attrs` files that a kill during a checkpoint write leaves in
    a file backend (the checkpoint itself, `<stack>.json`, is then the last complete one)."""
    stacks = project.root / "state" / ".pulumi" / "stacks"
    empty = [f for f in stacks.rglob("*.attrs") if f.stat().st_size == 0]
    for f in empty:
        f.unlink()
    return empty


def stop_leftovers(root: Path, wait: float = 10.0) -> list[int]:
    """Kill what the killed run left running: Pulumi starts its plugins (the Python provider) in
    process groups of their own, so killing the CLI's group orphans them. Found by their working
    directory, the project; returns whatever is still running after `wait` seconds."""

    def running() -> list[int]:
        found = []
        for proc_dir in Path("/proc").glob("[0-9]*"):
            try:
                inside = Path(os.readlink(proc_dir / "cwd")).is_relative_to(root)
                state = (proc_dir / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if inside and state != "Z" and int(proc_dir.name) != os.getpid():
                found.append(int(proc_dir.name))
        return found

    settled = time.monotonic() + 2.0  # keep looking a little: a plugin may still be starting
    deadline = time.monotonic() + wait
    while ((pids := running()) or time.monotonic() < settled) and time.monotonic() < deadline:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)
    return running()


def test_the_cli_and_a_lookup_end_within_120s_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """With default settings, against a server that never answers: `workspaces list` (a real
    process) and `get_workspaces` each end with one error within the default deadline (100 s),
    so within 120 s. Both run at once; the test waits ~100 s (so it lives here, not in the unit
    tests every landing runs)."""
    assert Settings().retry_deadline <= 120 - 10
    with Emulator(EmulatorConfig()) as emu, RawServer(Reply(silent=True)) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HW_")}
        env.update(conftest.hw_env(emu), HW_MODELARTS_ENDPOINT=server.url, PYTHONPATH=str(REPO))
        for key, value in env.items():
            if key.startswith("HW_"):
                monkeypatch.setenv(key, value)
        monkeypatch.setattr(lookups, "_CLIENTS", {})
        looked_up: list[BaseException | float] = []

        def lookup() -> None:
            with timed() as took:
                try:
                    lookups.get_workspaces()
                except ModelArtsError as exc:
                    looked_up.append(exc)
            looked_up.append(took[0])

        thread = threading.Thread(target=lookup)
        with timed() as took:
            thread.start()
            proc = subprocess.run(
                [sys.executable, "-m", "modelarts_provider", "workspaces", "list"],
                env=env, capture_output=True, text=True, timeout=150,
            )  # fmt: skip
            thread.join(timeout=150)
    assert proc.returncode == 1 and "within the deadline" in proc.stderr and len(proc.stderr.splitlines()) == 1
    assert took[0] < 120
    error, seconds = looked_up
    assert isinstance(error, TransportError) and isinstance(seconds, float) and seconds < 120


LOSS = 0.15


def test_every_step_converges_in_one_run_at_15_percent_random_loss(tmp_path: Path) -> None:
    """The emulator loses 15% of all requests at random (IAM included; half before it acts, half
    after): creating 30 workspaces, updating all 30, refreshing and destroying them each succeed
    in one run, because lost answers of calls safe to repeat are repeated until the deadline.
    After the create, HW_MAX_RETRIES=1: it bounds repeats after error answers, not lost ones
    (the client before this rule, which counted both, failed this update in 1 of 3 runs)."""
    program = workspaces("l", 30)
    with Emulator(EmulatorConfig(delete_duration=0.3, loss=LOSS, loss_seed=2026)) as emu:
        project = Project.create(tmp_path / "project", hw_env(emu))
        try:
            project.program(program)
            with FIGURES.step(f"create 30 at {LOSS:.0%} loss", emu):
                project.up()
            assert_converged(emu, project, program)
            program = [{**i, "args": {**i["args"], "description": "updated at 15% loss"}} for i in program]
            project.program(program)
            project.env["HW_MAX_RETRIES"] = "1"
            with FIGURES.step(f"update 30 at {LOSS:.0%} loss", emu) as record:
                project.up()
            assert {w["description"] for w in live(emu).values()} == {"updated at 15% loss"}
            assert_converged(emu, project, program)
            assert record["requests"]["PUT"] >= 30
            with FIGURES.step(f"refresh 30 at {LOSS:.0%} loss", emu):
                project.run("refresh", "--yes", "--skip-preview")
            project.run("preview", "--expect-no-changes")
            with FIGURES.step(f"destroy 30 at {LOSS:.0%} loss", emu):
                project.run("destroy", "--yes", "--skip-preview")
            assert [w["id"] for w in emu.workspaces()] == ["0"] and state_ids(project) == {}
        finally:
            FIGURES.save()
            assert stop_leftovers(project.root, wait=5.0) == []
