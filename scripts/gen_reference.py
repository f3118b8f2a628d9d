#!/usr/bin/env python3
"""Writes the generated tables of the reference pages (docs/reference/*.md) from the native
provider's schema (`modelarts_provider.native.schema`), the settings (`settings.SOURCES`,
`Settings`), the field lists (`spec`, `quota_spec`) and the lookups' result classes.

Each page is prose written by hand with blocks between `<!-- generated: NAME -->` and
`<!-- end generated: NAME -->`; only those blocks are rewritten. Run it after changing a field,
a rule, a description in the schema or a setting:

    python scripts/gen_reference.py          # rewrite the pages
    python scripts/gen_reference.py --check  # exit 1, naming the stale pages (tests run this)
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import json
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from modelarts_provider.core.settings import SECRET_FIELDS, SOURCES, Settings  # noqa: E402
from modelarts_provider.domain.fields import Field, Role  # noqa: E402
from modelarts_provider.domain.quotas import spec as quota_spec  # noqa: E402
from modelarts_provider.domain.workspace import spec  # noqa: E402
from modelarts_provider.native import quota_schema  # noqa: E402
from modelarts_provider.native import schema as native_schema  # noqa: E402
from modelarts_provider.native.values import camel  # noqa: E402
from modelarts_provider.program import lookups  # noqa: E402

PAGES = REPO / "docs" / "reference"
BLOCK = re.compile(
    r"(?P<open><!-- generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(?P<close><!-- end generated: (?P=name) -->)",
    re.DOTALL,
)
NOTE = "<!-- written by scripts/gen_reference.py: edit the source it names, then run it -->\n"

# Used where the schema has no description for a property yet.
FALLBACK_DESCRIPTIONS = {
    "owner": "The IAM user who created the workspace.",
    "status_info": "Why the workspace has its status (for example the reason of a failed create).",
    "enterprise_project_name": "The name of the enterprise project.",
    "project_id": "The project of the workspace's region; recorded at create and used by every later call.",
    "id": "The workspace id.",
    "user_id": "The IAM user id.",
    "user_name": "The IAM user name.",
    "user_type": "`IAM` (default), `FEDERATE` or `AGENCY`.",
    "workspace_id": "The workspace id (32 hex characters, or `0` for the default workspace).",
    "region": "Another region than the provider's (its project is looked up).",
    "region_id": "The region (default: the provider's).",
    "resource": "The quota resource, e.g. `exemlProject.gpu_duration`.",
    "quota": "The value: a whole number, or -1 for unlimited.",
    "min_quota": "The smallest value allowed.",
    "max_quota": "The largest value allowed.",
    "used_quota": "How much is used (null when the quota is -1).",
    "name_en": "The quota's name in English.",
    "name_cn": "The quota's name in Chinese.",
    "unit_en": "The unit in English, e.g. `minute`.",
    "unit_cn": "The unit in Chinese.",
    "update_time": "Milliseconds since the epoch.",
}
# Defaults that depend on the provider's configuration, told in words; the others are the
# declared fields' own defaults (`spec.FIELDS`).
DEFAULT_TEXTS = {
    "enterprise_project_id": (
        "at create, the provider's `enterpriseProjectId`, else `\"0\"`; afterwards the workspace's own"
    ),
    "region": "the provider's region at create; afterwards the workspace's own",
}
# What changing a dynamic-only input does, by its role.
OPTION_CHANGES = {
    Role.CREATE_OPTION: "nothing (read only on the first create)",
    Role.OPTION: "the state only, no API call",
}


def default_text(field: Field) -> str:
    """How the reference tells a workspace input's default."""
    if field.name in DEFAULT_TEXTS:
        return DEFAULT_TEXTS[field.name]
    value = field.default
    if value is None:
        return "-"
    if value in ([], {}):
        return "none"
    if isinstance(value, float):
        return f"`{value:.0f}`"
    return f"`{json.dumps(value) if value == '' else value}`"


