"""The declared quotas of one workspace: the rules that need no API (checked at preview), the
rules that need the live quotas (checked before the PUT), and the plan of one PUT.

The state keeps, per managed quota resource, the value it had before Pulumi first managed it
(`original_quotas`), so removing a quota resource from `quotas`, or the whole resource, puts the
workspace back as it was. Usage is never kept: it changes all the time and would make every
refresh a change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...core.wire import is_unknown
from ..fields import Field, Kind, Role, names
from ..workspace.spec import DECLARED_REGION, RULES, SECRET_INPUTS, Failure, secret_inputs

if TYPE_CHECKING:
    from ...api.quota_models import QuotaItem, QuotaList

UNLIMITED = -1
WORKSPACE_ID_PATTERN = re.compile(r"^(0|[0-9a-f]{32})$")
# What `all_quotas` shows of each item: everything but usage and update time, which change
# without anybody touching the managed values.
SHOWN_FIELDS = ("resource", "quota", "min_quota", "max_quota", "name_en", "name_cn", "unit_en", "unit_cn")
# The fields, each declared once (see `domain.fields`); descriptions are the native schema's.
FIELDS: tuple[Field, ...] = (
    Field("workspace_id", Kind.STRING, Role.API,
          'The workspace (32 hex characters, or "0" for the default one). A change replaces.', replaces=True),
    Field("quotas", Kind.MAP, Role.API,
          "Quota resource (e.g. exemlProject.gpu_duration) -> value: a whole number >= 1, or -1 for "
          "unlimited, within the workspace's min..max. Only these are managed.", item_kind=Kind.INTEGER),
    # Where the workspace lives (default: the configured region at create; a change replaces). The
    # state pins it with the project id, as a Workspace's (`lifecycle.located`).
    Field("region", Kind.STRING, Role.LOCATION,
          "The workspace's region (default: the provider's region at create). A change replaces.", replaces=True),
    Field("original_quotas", Kind.MAP, Role.OUTPUT,
          "Each managed quota's value before Pulumi; restored on removal.", item_kind=Kind.INTEGER),
    Field("all_quotas", Kind.OBJECTS, Role.OUTPUT,
          "Every quota resource of the workspace, read-only (usage is not kept: see getWorkspaceQuotas).",
          item_fields=SHOWN_FIELDS, item_type="Quota"),
    Field("project_id", Kind.STRING, Role.OUTPUT, "The workspace's project in that region."),
)  # fmt: skip
FIELD = {f.name: f for f in FIELDS}
REQUIRED_INPUTS = ("workspace_id", "quotas")
INPUT_FIELDS = tuple(f.name for f in FIELDS if f.declared)
# Outputs that carry the declared quota values: secret whenever `quotas` holds a secret.
DERIVED_OUTPUTS = {"quotas": ("original_quotas", "all_quotas")}
OUTPUT_FIELDS = names(FIELDS, Role.OUTPUT)


def where(resource: str) -> str:
    """How an error names one quota: the key as the user wrote it in `quotas`."""
    return f'quotas["{resource}"]'


def whole(value: Any) -> int | None:
    """The value as an int when it is a whole number (the engine sends numbers as floats)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not value.is_integer():
        return None
    return int(value)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def validate(props: Mapping[str, Any]) -> list[Failure]:
    """Every rule that can be checked without the API. Unknown values are never a failure."""
    failures: list[Failure] = []
    for key, value in props.items():
        if key.startswith("__") or (key in OUTPUT_FIELDS and value is None):
            continue
        if key not in INPUT_FIELDS:
            failures.append(Failure(key, f"is not a WorkspaceQuotas input (allowed: {', '.join(INPUT_FIELDS)})"))

    workspace_id = props.get("workspace_id")
    if workspace_id is None:
        failures.append(Failure("workspace_id", "is required"))
    elif not is_unknown(workspace_id) and (
        not isinstance(workspace_id, str) or not WORKSPACE_ID_PATTERN.match(workspace_id)
    ):
        shown = repr(workspace_id) if isinstance(workspace_id, str) else _kind(workspace_id)
        failures.append(
            Failure("workspace_id", f"must be a workspace id (32 lower-case hex characters, or '0'), got {shown}")
        )

    region = props.get("region")
    if region is not None and not is_unknown(region):
        failures.extend(RULES["region"](region, props))

    quotas = props.get("quotas")
    if quotas is None:
        failures.append(Failure("quotas", "is required: a map of quota resource to value"))
    elif not is_unknown(quotas):
        if not isinstance(quotas, Mapping):
            failures.append(Failure("quotas", f"must be a map of quota resource to value, got {_kind(quotas)}"))
        else:
            for resource, value in quotas.items():
                if not isinstance(resource, str) or not resource.strip():
                    failures.append(Failure("quotas", f"has an empty quota resource name ({resource!r})"))
                    continue
                if is_unknown(value):
                    continue
                number = whole(value)
                if number is None or (number < 1 and number != UNLIMITED):
                    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
                    got = (str(number) if number is not None else repr(value)) if is_number else _kind(value)
                    failures.append(
                        Failure(where(resource), f"must be a whole number >= 1, or -1 for unlimited; got {got}")
                    )
    return failures


