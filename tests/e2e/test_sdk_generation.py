"""The checked-in SDKs (sdk/) are exactly what scripts/gen-sdk.sh generates now from the schema
the plugin prints, through Pulumi's own code generators; the generator refuses a schema that
binds with any error or warning."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.e2e.pulumi_cli import REPO

BUILT = ("node_modules", "bin")  # what building sdk/nodejs in place leaves (ignored by its .gitignore)


def tree(root: Path) -> dict[str, bytes]:
    files = (p for p in sorted(root.rglob("*")) if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in files if not set(p.relative_to(root).parts) & set(BUILT)}


def test_checked_in_sdks_are_what_the_schema_generates(tmp_path: Path) -> None:
    proc = subprocess.run(
        [str(REPO / "scripts" / "gen-sdk.sh"), str(tmp_path)], capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    generated, checked_in = tree(tmp_path), tree(REPO / "sdk")
    stale = sorted(name for name in generated.keys() | checked_in.keys() if generated.get(name) != checked_in.get(name))
    assert stale == [], f"sdk/ differs from the schema's SDKs in {stale}: run scripts/gen-sdk.sh"
