"""The package schema of the native plugin, in Pulumi's conventions, derived from what the
dynamic face uses too: the declared fields (`spec.FIELDS`: kind, description, what replaces) for
the resource, the `queries` result classes for the functions, `settings.SOURCES` for the
provider config. A field declared there appears here (a test checks every value we return
against its declared type).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields
from functools import cache
from typing import Any, Protocol

from ..core.settings import ASSUME_ROLE_FIELDS, SECRET_FIELDS, SOURCES, Settings
from ..core.version import __version__
from ..domain.workspace import spec
from . import quota_schema
from .properties import PACKAGE as PACKAGE
from .properties import object_type, schema_property, schema_type
from .values import camel

# Where the generated SDKs are published (scripts/gen-sdk.sh writes them to sdk/nodejs, sdk/go).
NPM_PACKAGE = "@modelarts-provider/modelarts"
GO_MODULE = "github.com/modelarts-provider/modelarts-provider/sdk/go"
WORKSPACE = f"{PACKAGE}:index:Workspace"
GRANT = object_type("Grant")
WORKSPACE_INFO = f"{PACKAGE}:index:WorkspaceInfo"
ASSUME_ROLE = f"{PACKAGE}:index:AssumeRole"
MAAS_WORKSPACE_INFO = f"{PACKAGE}:index:MaasWorkspaceInfo"
GET_WORKSPACE = f"{PACKAGE}:index:getWorkspace"
GET_WORKSPACES = f"{PACKAGE}:index:getWorkspaces"
GET_MAAS_WORKSPACES = f"{PACKAGE}:index:getMaasWorkspaces"

# Inputs only the dynamic face needs: the native host has `pulumi import` and `customTimeouts`.
DYNAMIC_ONLY = frozenset(f.name for f in spec.FIELDS if not f.native)
# Changing these replaces the workspace.
REPLACE_ON_CHANGE = frozenset(f.name for f in spec.FIELDS if f.replaces)
_GRANTS = schema_type(spec.FIELD["grants"])
DESCRIPTIONS = {f.name: f.description for f in spec.FIELDS}


class SchemaPart(Protocol):
    """The schema module of another resource: its entries, merged into the package's."""

    def types(self) -> dict[str, Any]: ...
    def resources(self) -> dict[str, Any]: ...
    def functions(self) -> dict[str, Any]: ...


# One line per resource besides the Workspace.
PARTS: tuple[SchemaPart, ...] = (quota_schema,)


# The functions' results describe a workspace as it is, not what may be declared.
INFO_DESCRIPTIONS = {
    "id": "The id ModelArts gave the workspace.",
    "name": "Name of the workspace.",
    "description": "Description of the workspace.",
    "auth_type": "PUBLIC, PRIVATE or INTERNAL.",
    "enterprise_project_id": 'Enterprise project: "0" or a UUID.',
    "grants": "Users allowed into an INTERNAL workspace.",
}
GRANT_DESCRIPTIONS = {
    "user_id": "IAM user id; filled in by ModelArts when only userName is given.",
    "user_name": "IAM user name.",
    "user_type": "IAM (default), FEDERATE or AGENCY.",
}
ASSUME_ROLE_DESCRIPTIONS = {
    "agencyName": "Name of the IAM agency to work as.",
    "domainName": "Account (domain) name that owns the agency.",
    "duration": "Seconds the temporary credentials last (900 to 86400).",
}
# Provider configuration, by setting name (`settings.SOURCES`): every key needs one.
SETTING_DESCRIPTIONS = {
    "region": "Default region of workspaces and lookups, for example cn-north-4.",
    "access_key": "Access key (AK) for AK/SK request signing.",
    "secret_key": "Secret key (SK) for AK/SK request signing.",
    "security_token": "Security token of temporary AK/SK credentials.",
    "project_id": "Project of the region (looked up with the credentials when not set).",
    "domain_name": "Account (domain) name, for password authentication.",
    "user_name": "IAM user name, for password authentication.",
    "password": "IAM user password, for password authentication.",
    "token": "An IAM token, used as it is (X-Auth-Token).",
    "auth_url": "IAM endpoint URL (default: derived from the region and cloud).",
    "insecure": "True: TLS certificates are not verified (test setups only).",
    "max_retries": "How often a call answered 429 or 5xx is repeated (default 5); a whole number.",
    "cloud": "Domain of the public endpoints (default myhuaweicloud.com).",
    "modelarts_endpoint": "ModelArts endpoint URL of the provider's region (default: derived from the region).",
    "enterprise_project_id": 'Enterprise project of workspaces created without one (default "0").',
    "connect_timeout": "Seconds to wait for a connection (default 10).",
    "read_timeout": "Seconds to wait for an answer (default 60).",
    "retry_deadline": "Seconds one API call may take in all, retries included (default 100).",
    "debug": "True: every API call is printed (method, path, status, request id, duration, retries; no secret).",
}
# Settings types -> schema types (the dataclass annotations are strings: `from __future__`).
_SETTING_TYPES = {"bool": "boolean", "int": "integer", "float": "number"}