def normalize(props: Mapping[str, Any]) -> dict[str, Any]:
    """Declared inputs in one form: whole numbers as ints, nothing else kept."""
    out: dict[str, Any] = {key: props[key] for key in INPUT_FIELDS if props.get(key) is not None}
    quotas = out.get("quotas")
    if isinstance(quotas, Mapping):
        out["quotas"] = {
            resource: value if is_unknown(value) or whole(value) is None else whole(value)
            for resource, value in sorted(quotas.items())
        }
    if props.get("region") is not None or props.get(DECLARED_REGION):
        out[DECLARED_REGION] = True  # a refresh then keeps `region` in the inputs, and only then
    if secret_inputs(props):  # the dynamic face's list of secret inputs (`workspace.spec.SECRET_INPUTS`)
        out[SECRET_INPUTS] = sorted(secret_inputs(props))
    return out


def ints(values: Any) -> dict[str, int]:
    """A stored map of quota values (old outputs: numbers arrive as floats)."""
    if not isinstance(values, Mapping):
        return {}
    return {str(k): n for k, v in values.items() if (n := whole(v)) is not None}


def live_problems(workspace_id: str, declared: Mapping[str, int], live: QuotaList) -> list[str]:
    """The rules that need the live quotas: the resource exists, the value is within min..max."""
    items = live.by_resource()
    problems: list[str] = []
    unknown = sorted(resource for resource in declared if resource not in items)
    if unknown:
        valid = ", ".join(sorted(items)) or "none"
        problems.append(
            f"{', '.join(where(r) for r in unknown)}: workspace {workspace_id} has no such quota resource "
            f"(valid: {valid})"
        )
    for resource, value in sorted(declared.items()):
        item = items.get(resource)
        if item is not None and not item.allows(value):
            unit = f" {item.unit_en}" if item.unit_en else ""
            problems.append(
                f"{where(resource)}: {value} is outside the allowed range {item.range_text()}{unit} of workspace "
                f"{workspace_id}"
            )
    return problems


@dataclass(frozen=True)
class QuotaPlan:
    """One PUT's worth of changes and the originals to keep in the state afterwards."""

    put: dict[str, int]  # only items whose live value differs from the wanted one
    originals: dict[str, int]  # value before Pulumi first managed it, per managed resource


def plan(declared: Mapping[str, int], originals: Mapping[str, int], live: QuotaList) -> QuotaPlan:
    """Set the declared values; restore the originals of quota resources no longer declared;
    record the live value as the original of each newly managed one."""
    items = live.by_resource()
    put: dict[str, int] = {}
    for resource, original in originals.items():
        item = items.get(resource)
        if resource not in declared and item is not None and item.quota != original:
            put[resource] = original
    for resource, value in declared.items():
        if items[resource].quota != value:
            put[resource] = value
    kept = {r: originals[r] if r in originals else items[r].quota for r in declared}
    return QuotaPlan(put, dict(sorted(kept.items())))


def shown(items: list[QuotaItem]) -> list[dict[str, Any]]:
    """`all_quotas`: every quota resource of the workspace, read-only, sorted by resource."""
    return [{key: getattr(item, key) for key in SHOWN_FIELDS} for item in sorted(items, key=lambda i: i.resource)]
