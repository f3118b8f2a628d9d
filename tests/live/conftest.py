"""The opt-in live suite: real credentials and a sandbox project from the environment.

Without `MODELARTS_LIVE=1` and a complete environment every test here is skipped with one line
saying what is missing (also at the end of the run, so a skip is never silent). See
docs/live.md for the command and what the suite does.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.pulumi_cli import REPO

CREDENTIALS = (
    ("HW_ACCESS_KEY", "HW_SECRET_KEY"),
    ("HW_USER_NAME", "HW_USER_PASSWORD", "HW_DOMAIN_NAME"),
    ("HW_AUTH_TOKEN",),
)


def missing(environ: dict[str, str] | None = None) -> str | None:
    """Why the live suite cannot run here, in one line; None when it can."""
    env = dict(os.environ if environ is None else environ)
    if env.get("MODELARTS_LIVE") != "1":
        return (
            "live suite off: set MODELARTS_LIVE=1 with HW_REGION_NAME, HW_PROJECT_ID of a sandbox project "
            "and credentials (docs/live.md)"
        )
    needed = [name for name in ("HW_REGION_NAME", "HW_PROJECT_ID") if not env.get(name)]
    if not any(all(env.get(name) for name in way) for way in CREDENTIALS):
        needed.append(
            "credentials (HW_ACCESS_KEY+HW_SECRET_KEY, HW_USER_NAME+HW_USER_PASSWORD+HW_DOMAIN_NAME, or HW_AUTH_TOKEN)"
        )
    return f"live suite: MODELARTS_LIVE=1 but missing {', '.join(needed)} (docs/live.md)" if needed else None


REASON = missing()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if REASON is None:
        return
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.skip(reason=REASON))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if REASON is not None:
        terminalreporter.write_line(f"tests/live: {REASON}")


@pytest.fixture(scope="session")
def prefix() -> str:
    """Every workspace the suite makes starts with this (MODELARTS_LIVE_PREFIX, default
    `pulumi-live-`) plus a run id, so parallel runs and leftovers are told apart."""
    return f"{os.environ.get('MODELARTS_LIVE_PREFIX', 'pulumi-live-')}{uuid.uuid4().hex[:8]}-"


@pytest.fixture(scope="session")
def plugin_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The native plugin archive, built by the repository's own script."""
    out = tmp_path_factory.mktemp("plugin")
    proc = subprocess.run(
        [str(REPO / "scripts" / "build-plugin.sh"), str(out)], check=True, capture_output=True, text=True
    )
    yield Path(proc.stdout.strip().splitlines()[-1])
