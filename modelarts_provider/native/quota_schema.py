"""The schema of `modelarts:index:WorkspaceQuotas` and `getWorkspaceQuotas`, from the field lists
the dynamic face uses (`quota_spec`, `quotas.queries.WorkspaceQuotaInfo`). Quota resource names (map
keys such as `exemlProject.gpu_duration`) are data: they are never case-converted."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from ..domain.quotas import spec as quota_spec
from .properties import PACKAGE, object_type, schema_property
from .values import camel

WORKSPACE_QUOTAS = f"{PACKAGE}:index:WorkspaceQuotas"
QUOTA = object_type(quota_spec.FIELD["all_quotas"].item_type)
QUOTA_INFO = f"{PACKAGE}:index:QuotaInfo"
GET_WORKSPACE_QUOTAS = f"{PACKAGE}:index:getWorkspaceQuotas"
_INTEGERS = frozenset({"quota", "min_quota", "max_quota", "used_quota", "update_time"})
_PROPS = {f.name: schema_property(f) for f in quota_spec.FIELDS}


# The fields of one quota resource, as `all_quotas` and `getWorkspaceQuotas` give them.
_QUOTA_FIELD_DESCRIPTIONS = {
    "resource": "Quota resource name, for example exemlProject.gpu_duration.",
    "quota": "Current value; -1 is unlimited.",
    "min_quota": "Lowest value allowed.",
    "max_quota": "Highest value allowed.",
    "used_quota": "Usage; null when the quota is -1.",
    "name_en": "Display name in English.",
    "name_cn": "Display name in Chinese.",
    "unit_en": "Unit in English.",
    "unit_cn": "Unit in Chinese.",
    "update_time": "Last change of the value, milliseconds since the epoch.",
}


def outputs() -> list[str]:
    return [*quota_spec.INPUT_FIELDS, *quota_spec.OUTPUT_FIELDS]


def _object(names: list[str], description: str) -> dict[str, Any]:
    props = {
        camel(n): {"type": "integer" if n in _INTEGERS else "string", "description": _QUOTA_FIELD_DESCRIPTIONS[n]}
        for n in names
    }
    return {"type": "object", "description": description, "properties": props, "required": [camel(names[0])]}


def types() -> dict[str, Any]:
    from ..domain.quotas.queries import WorkspaceQuotaInfo

    return {
        QUOTA: _object(list(quota_spec.SHOWN_FIELDS), "One quota resource of a workspace, without usage."),
        QUOTA_INFO: _object(
            [f.name for f in fields(WorkspaceQuotaInfo)],
            "One quota resource of a workspace with its usage (usedQuota is null when the quota is -1).",
        ),
    }


def resources() -> dict[str, Any]:
    return {
        WORKSPACE_QUOTAS: {
            "description": "The quotas of one workspace: only the quota resources named in `quotas` are managed, "
            "their values from before Pulumi are restored when they are removed.",
            "inputProperties": {camel(f): _PROPS[f] for f in quota_spec.INPUT_FIELDS},
            "requiredInputs": [camel(f) for f in quota_spec.REQUIRED_INPUTS],
            "properties": {camel(f): _PROPS[f] for f in outputs()},
            "required": [camel(f) for f in outputs()],
        }
    }


def functions() -> dict[str, Any]:
    return {
        GET_WORKSPACE_QUOTAS: {
            "description": "Every quota resource of a workspace with its current usage.",
            "inputs": {
                "properties": {
                    "workspaceId": {"type": "string", "description": "The workspace whose quotas to read."},
                    "region": {
                        "type": "string",
                        "description": "The workspace's region, if not the provider's (its project is looked up).",
                    },
                },
                "required": ["workspaceId"],
            },
            "outputs": {
                "properties": {
                    "workspaceId": {"type": "string", "description": "The workspace."},
                    "quotas": {
                        "type": "array",
                        "items": {"$ref": f"#/types/{QUOTA_INFO}"},
                        "description": "Every quota resource of the workspace, with its usage.",
                    },
                },
                "required": ["workspaceId", "quotas"],
            },
        }
    }
