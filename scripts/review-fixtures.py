#!/usr/bin/env python3
"""Write the access-review fixtures from real `pulumi` CLI runs against the emulator: for each
face, tests/fixtures/review/<face>-<scenario>.json (what `pulumi preview --json` printed) and,
with --markdown, <face>-<scenario>.md (what `python -m modelarts_provider review` makes of it).

Review every changed .md before committing it: the tests compare the review with these files.
Needs the Pulumi CLI on PATH (scripts/get-pulumi.sh) and builds the native plugin archive.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from modelarts_provider.emulator import Emulator, EmulatorConfig  # noqa: E402
from tests.e2e.review_scenario import FACES, FIXTURES, previews, summary  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--face", choices=FACES, action="append", help="only this face (default: both)")
    parser.add_argument("--markdown", action="store_true", help="also write the expected Markdown")
    args = parser.parse_args()
    FIXTURES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for face in args.face or FACES:
            archive = None
            if face == "native":
                built = subprocess.run(
                    [str(REPO / "scripts" / "build-plugin.sh"), tmp], check=True, capture_output=True, text=True
                )
                archive = Path(built.stdout.strip().splitlines()[-1])
            with Emulator(EmulatorConfig(delete_duration=0.3)) as emu:
                for scenario, document in previews(face, emu, Path(tmp) / face, archive).items():
                    (FIXTURES / f"{face}-{scenario}.json").write_text(document)
                    if args.markdown:
                        (FIXTURES / f"{face}-{scenario}.md").write_text(summary(document))
                    print(f"wrote {face}-{scenario}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
