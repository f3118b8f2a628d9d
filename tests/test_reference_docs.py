"""The generated tables of docs/reference/ are what scripts/gen_reference.py makes from the
schema and the settings now: a page goes stale when a field, a description or a setting changes
without the script being run. Fast: no network, no CLI."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.docblocks import REPO

SCRIPT = REPO / "scripts" / "gen_reference.py"


def test_the_reference_pages_are_up_to_date() -> None:
    proc = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr + proc.stdout


def test_every_page_has_generated_tables_and_every_block_is_used() -> None:
    pages = {page.name: page.read_text() for page in (REPO / "docs" / "reference").glob("*.md")}
    used = {name for text in pages.values() for name in re.findall(r"<!-- generated: ([\w-]+) -->", text)}
    sys.path.insert(0, str(SCRIPT.parent))
    import gen_reference

    assert used == set(gen_reference.BLOCKS), "every generated block appears on a page, once"
    for name in ("workspace.md", "workspace-quotas.md", "get-workspace.md", "get-workspaces.md", "provider.md"):
        assert "<!-- generated:" in pages[name], name
