"""Every command block of the README and docs/ is either run by tests/e2e/test_docs.py (marked
`<!-- doc-test: NAME -->` in the doc) or listed here with the reason it is not, so a new block
cannot silently escape the doc tests. Fast: reads files only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docblocks import Block, all_blocks, blocks_of, command_blocks, missing_lines, normalize

# Blocks the doc tests do not run: (file, text the block starts with) -> why.
SKIPPED: dict[tuple[str, str], str] = {
    ("docs/development.md", "scripts/mutation.sh"): (
        "mutation testing installs mutmut and runs for over an hour on purpose outside CI; the commands "
        "are the script's own usage lines"
    ),
    ("docs/testing.md", "pip install modelarts-provider pytest"): (
        "installs into the reader's own environment (from PyPI, or a path); "
        "tests/e2e/test_testing_doc.py does the same from the built wheel in a fresh virtualenv "
        "and runs the doc's test files with pytest"
    ),
    ("docs/native.md", "pulumi import modelarts:index:Workspace"): (
        "needs the native plugin installed from its archive and workspace ids the reader fills in; "
        "tests/e2e/test_faces.py runs these imports (ID, REGION/ID, the adopt-code file)"
    ),
    ("docs/reference/workspace.md", "pulumi import modelarts:index:Workspace"): (
        "the same imports as docs/native.md's block, with ids the reader fills in; tests/e2e/test_faces.py "
        "runs them (ID, REGION/ID, the adopt-code file)"
    ),
    ("docs/reference/provider.md", "pulumi config set huaweicloud:region"): (
        "the two lines of README's quick start, which tests/e2e/test_docs.py runs against the emulator"
    ),
    ("docs/native.md", "pulumi stack export --file state.json"): (
        "needs the native plugin and the reader's own URNs and program edit; tests/e2e/test_faces.py "
        "runs the same migration and counts zero writes"
    ),
    ("docs/configuration.md", "pulumi config set --path 'huaweicloud:assumeRole.agencyName'"): (
        "names the reader's agency and account; tests/e2e/test_least_privilege.py runs a stack through "
        "the emulator's agency (HW_ASSUME_ROLE_* form) and tests/test_credentials.py reads the config object"
    ),
    ("docs/configuration.md", "pulumi config set modelarts:endpoints"): (
        "names a real region's endpoint; tests/e2e/test_regions.py runs a stack over two regions with "
        "the same map (HW_MODELARTS_ENDPOINTS form) against two emulators"
    ),
    ("docs/emulator.md", "python -m modelarts_provider workspaces list"): (
        "WORKSPACE_ID is the reader's own; tests/test_quotas.py (test_cli_quotas_table_and_json) runs "
        "`workspaces quotas` against the emulator and tests/test_cli.py `workspaces list`"
    ),
    ("docs/configuration.md", "HW_MODELARTS_DEBUG=1 pulumi up"): (
        "the reader's own stack; tests/e2e/test_debug_switch.py runs `pulumi up` with the switch on both "
        "faces and tests/test_debug_switch.py the CLI line with HW_MODELARTS_DEBUG=1"
    ),
    ("docs/languages.md", "scripts/build-plugin.sh dist"): (
        "writes into the reader's dist/; tests/e2e/test_languages.py builds the same plugin archive and npm "
        "tarball with these scripts and runs the TypeScript and Go examples on them"
    ),
    ("docs/live.md", "export MODELARTS_LIVE=1"): (
        "needs real credentials and a sandbox project; tests/e2e/test_live_suite.py runs the same suite "
        "against the emulator (the next block) and with a failing step"
    ),
    ("docs/live.md", "scripts/live-against-emulator.sh"): (
        "takes minutes (two stacks); tests/e2e/test_live_suite.py runs this very script"
    ),
    ("docs/development.md", "RELIABILITY_FIGURES="): (
        "runs the fault and load suites themselves (minutes); CI runs them on every change anyway"
    ),
}

# Names tests/e2e/test_docs.py runs (each test there asserts its block by this name).
RUN_BY_E2E = {
    "demo",
    "quickstart-project",
    "quickstart",
    "adopt-estate",
    "drift",
    "saved-settings",
    "killed-up-leftovers",
    "killed-up-recovery",
    "install-wheel",  # tests/e2e/test_release.py, from the release's artifacts
    "install-plugin",  # tests/e2e/test_release.py
    "install-npm",  # tests/e2e/test_release.py
    "install-go",  # tests/e2e/test_release.py
    "review",  # these two: tests/e2e/test_review.py, on the stack of the review scenario
    "review-drift",
}

HOW_TO_FIX = (
    "Put `<!-- doc-test: NAME -->` on the line before the fence and run it in tests/e2e/test_docs.py, "
    "or add the block to SKIPPED in tests/test_doc_blocks.py with the reason it cannot run against "
    "the emulator (the real cloud, a CI service, ...)."
)


def skip_reason(block: Block) -> str | None:
    for (path, start), reason in SKIPPED.items():
        if block.path == path and block.text.lstrip().startswith(start):
            return reason
    return None


def test_every_command_block_is_run_or_skipped_with_a_reason() -> None:
    unaccounted = [b.where for b in command_blocks() if b.marker is None and skip_reason(b) is None]
    assert not unaccounted, f"command blocks neither run nor skipped: {unaccounted}. {HOW_TO_FIX}"


def test_every_marked_block_is_run_and_every_skip_still_matches() -> None:
    blocks = command_blocks()
    marked = [b.marker for b in blocks if b.marker]
    assert len(marked) == len(set(marked)), f"a doc-test name used twice: {sorted(marked)}"
    assert set(marked) == RUN_BY_E2E, "tests/e2e (test_docs.py, test_release.py) runs exactly the marked command blocks"
    for key in SKIPPED:
        assert any(skip_reason(b) == SKIPPED[key] for b in blocks), f"stale SKIPPED entry {key}"
    outputs = {b.marker for b in all_blocks() if b.output}
    assert outputs <= RUN_BY_E2E, f"output blocks of commands that are not run: {outputs - RUN_BY_E2E}"


def test_the_block_reader_on_a_sample(tmp_path: Path) -> None:
    doc = tmp_path / "sample.md"
    doc.write_text(
        "text\n\n<!-- doc-test: one -->\n```bash\npulumi up\n```\n\n"
        "- item\n\n  <!-- doc-test: one output -->\n  ```\n  Resources:\n      + 2 created\n  ```\n\n"
        "```\npulumi preview --diff\n```\n\n```\n    ~ pulumi-python:dynamic/modelarts:Workspace: (update)\n```\n"
    )
    blocks = blocks_of(doc, tmp_path)
    assert [(b.line, b.lang, b.marker, b.output, b.is_command) for b in blocks] == [
        (4, "bash", "one", False, True),
        (11, "", "one", True, False),
        (16, "", None, False, True),  # an unlabelled block that starts with a command
        (20, "", None, False, False),  # output
    ]
    assert blocks[1].text == "Resources:\n    + 2 created\n"


def test_documented_output_is_compared_in_order_with_what_varies_normalized() -> None:
    printed = (
        "emulator: http://127.0.0.1:41555\nnoise\n"
        "7bcdd1d28701489e89986548bdeead88  demo-internal  INTERNAL   NORMAL  0\n"
        "~ update_time : 1795605492177 => 1795605505046\nDuration: 2s\n"
    )
    documented = (
        "emulator: http://127.0.0.1:1234\n...\n"
        "c3483003500f4de7b4575baac45ac4e6 demo-internal INTERNAL NORMAL 0\n"
        "~ update_time : 1700000000000 => 1700000000001\n"
    )
    assert missing_lines(documented, printed) == []
    assert missing_lines("~ update_time : 1 => 2\n", printed) == ["~ update_time : 1 => 2"]
    # order matters
    assert missing_lines("Duration: 1s\nnoise\n", printed) == ["noise"]
    assert normalize("deleting original (0s)") == "deleting original (<s>)"


@pytest.mark.parametrize("block", [b for b in command_blocks() if b.marker], ids=lambda b: b.where)
def test_marked_blocks_have_no_unexplained_placeholders(block: Block) -> None:
    """The runner fills in `VAR=...` from the emulator's settings; any other `...` or `<...>` in a
    block it runs would be a command nobody can paste."""
    for line in block.text.splitlines():
        code = line.split(" #", 1)[0]
        stripped = code.replace("=...", "=")
        assert "..." not in stripped and "<" not in stripped.replace("<<", ""), f"{block.where}: {line}"
