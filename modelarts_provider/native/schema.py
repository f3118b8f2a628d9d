"""The package schema of the native plugin, in Pulumi's conventions, derived from the lists the
dynamic face uses: `spec.INPUT_FIELDS`/`OUTPUT_FIELDS` for the resource, the `lookups` result
classes for the functions, `settings.SOURCES` for the provider config. A field added there
appears here (as a string unless `TYPES` says otherwise; a test checks every value we return
against its declared type).
"""

from __future__ import annotations

import json
from dataclasses import fields
from functools import cache
from typing import Any

from .. import __version__, spec
from ..settings import ASSUME_ROLE_FIELDS, SECRET_FIELDS, SOURCES, Settings
from .values import camel

PACKAGE = "modelarts"
WORKSPACE = f"{PACKAGE}:index:Workspace"
GRANT = f"{PACKAGE}:index:Grant"
WORKSPACE_INFO = f"{PACKAGE}:index:WorkspaceInfo"
ASSUME_ROLE = f"{PACKAGE}:index:AssumeRole"
MAAS_WORKSPACE_INFO = f"{PACKAGE}:index:MaasWorkspaceInfo"
GET_WORKSPACE = f"{PACKAGE}:index:getWorkspace"
GET_WORKSPACES = f"{PACKAGE}:index:getWorkspaces"
GET_MAAS_WORKSPACES = f"{PACKAGE}:index:getMaasWorkspaces"

# Inputs only the dynamic face needs: the native host has `pulumi import` and `customTimeouts`.
DYNAMIC_ONLY = frozenset({"adopt_id", "adopt_by_name", "create_timeout", "delete_timeout"})
# Outputs kept in the state for the lifecycle's own use, not part of the public schema.
INTERNAL_OUTPUTS = frozenset({"declared_grants"})
# Changing these replaces the workspace.
REPLACE_ON_CHANGE = frozenset({"enterprise_project_id", "region"})

_GRANTS = {"type": "array", "items": {"$ref": f"#/types/{GRANT}"}}
TYPES: dict[str, dict[str, Any]] = {
    "grants": _GRANTS,
    "server_grants": _GRANTS,
    "create_time": {"type": "integer"},
    "update_time": {"type": "integer"},
}
DESCRIPTIONS = {
    "name": "4-64 letters, digits, `-` or `_`; not `default`. Changes in place.",
    "description": "Up to 256 characters (default empty).",
    "auth_type": "PUBLIC (default), PRIVATE or INTERNAL; compared case-insensitively.",
    "grants": "Users allowed into an INTERNAL workspace; a set (order ignored).",
    "server_grants": "The same grants as ModelArts holds them (user ids and names filled in).",
    "enterprise_project_id": 'Enterprise project: "0" (default) or a UUID. A change replaces the workspace.',
    "region": "Region of the workspace (default: the provider's region).",
    "workspace_id": "The id ModelArts gave the workspace.",
    "status": "NORMAL, CREATE_FAILED, DELETING or DELETE_FAILED.",
    "create_time": "Milliseconds since the epoch.",
    "update_time": "Milliseconds since the epoch.",
}
# Settings types -> schema types (the dataclass annotations are strings: `from __future__`).
_SETTING_TYPES = {"bool": "boolean", "int": "integer", "float": "number"}


def native_inputs() -> list[str]:
    return [f for f in spec.INPUT_FIELDS if f not in DYNAMIC_ONLY]


def native_outputs() -> list[str]:
    return [*native_inputs(), *(f for f in spec.OUTPUT_FIELDS if f not in INTERNAL_OUTPUTS)]


def _prop(field: str) -> dict[str, Any]:
    prop = dict(TYPES.get(field, {"type": "string"}))
    if field in REPLACE_ON_CHANGE:
        prop["replaceOnChanges"] = True
    if field in DESCRIPTIONS:
        prop["description"] = DESCRIPTIONS[field]
    return prop


def config_keys() -> dict[str, str]:
    """Native config key (`accessKey`) -> setting name (`access_key`), from `settings.SOURCES`:
    the key is the part after the namespace, so `huaweicloud:accessKey` becomes `modelarts:accessKey`."""
    return {key.split(":", 1)[1]: name for name, (key, _env) in SOURCES.items() if key}


# Settings given as objects (their JSON text is taken too, as stack config hands it over).
_OBJECT_SETTINGS: dict[str, dict[str, Any]] = {
    "modelarts_endpoints": {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "Region -> ModelArts endpoint URL, for regions whose endpoint is not the public one.",
    },
    "assume_role": {
        "$ref": f"#/types/{ASSUME_ROLE}",
        "description": "Work as an IAM agency of another account (temporary credentials, renewed before expiry).",
    },
}


def _setting_type(name: str) -> str:
    """The schema type of a setting, from its `Settings` annotation (string when it has none)."""
    annotations = {f.name: str(f.type) for f in fields(Settings)}
    return _SETTING_TYPES.get(annotations.get(name, "str").replace(" | None", ""), "string")


def _assume_role_type() -> dict[str, Any]:
    """The fields of `assumeRole`, as `settings.ASSUME_ROLE_FIELDS` reads them."""
    return {
        "type": "object",
        "properties": {key: {"type": _setting_type(name)} for key, name in ASSUME_ROLE_FIELDS.items()},
        "required": ["agencyName", "domainName"],
    }