def native_inputs() -> list[str]:
    return [f for f in spec.INPUT_FIELDS if f not in DYNAMIC_ONLY]


def native_outputs() -> list[str]:
    return [*native_inputs(), *spec.OUTPUT_FIELDS]


def _prop(field: str) -> dict[str, Any]:
    return schema_property(spec.FIELD[field])


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
        "description": "An IAM agency to work as: its temporary credentials sign the calls.",
        "properties": {
            key: {"type": _setting_type(name), "description": ASSUME_ROLE_DESCRIPTIONS[key]}
            for key, name in ASSUME_ROLE_FIELDS.items()
        },
        "required": ["agencyName", "domainName"],
    }


def _config_variables() -> dict[str, Any]:
    """The provider's configuration. The `HW_*` variable of a key is named in its description,
    never as a `defaultInfo`: the plugin reads the environment itself, while SDKs generated
    from a `defaultInfo` copy the variable into an explicit provider's inputs, which the engine
    stores in the state (and Go's generator cannot even read one into a map)."""
    variables: dict[str, Any] = {}
    for key, name in config_keys().items():
        var = dict(_OBJECT_SETTINGS.get(name) or {"type": _setting_type(name), "description": ""})
        var["description"] = var["description"] or SETTING_DESCRIPTIONS[name]
        env = SOURCES[name][1]
        if env:
            var["description"] += f" Unset: the plugin reads {env} (that value is never stored in the state)."
        if name in SECRET_FIELDS:
            var["secret"] = True
        variables[key] = var
    return variables


def _info_properties(result: type | None = None) -> dict[str, Any]:
    """Properties of a workspace as the functions return it (`queries.GetWorkspaceResult`, or
    `GetMaasWorkspaceResult` for the MaaS function, which has fewer fields)."""
    from ..domain.workspace.queries import GetWorkspaceResult

    props: dict[str, Any] = {}
    for f in fields(result or GetWorkspaceResult):
        text = str(f.type)
        kind = _GRANTS if text.startswith("list") else {"type": "integer"} if text.startswith("int") else None
        description = INFO_DESCRIPTIONS.get(f.name) or DESCRIPTIONS[f.name]
        props[camel(f.name)] = {**(kind or {"type": "string"}), "description": description}
    return props


def _always_there(result: type) -> list[str]:
    """The result fields that are never null (`int | None` times are missing for some workspaces)."""
    return sorted(camel(f.name) for f in fields(result) if "None" not in str(f.type))


def _function(
    description: str,
    inputs: dict[str, Any],
    required: list[str],
    outputs: dict[str, Any],
    always_there: list[str] | None = None,
) -> Any:
    return {
        "description": description,
        "inputs": {"properties": inputs, **({"required": required} if required else {})},
        "outputs": {"properties": outputs, "required": list(outputs) if always_there is None else always_there},
    }