# Provider settings: what each one is, where the schema does not say it yet, and defaults that
# are derived rather than fixed.
SETTING_DESCRIPTIONS = {
    "region": "Region id, e.g. `cn-north-4`: where new workspaces go; derives both endpoints and the project.",
    "access_key": "Access key (AK) for AK/SK authentication, with the secret key.",
    "secret_key": "Secret key (SK).",
    "security_token": "Security token of temporary AK/SK (STS).",
    "project_id": "Project id of the region; give it when the account has several projects there.",
    "domain_name": "Account (domain) name, for password authentication.",
    "user_name": "IAM user name, for password authentication.",
    "password": "IAM user password.",
    "token": "An IAM token you already have, used as is and never renewed.",
    "auth_url": "IAM endpoint, with or without a trailing `/v3`.",
    "insecure": "Skip TLS certificate verification (test endpoints only).",
    "max_retries": "Repeats of one call after an error answer (429, 5xx); `0` = none.",
    "cloud": "Site domain every derived endpoint ends in, e.g. `myhuaweicloud.eu`.",
    "assume_role": "Agency to assume: `agencyName`, `domainName`, `duration` (seconds, 900 to 86400).",
    "assume_role_agency": "Agency name (the `agencyName` of `assumeRole`).",
    "assume_role_domain": "Account of the agency (the `domainName` of `assumeRole`).",
    "assume_role_duration": "Lifetime of the agency's credentials in seconds (the `duration` of `assumeRole`).",
    "modelarts_endpoint": "ModelArts endpoint of the provider's region (a private endpoint, or the emulator).",
    "modelarts_endpoints": "Region -> ModelArts endpoint, for stacks with several regions; wins over `endpoint`.",
    "enterprise_project_id": "Enterprise project of workspaces created without `enterprise_project_id`.",
    "connect_timeout": "Seconds for one connection attempt.",
    "read_timeout": "Longest silence, in seconds, while waiting for an answer.",
    "retry_deadline": (
        "Seconds one API call may take in all (every attempt and wait); a lookup or CLI command as a whole."
    ),
}
DERIVED_DEFAULTS = {
    "project_id": "looked up from the region",
    "auth_url": "`https://iam.{region}.{cloud}`",
    "modelarts_endpoint": "`https://modelarts.{region}.{cloud}`",
    "enterprise_project_id": '`"0"`',
    "assume_role_duration": "IAM's (900)",
}


# -- types -----------------------------------------------------------------------------------------


def schema_type(prop: dict[str, Any]) -> str:
    """A schema property's type as the reference shows it: `string`, `Grant[]`, `map(integer)`."""
    if "$ref" in prop:
        return prop["$ref"].rsplit(":", 1)[-1]
    kind = prop.get("type", "string")
    if kind == "array":
        return f"{schema_type(prop['items'])}[]"
    if kind == "object" and "additionalProperties" in prop:
        return f"map({schema_type(prop['additionalProperties'])})"
    return str(kind)


def python_type(annotation: Any) -> str:
    """A Python annotation as text, `str | None` and `list[dict[str, str]]` included."""
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    return text.replace("typing.", "")


def describe(prop: dict[str, Any], field: str) -> str:
    """The schema's description of a property; else the Workspace property of the same name's;
    else the fallback above."""
    workspace = schema()["resources"][native_schema.WORKSPACE]["properties"].get(camel(field), {})
    text = str(prop.get("description") or workspace.get("description") or FALLBACK_DESCRIPTIONS.get(field, ""))
    # the environment variable has a column of its own
    text = re.sub(r"\s*Falls back to the environment variable \w+\.", "", text)
    return re.sub(r"\s*Unset: the plugin reads \w+[^.]*\.", "", text).strip()


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def code(text: str) -> str:
    return f"`{text}`"


# -- the blocks ------------------------------------------------------------------------------------


def schema() -> dict[str, Any]:
    return native_schema.schema()


def resource(token: str) -> dict[str, Any]:
    return dict(schema()["resources"][token])


def type_of(token: str) -> dict[str, Any]:
    return dict(schema()["types"][token])


def function(token: str) -> dict[str, Any]:
    return dict(schema()["functions"][token])


