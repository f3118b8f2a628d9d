"""The command blocks of the README and docs/ run as written, against the emulator and through the
real `pulumi` CLI, and print what the doc says they print.

Each test runs the block marked `<!-- doc-test: NAME -->` in the doc, verbatim, in bash (one
logical line after the other, each line's output and exit status kept), after setting up what the
text around it assumes (a stack, workspaces, a killed `pulumi up`). `VAR=...` in a block stands
for a value the reader fills in; the runner keeps the emulator's value of VAR. `pulumi` asks no
questions (PULUMI_SKIP_CONFIRMATIONS), as for a reader who answers yes. A block marked
`<!-- doc-test: NAME output -->` is what the doc says the command prints: its lines must appear,
in order, in what was printed, with ids, ports, times and durations normalized (`...` stands for
any lines). The blocks not run, and why, are listed in tests/test_doc_blocks.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from modelarts_provider.api.client import ModelArtsClient
from modelarts_provider.emulator import Emulator, EmulatorConfig, Fault
from tests.conftest import hw_env, settings_for
from tests.docblocks import REPO, Block, blocks_of, marked, missing_lines
from tests.e2e.pulumi_cli import Project, pulumi_bin_dir
from tests.e2e.test_faults import repair_file_backend, stop_leftovers
from tests.e2e.venvs import WHEELHOUSE, fill_wheelhouse
from tests.test_packaging import build_wheel

PLACEHOLDER = re.compile(r"\b([A-Z][A-Z0-9_]*)=\.\.\.")
CONTINUES = ("\\", "|", "&&", "||", "(")
DEAD = "http://127.0.0.1:9"  # nothing listens there: a wrong endpoint


@dataclass
class Step:
    command: str
    output: str
    status: int


def logical_lines(text: str) -> list[str]:
    """The commands of a block: comment-only lines dropped, continued lines joined."""
    commands: list[str] = []
    pending = ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending = f"{pending}\n{line}" if pending else line
        if not pending.rstrip().endswith(CONTINUES):
            commands.append(pending)
            pending = ""
    assert not pending, f"unfinished command: {pending}"
    return commands


def run_block(
    block: Block, cwd: Path, env: dict[str, str], only: int | None = None, timeout: float = 300
) -> list[Step]:
    """Run the block's commands in one bash process (variables carry over), each followed by a
    marker with its exit status; stdout and stderr together, as a terminal shows them."""
    commands = logical_lines(PLACEHOLDER.sub(r'\1="${\1}"', block.text))
    if only is not None:
        commands = commands[:only]
    script = "exec 2>&1\n" + "".join(
        f"echo '@@@ {i}'\n{command}\necho \"@@@ status $?\"\n" for i, command in enumerate(commands)
    )
    # from a file, not `bash -c`: the script's text must not be in any command line (the cleanup
    # block looks for processes by their command line)
    with tempfile.NamedTemporaryFile("w", suffix=".sh", prefix="doc-block-") as file:
        file.write(script)
        file.flush()
        proc = subprocess.run(
            ["bash", file.name],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    text = proc.stdout
    steps = []
    for i, command in enumerate(commands):
        part = text.split(f"@@@ {i}\n", 1)[1]
        output, status = part.split("@@@ status ", 1)
        steps.append(Step(command, output, int(status.split("\n", 1)[0])))
    return steps


def ok(steps: list[Step]) -> list[Step]:
    failed = [f"$ {s.command}\n(exit {s.status})\n{s.output[-3000:]}" for s in steps if s.status != 0]
    assert not failed, "\n".join(failed)
    return steps


def assert_prints(name: str, printed: str) -> None:
    documented = marked(name, output=True)
    missing = missing_lines(documented.text, printed)
    assert not missing, (
        f"{documented.where} says it prints lines that did not appear: {missing}\n--- printed:\n{printed}"
    )


def doc_env(project: Project) -> dict[str, str]:
    return {**project.env, "PULUMI_SKIP_CONFIRMATIONS": "true"}


def test_demo(tmp_path: Path) -> None:
    """README, the two commands: `scripts/demo.sh` as a new user runs it (it starts its own
    emulator). `scripts/test.sh` is the suite that runs this test, so it is not run again."""
    block = marked("demo")
    commands = logical_lines(block.text)
    assert [c.split()[0] for c in commands] == ["scripts/demo.sh", "scripts/test.sh"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HW_", "PULUMI_"))}
    env.update(PATH=pulumi_bin_dir() + os.pathsep + env.get("PATH", ""), PULUMI_SKIP_UPDATE_CHECK="true")
    env["PULUMI_HOME"] = str(tmp_path / "pulumi-home")
    (step,) = ok(run_block(block, REPO, env, only=1))
    assert_prints("demo", step.output)
    assert not list(REPO.glob("Pulumi.local-emulator.yaml")), "the demo leaves no stack file behind"


# Pulumi's `python` project template, as `pulumi new python` copies it (github.com/pulumi/templates).
PYTHON_TEMPLATE = {
    "Pulumi.yaml": (
        "name: ${PROJECT}\ndescription: ${DESCRIPTION}\n"
        "runtime:\n  name: python\n  options:\n    toolchain: pip\n    virtualenv: venv\n"
        "template:\n  description: A minimal Python Pulumi program\n"
    ),
    "__main__.py": '"""A Python Pulumi program"""\n\nimport pulumi\n',
    "requirements.txt": "pulumi>=3.0.0,<4.0.0\n",
    ".gitignore": "*.pyc\nvenv/\n",
}


def template_repository(root: Path) -> str:
    """A Git repository holding the `python` template, for PULUMI_TEMPLATE_GIT_REPOSITORY: the
    machine has no route to github.com, where `pulumi new` fetches its templates."""
    for name, text in PYTHON_TEMPLATE.items():
        (root / "python").mkdir(parents=True, exist_ok=True)
        (root / "python" / name).write_text(text)
    git = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@127.0.0.1", "GIT_COMMITTER_NAME": "t"}
    git |= {"GIT_COMMITTER_EMAIL": "t@127.0.0.1", "PATH": os.environ["PATH"], "HOME": str(root)}
    for args in (["init", "-q", "-b", "master"], ["add", "-A"], ["commit", "-q", "-m", "templates"]):
        subprocess.run(["git", *args], cwd=root, env=git, check=True, capture_output=True)
    return root.as_uri()


def test_quickstart(tmp_path: Path) -> None:
    """README's quick start as a new user runs it, with the emulator standing in for the cloud:
    `pulumi login`, a new Python project from Pulumi's template, the package from a directory of
    release files (PIP_FIND_LINKS, the built wheel), `pulumi install`, a stack, the README's
    program, then up, an empty preview and destroy. The README's region is the emulator's."""
    wheels = tmp_path / "release"
    wheel = build_wheel(tmp_path / "build")
    wheels.mkdir()
    shutil.copy(wheel, wheels / wheel.name)
    fill_wheelhouse(["pip", "setuptools", "wheel", str(wheel)])
    readme = blocks_of(REPO / "README.md")
    project_block = marked("quickstart-project")
    (program,) = [b for b in readme if b.lang == "python" and b.line > project_block.line][:1]
    region = re.search(r"huaweicloud:region (\S+)", marked("quickstart").text)
    assert region, "the quick start sets a region"

    with Emulator(EmulatorConfig(region=region[1])) as emu:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HW_", "PULUMI_", "PIP_", "VIRTUAL_ENV"))}
        env.update(
            PATH=pulumi_bin_dir() + os.pathsep + env.get("PATH", ""),
            PULUMI_HOME=str(tmp_path / "pulumi-home"),
            PULUMI_BACKEND_URL=(tmp_path / "state").as_uri(),
            PULUMI_CONFIG_PASSPHRASE="quick-start",
            PULUMI_SKIP_UPDATE_CHECK="true",
            PULUMI_SKIP_CONFIRMATIONS="true",
            # no route to github.com or the Pulumi Cloud registry here: the template comes from a local repository
            PULUMI_TEMPLATE_GIT_REPOSITORY=template_repository(tmp_path / "templates"),
            PULUMI_DISABLE_REGISTRY_RESOLVE="true",
            PIP_FIND_LINKS=f"{wheels} {WHEELHOUSE}",
            PIP_NO_INDEX="1",
            PIP_DISABLE_PIP_VERSION_CHECK="1",
        )
        (tmp_path / "state").mkdir()
        env.update({k: v for k, v in hw_env(emu).items() if k != "HW_REGION_NAME"})
        ok(run_block(project_block, tmp_path, env))
        root = tmp_path / "ml-workspaces"
        assert (root / "venv" / "bin" / "pulumi-resource-modelarts").exists(), "the package is in the virtualenv"
        (root / "__main__.py").write_text(program.text)
        # The Python language host built here (v3.79) does not receive Pulumi.yaml's `virtualenv`
        # option from a current CLI (Pulumi's own releases do): it runs `python3` from PATH, so
        # the project's virtualenv goes first on PATH, as if activated.
        env["PATH"] = f"{root / 'venv' / 'bin'}{os.pathsep}{env['PATH']}"
        steps = ok(run_block(marked("quickstart"), root, env))
        assert [w["name"] for w in emu.workspaces() if w["name"] != "default"] == []  # destroyed at the end
        assert re.search(r"\+ 2 created", steps[2].output) and "ml-team" in steps[2].output, steps[2].output
        assert emu.counts()["POST"] == 1


def test_adopt_estate(emu: Emulator, tmp_path: Path) -> None:
    """docs/gitops.md, adopting an existing estate: the whole procedure, and `adopt-code` prints
    the code the doc shows for the same three workspaces."""
    client = ModelArtsClient(settings_for(emu))
    client.create_workspace(
        {
            "name": "ML_team",
            "description": 'say "hi"\nsecond line',
            "auth_type": "INTERNAL",
            "grants": [{"user_name": "alice"}, {"user_name": "fed-user", "user_type": "FEDERATE"}],
        }
    )
    client.create_workspace({"name": "ml-team", "enterprise_project_id": "b7e3c1a2-1111-4222-8333-444455556666"})
    emu.add_fault(Fault(kind="create_failed", method="POST"))
    client.create_workspace({"name": "half-made"})
    before = {w["id"]: w for w in emu.workspaces()}

    project = Project.create(tmp_path / "estate", hw_env(emu), name="ml", stack="prod")
    (project.root / "__main__.py").write_text('"""The ML platform\'s workspaces."""\n')
    env = {
        **doc_env(project),
        **{
            f"GIT_{who}_{what}": value
            for who in ("AUTHOR", "COMMITTER")
            for what, value in (("NAME", "doc"), ("EMAIL", "doc@127.0.0.1"))
        },
    }
    subprocess.run(["git", "init", "-q"], cwd=project.root, check=True, env=env)
    emu.reset_counts()
    steps = ok(run_block(marked("adopt-estate"), project.root, env))

    assert_prints("adopt-estate", (project.root / "__main__.py").read_text())
    listing = steps[1].output
    assert all(w["name"] in listing for w in before.values())
    creates = re.findall(r"\+\s+pulumi-python:dynamic/modelarts:Workspace \S+ create\b", steps[3].output)
    assert len(creates) == 2, steps[3].output  # one "+ create" per adoptable workspace
    counts = emu.counts()
    assert counts["POST"] == counts["PUT"] == counts["DELETE"] == 0, counts  # no create, modify or delete
    assert {w["id"]: w["status"] for w in emu.workspaces()} == {i: w["status"] for i, w in before.items()}
    assert "Adopt the existing ModelArts workspaces" in steps[-1].output
    project.run("destroy", "--yes", "--skip-preview")
    emu.remove_workspace_raw(next(i for i, w in before.items() if w["name"] == "half-made"))


