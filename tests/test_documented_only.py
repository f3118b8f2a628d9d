"""What users copy names only what the vendor documents, and every answer of the emulator that no
source documents is a named assumption, listed once in docs/emulator.md and at its code.

Judged against the vendor's own list, written out here from the sources (not taken from the
emulator): the workspace quota pages give one quota resource, their example item
`exemlProject.gpu_duration`; the official SDK (`huaweicloudsdkmodelarts`, `WorkspaceQuotasResponse`)
and Terraform's `huaweicloud_modelarts_workspace_quotas` data source only pass `resource` through.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from modelarts_provider.emulator import quotas
from tests.docblocks import REPO

DOCUMENTED_QUOTA_RESOURCES = frozenset({"exemlProject.gpu_duration"})

# What users read and copy: the docs, the example stack, the demo, the examples (policy pack, YAML, CI).
USER_FACING = (
    "README.md",
    "docs",
    "examples",
    "scripts/demo.sh",
    "__main__.py",
    "Pulumi.yaml",
)
TEXT_SUFFIXES = {".md", ".py", ".sh", ".yaml", ".yml", ".ts", ".go", ".json", ".txt", ""}
# A quota resource as the API spells them: `exemlProject.gpu_duration` (camelCase.snake_case).
QUOTA_SHAPE = re.compile(r"\b[a-z]+[A-Z][A-Za-z]*\.[a-z]+_[a-z_]+\b")
# Keys of a quotas map in Python/TypeScript/JSON (`quotas={"x": 1}`, `quotas: {"x": 1}`) and in
# an error message or expression (`quotas["x"]`).
QUOTAS_MAP = re.compile(r"quotas\s*[=:]\s*\{([^}]*)\}")
MAP_KEY = re.compile(r"[\"']([^\"']+)[\"']\s*:")
QUOTAS_INDEX = re.compile(r"quotas\[[\"']([^\"']+)[\"']\]")
# A YAML quotas block: `quotas:` followed by more indented `key: value` lines.
YAML_QUOTAS = re.compile(r"^(?P<indent>\s*)quotas:\s*\n(?P<body>(?:(?P=indent)\s+\S[^\n]*\n?)+)", re.MULTILINE)
ASSUMPTION_IN_CODE = re.compile(r"Assumption ([a-z][a-z-]*[a-z])\b")
ASSUMPTION_ROW = re.compile(r"^\| `([a-z][a-z-]*[a-z])` \|", re.MULTILINE)


def user_facing_files() -> list[Path]:
    files: list[Path] = []
    for entry in USER_FACING:
        path = REPO / entry
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix in TEXT_SUFFIXES)
        elif path.is_file():
            files.append(path)
    return files


def quota_names_in(text: str) -> set[str]:
    """Every quota resource a text names, in any of the forms users write them."""
    names = set(QUOTA_SHAPE.findall(text)) | set(QUOTAS_INDEX.findall(text))
    for body in QUOTAS_MAP.findall(text):
        names |= set(MAP_KEY.findall(body))
    for found in YAML_QUOTAS.finditer(text):
        for line in found.group("body").splitlines():
            key = line.strip().split(":", 1)[0].strip().strip("\"'")
            if key:
                names.add(key)
    names |= {d.resource for d in quotas.INVENTED if d.resource in text}
    return {name for name in names if re.search(r"[A-Za-z]", name)}  # not a placeholder like "..."


def test_the_reader_finds_quota_names_in_every_form_users_write() -> None:
    sample = """
    WorkspaceQuotasArgs(workspace_id=w, quotas={"exemlProject.gpu_duration": 600, 'made.up': -1})
    quotas["other.one"]: 70000 is outside the allowed range
    const q = new modelarts.WorkspaceQuotas("q", {workspaceId: id, quotas: {"ts.name": 5}});
    resources:
      q:
        properties:
          quotas:
            yaml.name: 10
            "quoted.name": 20
          workspaceId: "0"
    and notebook.instances in prose; quotas["..."]: a placeholder is no name
    """
    assert quota_names_in(sample) == {
        "exemlProject.gpu_duration",
        "made.up",
        "other.one",
        "ts.name",
        "yaml.name",
        "quoted.name",
        "notebook.instances",
    }


def test_docs_demo_and_examples_name_only_documented_quota_resources() -> None:
    files = user_facing_files()
    assert any(p.name == "configuration.md" for p in files) and any(p.name == "demo.sh" for p in files)
    undocumented = {
        f"{path.relative_to(REPO)}: {name}"
        for path in files
        for name in quota_names_in(path.read_text(encoding="utf-8"))
        if name not in DOCUMENTED_QUOTA_RESOURCES
    }
    assert not undocumented, (
        f"quota resources no vendor source documents: {sorted(undocumented)}; use "
        f"{sorted(DOCUMENTED_QUOTA_RESOURCES)} and show `python -m modelarts_provider workspaces quotas ID`"
    )


def test_the_emulator_catalogue_is_the_documented_one_unless_invented_quotas_are_asked_for() -> None:
    assert {d.resource for d in quotas.catalogue(invented=False)} == DOCUMENTED_QUOTA_RESOURCES
    invented = {d.resource for d in quotas.INVENTED}
    assert len(invented) == 5 and not invented & DOCUMENTED_QUOTA_RESOURCES
    assert {d.resource for d in quotas.catalogue(invented=True)} == DOCUMENTED_QUOTA_RESOURCES | invented


def test_the_invented_quotas_option_says_they_are_invented() -> None:
    help_text = subprocess.run(
        [sys.executable, "-m", "modelarts_provider.emulator", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    option = help_text[help_text.index("\n  --invented-quotas") :]
    assert "INVENTED" in " ".join(option.split()[:12])
    for name in ("--taken-name-code", "--create-answer-grants", "--no-create-answer-grants", "--maas-any-region"):
        assert name in help_text


def _assumptions_in_code() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((REPO / "modelarts_provider" / "emulator").glob("*.py")):
        for name in ASSUMPTION_IN_CODE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(path.name)
    return found


def test_every_assumption_is_in_the_one_docs_table_and_at_its_code() -> None:
    table = (REPO / "docs" / "emulator.md").read_text(encoding="utf-8")
    section = table[table.index("## Assumptions") : table.index("## Options")]
    documented = ASSUMPTION_ROW.findall(section)
    assert len(documented) == len(set(documented)), "an assumption listed twice"
    in_code = _assumptions_in_code()
    assert set(documented) == set(in_code), (
        f"only in the docs: {sorted(set(documented) - set(in_code))}; "
        f"only in the code: {sorted(set(in_code) - set(documented))}"
    )


@pytest.mark.parametrize(
    "name",
    ["taken-name-code", "create-answer-grants", "maas-region", "quota-defaults", "list-limit", "filter-accessible"],
)
def test_the_assumptions_the_issue_found_are_named(name: str) -> None:
    assert name in _assumptions_in_code()