def workspace_inputs() -> str:
    res = resource(native_schema.WORKSPACE)
    props, required = res["inputProperties"], set(res["requiredInputs"])
    rows = []
    for field in spec.INPUT_FIELDS:
        native = camel(field)
        declared = spec.FIELD[field]
        if not declared.native:
            rows.append(
                [
                    code(field),
                    "- (dynamic only)",
                    declared.kind.value,
                    "no",
                    default_text(declared),
                    OPTION_CHANGES[declared.role],
                    declared.description,
                ]
            )
            continue
        prop = props[native]
        change = "**replace**" if prop.get("replaceOnChanges") else "update in place"
        rows.append(
            [
                code(field),
                code(native),
                schema_type(prop),
                "**yes**" if native in required else "no",
                default_text(declared),
                change,
                describe(prop, field),
            ]
        )
    return table(["Python", "native (YAML, ...)", "type", "required", "default", "on change", "description"], rows)


def workspace_outputs() -> str:
    res = resource(native_schema.WORKSPACE)
    props = res["properties"]
    inputs = set(res["inputProperties"])
    rows = [
        [code(field), code(camel(field)), schema_type(props[camel(field)]), describe(props[camel(field)], field)]
        for field in native_schema.native_outputs()
        if camel(field) not in inputs
    ]
    note = (
        "Every input is an output too, as the workspace holds it. The Python `Workspace` also has "
        "the dynamic-only inputs as outputs.\n\n"
    )
    return note + table(["Python", "native", "type", "description"], rows)


def object_type(token: str) -> str:
    props = type_of(token)["properties"]
    required = set(type_of(token).get("required", []))
    rows = []
    for native, prop in props.items():
        snake = re.sub(r"([A-Z])", lambda m: "_" + m[1].lower(), native)
        rows.append(
            [code(snake), code(native), schema_type(prop), "yes" if native in required else "no", describe(prop, snake)]
        )
    return table(["Python", "native", "type", "always set", "description"], rows)


def quotas_inputs() -> str:
    res = resource(quota_schema.WORKSPACE_QUOTAS)
    props, required = res["inputProperties"], set(res["requiredInputs"])
    rows = [
        [
            code(field),
            code(camel(field)),
            schema_type(props[camel(field)]),
            "**yes**" if camel(field) in required else "no",
            "**replace**" if props[camel(field)].get("replaceOnChanges") else "update in place",
            describe(props[camel(field)], field),
        ]
        for field in quota_spec.INPUT_FIELDS
    ]
    return table(["Python", "native", "type", "required", "on change", "description"], rows)


def quotas_outputs() -> str:
    res = resource(quota_schema.WORKSPACE_QUOTAS)
    props = res["properties"]
    rows = [
        [code(field), code(camel(field)), schema_type(props[camel(field)]), describe(props[camel(field)], field)]
        for field in quota_spec.OUTPUT_FIELDS
    ]
    return "Every input is an output too, with the live values.\n\n" + table(
        ["Python", "native", "type", "description"], rows
    )


def function_args(token: str, python: Callable[..., Any]) -> str:
    fn = function(token)
    props, required = fn["inputs"]["properties"], set(fn["inputs"].get("required", []))
    rows = []
    for name, parameter in inspect.signature(python).parameters.items():
        prop = props.get(camel(name), {})
        default = "-" if parameter.default in (inspect.Parameter.empty, None) else code(repr(parameter.default))
        rows.append(
            [
                code(name),
                code(camel(name)) if camel(name) in props else "-",
                schema_type(prop) if prop else python_type(parameter.annotation),
                "**yes**" if camel(name) in required else "no",
                default,
                describe(prop, name),
            ]
        )
    return table(["Python", "native", "type", "required", "default", "description"], rows)


def result_fields(kind: type, token: str | None = None) -> str:
    """A lookup result class, with the native type's property types."""
    props = type_of(token)["properties"] if token else {}
    rows = []
    for f in dataclasses.fields(kind):
        prop = props.get(camel(f.name), {})
        rows.append(
            [
                code(f.name),
                code(camel(f.name)),
                python_type(f.type),
                schema_type(prop) if prop else "-",
                describe(prop, f.name),
            ]
        )
    return f"`{kind.__name__}`:\n\n" + table(
        ["Python attribute", "native", "Python type", "native type", "description"], rows
    )


def list_result(kind: type, item: type, token: str) -> str:
    (only,) = dataclasses.fields(kind)
    return (
        f"`{kind.__name__}`: `{only.name}` (`{python_type(only.type)}`; native: `{camel(only.name)}`, "
        f"`{token.rsplit(':', 1)[-1]}[]`), one entry per workspace, each a `{item.__name__}`:\n\n"
        + result_fields(item, token).split(":\n\n", 1)[1]
    )