def test_drift_then_settings_saved_by_the_last_up(emu: Emulator, tmp_path: Path) -> None:
    """docs/gitops.md's drift check, then docs/configuration.md's `--run-program` block: the real
    behaviour (refresh uses the endpoint saved by the last up, the environment is read afresh) and
    the recommendation, through the real CLI."""
    env = {**hw_env(emu), "HW_MAX_RETRIES": "0"}  # a dead endpoint fails at once
    project = Project.create(tmp_path / "ml", env, name="ml", stack="prod")
    project.program([{"resource": "docs", "args": {"name": "docs", "description": "before"}}])
    project.up()
    (docs,) = [w for w in emu.workspaces() if w["name"] == "docs"]
    ModelArtsClient(settings_for(emu)).update_workspace(docs["id"], {"description": "edited in the console"})

    (drift,) = run_block(marked("drift"), project.root, doc_env(project))
    assert drift.status != 0  # the scheduled job fails
    assert_prints("drift", drift.output)
    project.up("--refresh", "--run-program")  # "Git is right"
    assert [w["description"] for w in emu.workspaces() if w["name"] == "docs"] == ["before"]

    # The environment is read by every command afresh: a changed HW_* counts at once.
    project.env["HW_MODELARTS_ENDPOINT"] = DEAD
    moved = project.run("refresh", "--yes", "--skip-preview", check=False)
    assert moved.returncode != 0 and "ConnectionError talking to 127.0.0.1:9" in moved.stdout + moved.stderr
    project.env["HW_MODELARTS_ENDPOINT"] = emu.url

    # Stack config is saved by an up (no API call needed) and then used by refresh, whatever the
    # stack config says now: the trap the doc describes.
    project.config("modelarts:endpoint", DEAD)
    project.up()
    project.run("config", "rm", "modelarts:endpoint")
    trapped = project.run("refresh", "--yes", "--skip-preview", check=False)
    assert trapped.returncode != 0 and "127.0.0.1:9" in trapped.stdout + trapped.stderr

    steps = ok(run_block(marked("saved-settings"), project.root, doc_env(project)))
    assert [s.command.split()[:2] for s in steps] == [
        ["pulumi", "config"],
        ["pulumi", "refresh"],
        ["pulumi", "preview"],
        ["pulumi", "destroy"],
    ]
    assert [w["name"] for w in emu.workspaces()] == ["default"]  # the destroy used the endpoint as it is now