_REGION_ARG = {"type": "string", "description": "Another region than the provider's (its project is looked up)."}


def _list_filters() -> dict[str, Any]:
    """`getWorkspaces` arguments: the list API's filters, as `lookups.get_workspaces` takes them."""
    from ..api.client import ORDERS, SORT_KEYS

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
    from ..domain.workspace.queries import GetWorkspaceResult

    def listed(item: str, description: str) -> dict[str, Any]:
        return {"workspaces": {"type": "array", "items": {"$ref": f"#/types/{item}"}, "description": description}}

    workspaces = listed(WORKSPACE_INFO, "The matching workspaces.")
    maas_workspaces = listed(MAAS_WORKSPACE_INFO, "The MaaS workspaces of the region.")
    workspace_id = {"type": "string", "description": 'Workspace id (32 hex characters, or "0" for the default one).'}
    return {
        GET_WORKSPACE: _function(
            "One workspace by id, with its grants.",
            {"id": workspace_id, "region": _REGION_ARG},
            ["id"],
            info,
            _always_there(GetWorkspaceResult),
        ),
        GET_WORKSPACES: _function(
            "Workspaces matching every filter given, every page, in the API's order.",
            _list_filters(),
            [],
            workspaces,
        ),
        GET_MAAS_WORKSPACES: _function(
            "The MaaS real-time-service workspaces of a region (the provider's by default).",
            {"regionId": {"type": "string", "description": "Region to look in (default: the provider's)."}},
            [],
            maas_workspaces,
        ),
        **_merged(lambda part: part.functions()),
    }


def _merged(section: Callable[[SchemaPart], dict[str, Any]]) -> dict[str, Any]:
    """The entries of one section (types, resources or functions) of every part."""
    merged: dict[str, Any] = {}
    for part in PARTS:
        merged.update(section(part))
    return merged


@cache
def schema() -> dict[str, Any]:

    config = _config_variables()
    from ..domain.workspace.queries import GetMaasWorkspaceResult, GetWorkspaceResult

    info = _info_properties()
    maas_info = _info_properties(GetMaasWorkspaceResult)
    return {
        "name": PACKAGE,
        "displayName": "Huawei Cloud ModelArts workspaces",
        "version": __version__,
        "description": "ModelArts workspaces on Huawei Cloud, the native face of the modelarts-provider package.",
        "keywords": ["pulumi", "huaweicloud", "modelarts", "category/cloud"],
        "license": "Apache-2.0",
        # supportPack: the Go SDK is its own module (sdk/go/go.mod), every SDK's version is `version`.
        "meta": {"moduleFormat": "(.*)", "supportPack": True},
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
                "properties": {
                    camel(f): {"type": "string", "description": GRANT_DESCRIPTIONS[f]} for f in spec.GRANT_FIELDS
                },
            },
            WORKSPACE_INFO: {
                "type": "object",
                "description": "A workspace as the functions find it.",
                "properties": info,
                "required": _always_there(GetWorkspaceResult),
            },
            ASSUME_ROLE: _assume_role_type(),
            MAAS_WORKSPACE_INFO: {
                "type": "object",
                "description": "A MaaS real-time-service workspace (the fields that API returns).",
                "properties": maas_info,
                "required": _always_there(GetMaasWorkspaceResult),
            },
            **_merged(lambda part: part.types()),
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
            **_merged(lambda part: part.resources()),
        },
        "functions": _functions(info, maas_info),
        "language": {
            "python": {"packageName": "pulumi_modelarts", "respectSchemaVersion": True},
            "nodejs": {
                "packageName": NPM_PACKAGE,
                "packageDescription": "Pulumi SDK of the native modelarts plugin: Huawei Cloud ModelArts workspaces.",
                "respectSchemaVersion": True,
            },
            "go": {"importBasePath": f"{GO_MODULE}/{PACKAGE}", "respectSchemaVersion": True},
        },
    }


def schema_json() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True)
