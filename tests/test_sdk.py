"""The schema as Pulumi's code generators need it, and the checked-in SDKs (sdk/) generated from
it: scripts/gen-sdk.sh writes sdk/schema.json with them, so a schema changed without
regenerating fails here; tests/e2e/test_sdk_generation.py regenerates them byte for byte."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from modelarts_provider import __version__
from modelarts_provider.native import schema

SDK = Path(__file__).resolve().parents[1] / "sdk"


def _described(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every node that needs a description: resources, functions, types, their properties and
    the functions' arguments and results, the config keys and the provider's inputs."""
    for kind in ("resources", "functions", "types"):
        for token, item in doc[kind].items():
            yield token, item
            parts = [item.get("inputProperties"), item.get("properties")]
            parts += [item.get(part, {}).get("properties") for part in ("inputs", "outputs")]
            for props in parts:
                for name, prop in (props or {}).items():
                    yield f"{token}.{name}", prop
    for name, var in doc["config"]["variables"].items():
        yield f"config {name}", var
    yield "provider", doc["provider"]
    for name, prop in doc["provider"]["inputProperties"].items():
        yield f"provider {name}", prop


def test_everything_in_the_schema_has_a_description() -> None:
    """The generated SDKs' doc comments come from these."""
    missing = [where for where, node in _described(schema.schema()) if not str(node.get("description", "")).strip()]
    assert missing == []


def test_no_environment_defaults() -> None:
    """A `defaultInfo` makes a generated SDK copy an HW_* variable into an explicit provider's
    inputs, which the engine stores; the plugin reads the variables itself."""
    assert "defaultInfo" not in schema.schema_json()


def test_language_settings_name_the_packages_and_the_version() -> None:
    doc = schema.schema()
    assert doc["version"] == __version__ and doc["meta"]["supportPack"] is True
    assert doc["language"]["nodejs"]["packageName"] == schema.NPM_PACKAGE
    assert doc["language"]["go"]["importBasePath"] == f"{schema.GO_MODULE}/modelarts"


def test_checked_in_sdks_come_from_the_current_schema() -> None:
    """Run scripts/gen-sdk.sh after changing the schema (its version included)."""
    generated_from = json.loads((SDK / "schema.json").read_text())
    assert generated_from == schema.schema(), "sdk/ is stale: run scripts/gen-sdk.sh"
    package = json.loads((SDK / "nodejs" / "package.json").read_text())
    assert (package["name"], package["version"]) == (schema.NPM_PACKAGE, __version__)
    assert (SDK / "go" / "go.mod").read_text().startswith(f"module {schema.GO_MODULE}\n")