def provider_config() -> str:
    variables = schema()["config"]["variables"]
    native_keys = {name: key for key, name in native_schema.config_keys().items()}
    defaults = {f.name: f.default for f in dataclasses.fields(Settings)}
    rows = []
    for name, (key, env) in SOURCES.items():
        native = native_keys.get(name)
        prop = variables.get(native, {}) if native else {}
        default = defaults.get(name)
        if name in DERIVED_DEFAULTS:
            shown = DERIVED_DEFAULTS[name]
        elif default is None or default == dataclasses.MISSING or callable(default):
            shown = "-"
        else:
            shown = code(str(default).lower() if isinstance(default, bool) else str(default))
        kind = schema_type(prop) if prop else "integer" if name == "assume_role_duration" else "string"
        rows.append(
            [
                code(key) if key else "-",
                code(f"modelarts:{native}") if native else "-",
                code(env) if env else "-",
                kind,
                shown,
                "yes" if name in SECRET_FIELDS else "",
                describe(prop, name) or SETTING_DESCRIPTIONS.get(name, ""),
            ]
        )
    return table(
        ["Python (dynamic) stack config", "native config", "environment", "type", "default", "secret", "description"],
        rows,
    )


BLOCKS: dict[str, Callable[[], str]] = {
    "workspace-inputs": workspace_inputs,
    "workspace-outputs": workspace_outputs,
    "grant": lambda: object_type(native_schema.GRANT),
    "quotas-inputs": quotas_inputs,
    "quotas-outputs": quotas_outputs,
    "quota": lambda: object_type(quota_schema.QUOTA),
    "get-workspace-args": lambda: function_args(native_schema.GET_WORKSPACE, lookups.get_workspace),
    "get-workspace-result": lambda: result_fields(lookups.GetWorkspaceResult, native_schema.WORKSPACE_INFO),
    "get-workspaces-args": lambda: function_args(native_schema.GET_WORKSPACES, lookups.get_workspaces),
    "get-workspaces-result": lambda: list_result(
        lookups.GetWorkspacesResult, lookups.GetWorkspaceResult, native_schema.WORKSPACE_INFO
    ),
    "get-maas-workspaces-args": lambda: function_args(native_schema.GET_MAAS_WORKSPACES, lookups.get_maas_workspaces),
    "get-maas-workspaces-result": lambda: list_result(
        lookups.GetMaasWorkspacesResult, lookups.GetMaasWorkspaceResult, native_schema.MAAS_WORKSPACE_INFO
    ),
    "get-workspace-quotas-args": lambda: function_args(quota_schema.GET_WORKSPACE_QUOTAS, lookups.get_workspace_quotas),
    "get-workspace-quotas-result": lambda: (
        "`GetWorkspaceQuotasResult`: `workspace_id` (`str`; native `workspaceId`) and `quotas` "
        "(`list[WorkspaceQuotaInfo]`; native `quotas`, `QuotaInfo[]`); `.quota(resource)` picks one.\n\n"
        + result_fields(lookups.WorkspaceQuotaInfo, quota_schema.QUOTA_INFO)
    ),
    "provider-config": provider_config,
}


# -- the pages -------------------------------------------------------------------------------------


def rendered(text: str) -> str:
    """The page with every generated block rewritten."""

    def fill(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in BLOCKS:
            raise SystemExit(f"unknown generated block {name!r}; known: {', '.join(BLOCKS)}")
        return f"{match['open']}{NOTE}\n{BLOCKS[name]()}\n{match['close']}"

    return BLOCK.sub(fill, text)


def stale_pages() -> list[Path]:
    return [page for page in sorted(PAGES.glob("*.md")) if rendered(page.read_text()) != page.read_text()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="only report stale pages (exit 1)")
    args = parser.parse_args(argv)
    stale = stale_pages()
    if args.check:
        for page in stale:
            print(f"{page.relative_to(REPO)} is stale: run python scripts/gen_reference.py", file=sys.stderr)
        return 1 if stale else 0
    for page in stale:
        page.write_text(rendered(page.read_text()))
        print(f"wrote {page.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