def _config_variables() -> dict[str, Any]:
    variables: dict[str, Any] = {}
    for key, name in config_keys().items():
        var = dict(_OBJECT_SETTINGS.get(name) or {"type": _setting_type(name)})
        env = SOURCES[name][1]
        if env:
            var["defaultInfo"] = {"environment": [env]}
            var["description"] = f"{var.get('description', '')} Falls back to the environment variable {env}.".lstrip()
        if name in SECRET_FIELDS:
            var["secret"] = True
        variables[key] = var
    return variables


def _info_properties(result: type | None = None) -> dict[str, Any]:
    """Properties of a workspace as the functions return it (`lookups.GetWorkspaceResult`, or
    `GetMaasWorkspaceResult` for the MaaS function, which has fewer fields)."""
    from ..lookups import GetWorkspaceResult

    props: dict[str, Any] = {}
    for f in fields(result or GetWorkspaceResult):
        text = str(f.type)
        kind = _GRANTS if text.startswith("list") else {"type": "integer"} if text.startswith("int") else None
        props[camel(f.name)] = dict(kind or {"type": "string"})
    return props


def _function(description: str, inputs: dict[str, Any], required: list[str], outputs: dict[str, Any]) -> Any:
    return {
        "description": description,
        "inputs": {"properties": inputs, **({"required": required} if required else {})},
        "outputs": {"properties": outputs, "required": list(outputs)},
    }


_REGION_ARG = {"type": "string", "description": "Another region than the provider's (its project is looked up)."}


def _list_filters() -> dict[str, Any]:
    """`getWorkspaces` arguments: the list API's filters, as `lookups.get_workspaces` takes them."""
    from ..client import ORDERS, SORT_KEYS

    return {
        "name": {"type": "string", "description": "Only names containing this text (the API's fuzzy match)."},
        "enterpriseProjectId": {"type": "string", "description": "Only this enterprise project's workspaces."},
        "sortBy": {"type": "string", "description": f"One of {', '.join(SORT_KEYS)} (default name)."},
        "order": {"type": "string", "description": f"One of {', '.join(ORDERS)} (default desc)."},
        "filterAccessible": {"type": "boolean", "description": "True: only the workspaces the caller may use."},
        "region": _REGION_ARG,
    }


def _functions(info: dict[str, Any], maas_info: dict[str, Any]) -> dict[str, Any]:
    """The lookups (`lookups.get_*`) as schema functions."""
    from . import quota_schema

    workspaces = {"workspaces": {"type": "array", "items": {"$ref": f"#/types/{WORKSPACE_INFO}"}}}
    maas_workspaces = {"workspaces": {"type": "array", "items": {"$ref": f"#/types/{MAAS_WORKSPACE_INFO}"}}}
    return {
        GET_WORKSPACE: _function(
            "One workspace by id, with its grants.", {"id": {"type": "string"}, "region": _REGION_ARG}, ["id"], info
        ),
        GET_WORKSPACES: _function(
            "Workspaces matching every filter given, every page, in the API's order.",
            _list_filters(),
            [],
            workspaces,
        ),
        GET_MAAS_WORKSPACES: _function(
            "The MaaS real-time-service workspaces of a region (the provider's by default).",
            {"regionId": {"type": "string"}},
            [],
            maas_workspaces,
        ),
        **quota_schema.functions(),
    }


@cache
def schema() -> dict[str, Any]:
    from . import quota_schema

    config = _config_variables()
    from ..lookups import GetMaasWorkspaceResult

    info = _info_properties()
    maas_info = _info_properties(GetMaasWorkspaceResult)
    return {
        "name": PACKAGE,
        "displayName": "Huawei Cloud ModelArts workspaces",
        "version": __version__,
        "description": "ModelArts workspaces on Huawei Cloud, the native face of the modelarts-provider package.",
        "keywords": ["pulumi", "huaweicloud", "modelarts", "category/cloud"],
        "license": "Apache-2.0",
        "meta": {"moduleFormat": "(.*)"},
        "config": {"variables": config},
        "provider": {
            "description": "Credentials and endpoints; each setting falls back to the same HW_* variable as the "
            "dynamic face.",
            "inputProperties": config,
            "properties": {k: v for k, v in config.items() if v.get("type") == "string"},
        },
        "types": {
            GRANT: {
                "type": "object",
                "description": "A user allowed into an INTERNAL workspace: userId or userName (userId wins).",
                "properties": {camel(f): {"type": "string"} for f in spec.GRANT_FIELDS},
            },
            WORKSPACE_INFO: {"type": "object", "properties": info, "required": sorted(info)},
            ASSUME_ROLE: _assume_role_type(),
            MAAS_WORKSPACE_INFO: {"type": "object", "properties": maas_info, "required": sorted(maas_info)},
            **quota_schema.types(),
        },
        "resources": {
            WORKSPACE: {
                "description": "A ModelArts workspace. Import: `pulumi import modelarts:index:Workspace NAME ID` "
                "(or `REGION/ID` for another region than the provider's).",
                "inputProperties": {camel(f): _prop(f) for f in native_inputs()},
                "requiredInputs": ["name"],
                "properties": {camel(f): _prop(f) for f in native_outputs()},
                "required": [camel(f) for f in native_outputs() if f not in ("region",)],
            },
            **quota_schema.resources(),
        },
        "functions": _functions(info, maas_info),
        "language": {"python": {"packageName": "pulumi_modelarts", "respectSchemaVersion": True}},
    }


def schema_json() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True)
