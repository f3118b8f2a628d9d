"""docs/testing.md as a user follows it: the project files in the doc (Pulumi.yaml, the program,
its unit test with mocks and its stack test on the `modelarts_emulator` fixture) run with the
pytest of a fresh virtualenv that has only the wheel of this package and pytest installed."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from tests.e2e.pulumi_cli import pulumi_bin_dir
from tests.e2e.venvs import fresh_venv
from tests.test_packaging import build_wheel

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "testing.md"
FILE_BLOCK = re.compile(r"^```\w+\n# file: (\S+)\n.*?^```$", re.MULTILINE | re.DOTALL)


def doc_files(text: str) -> dict[str, str]:
    """Each code block whose first line is `# file: PATH`, by path, as the reader copies it."""
    files: dict[str, str] = {}
    for match in FILE_BLOCK.finditer(text):
        body = match.group(0).split("\n", 1)[1].rsplit("```", 1)[0]
        files[match.group(1)] = body
    return files


def test_the_doc_holds_a_whole_project() -> None:
    assert set(doc_files(DOC.read_text())) == {
        "Pulumi.yaml",
        "__main__.py",
        "tests/test_program.py",
        "tests/test_stack.py",
    }


def test_doc_project_passes_from_a_wheel_in_a_fresh_virtualenv(tmp_path: Path) -> None:
    project = tmp_path / "ml-platform"
    for name, body in doc_files(DOC.read_text()).items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(body)

    wheel = build_wheel(tmp_path / "build")
    env_dir = tmp_path / "venv"
    python = fresh_venv(env_dir, [str(wheel), "pytest"])

    # Only what a user's shell has: the venv first on PATH, the CLI, no checkout on sys.path and
    # no HW_* or PULUMI_* settings of ours.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HW_", "PULUMI_", "PYTHON"))}
    env["PATH"] = os.pathsep.join([str(env_dir / "bin"), pulumi_bin_dir(), env.get("PATH", "")])
    env["PULUMI_HOME"] = str(tmp_path / "pulumi-home")
    env["VIRTUAL_ENV"] = str(env_dir)
    run = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert re.search(r"^2 passed", run.stdout, re.MULTILINE), run.stdout
    # The tests ran against the installed copy, not this checkout.
    where = subprocess.run(
        [str(python), "-c", "import modelarts_provider.pytest_plugin as p; print(p.__file__)"],
        cwd=project, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert Path(where.stdout.strip()).is_relative_to(env_dir), where.stdout + where.stderr
