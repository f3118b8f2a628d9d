"""The access review end to end: the real CLI's `pulumi preview --json` of the review scenario
(tests/e2e/review_scenario.py), one stack per face against the emulator, read by
`python -m modelarts_provider review`: the summaries are the reviewed ones in tests/fixtures/review.
A difference means either the review or Pulumi's JSON changed: rerun scripts/review-fixtures.py
and review what differs. Then docs/access-review.md's command blocks on the same stack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from modelarts_provider.emulator import Emulator, EmulatorConfig
from tests.e2e.pulumi_cli import REPO
from tests.e2e.review_scenario import FACES, FIXTURES, run
from tests.e2e.test_docs import marked, ok, run_block


@pytest.mark.parametrize("face", FACES)
def test_review_of_real_previews(face: str, tmp_path: Path, plugin_archive: Path) -> None:
    with Emulator(EmulatorConfig(delete_duration=0.3)) as emu:
        project, documents = run(face, emu, tmp_path / face, plugin_archive if face == "native" else None)
        # the doc's blocks: a preview of the program as applied, then the drift job's
        ok(run_block(marked("review"), project.root, project.env))
        assert (project.root / "review.md").read_text() == (FIXTURES / f"{face}-empty.md").read_text()
        (drift,) = ok(run_block(marked("review-drift"), project.root, project.env))[1:]
        assert drift.output == (FIXTURES / f"{face}-drift.md").read_text()
    for scenario, document in documents.items():
        (tmp_path / f"{scenario}.json").write_text(document)
        command = [
            sys.executable,
            "-m",
            "modelarts_provider",
            "review",
            str(tmp_path / f"{scenario}.json"),
            "--exit-code",
        ]
        done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
        assert done.stderr == "" and done.returncode == (2 if scenario in ("changes", "drift") else 0), done.stderr
        assert done.stdout == (FIXTURES / f"{face}-{scenario}.md").read_text(), f"{face}-{scenario}"