def test_killed_up_leftovers_and_recovery(emu: Emulator, tmp_path: Path) -> None:
    """docs/reliability.md: `pulumi up` of the example program killed the way a user kills it
    (SIGKILL to the `pulumi` process), then the cleanup block and the recovery block as written."""
    project = Project.create(tmp_path / "example", hw_env(emu), name="modelarts-example", stack="dev")
    shutil.copy(REPO / "__main__.py", project.root / "__main__.py")
    emu.reset_counts()
    emu.config.latency = 1.0
    try:
        project.kill_up_when(lambda: emu.counts()["POST"] >= 2, project.root / "killed-up.log", whole_group=False)
        time.sleep(emu.config.latency + 0.5)  # the requests already sent still take effect
        emu.config.latency = 0.0

        before = set(processes_in(project.root))
        cleanup = ok(run_block(marked("killed-up-leftovers"), project.root, doc_env(project)))
        listed = cleanup[1].output
        for kind in ("pulumi-language-python", "pulumi-resource-pulumi-python", "-m pulumi.dynamic"):
            assert kind in listed, listed  # each kind the doc names was left behind, and listed
        assert {int(line.split()[0]) for line in listed.splitlines()[1:] if line.strip()} == before
        time.sleep(1.0)
        assert processes_in(project.root) == {}, "the cleanup ended every process the killed run left"
    finally:
        emu.config.latency = 0.0
        stop_leftovers(project.root)

    made = {w["name"]: w["id"] for w in emu.workspaces() if w["name"].startswith("demo-")}
    assert made, "the killed run should have created a workspace that is not in the state"
    if "failed to load checkpoint" in project.run("stack", "export", check=False).stderr:
        repair_file_backend(project)  # the next bullet of the doc
    ok(run_block(marked("killed-up-recovery"), project.root, doc_env(project)))
    live = {w["name"]: w["id"] for w in emu.workspaces() if w["name"] != "default"}
    assert sorted(live) == ["demo-internal", "demo-private"]  # each once
    assert {name: live[name] for name in made} == made  # adopted, not created again
    project.run("destroy", "--yes", "--skip-preview")


def processes_in(root: Path) -> dict[int, str]:
    """Processes (not zombies) whose working directory is `root`, with their command lines."""
    found: dict[int, str] = {}
    for proc_dir in Path("/proc").glob("[0-9]*"):
        try:
            if Path(os.readlink(proc_dir / "cwd")) != root or int(proc_dir.name) == os.getpid():
                continue
            if (proc_dir / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue
            found[int(proc_dir.name)] = (proc_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
    return found
