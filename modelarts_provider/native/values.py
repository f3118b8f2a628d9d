"""Property values between the engine and the lifecycle: camelCase <-> snake_case names, unknowns,
secrets (a field given as, or containing, a secret stays secret in what we return) and numbers
(the wire has only floats; whole numbers go back as floats, and come in as floats)."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from pulumi.output import Unknown
from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.provider.experimental.provider import DiffResponse, PropertyDiff, PropertyDiffKind
from pulumi.runtime.rpc import UNKNOWN

from ..domain.fields import Field, Kind
from ..domain.workspace.lifecycle import Plan

_UPPER = re.compile(r"(?<!^)([A-Z])")


def snake(name: str) -> str:
    """`authType` -> `auth_type`."""
    return _UPPER.sub(r"_\1", name).lower()


def camel(name: str) -> str:
    """`auth_type` -> `authType`."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def unknown() -> Any:
    """A value not known yet (during preview), as `spec` recognises it."""
    return Unknown()  # type: ignore[no-untyped-call]


def to_plain(value: PropertyValue, keep_keys: bool = False) -> Any:
    """The Python value the lifecycle works with: snake_case keys (`keep_keys`: a free-form map's
    keys, which are data, as they are), `Unknown` for computed values."""
    inner = value.value
    if isinstance(inner, Computed) or inner == UNKNOWN:
        return unknown()
    if isinstance(inner, Mapping):
        return {(str(k) if keep_keys else snake(k)): to_plain(v) for k, v in inner.items()}
    if isinstance(inner, (list, tuple)):
        return [to_plain(v) for v in inner]
    return inner


def _is_map(name: str, declared: Mapping[str, Field]) -> bool:
    field = declared.get(name)
    return field is not None and field.kind is Kind.MAP


def plain_map(values: Mapping[str, PropertyValue], declared: Mapping[str, Field] = {}) -> dict[str, Any]:
    """Wire properties to the lifecycle's dict; the keys of the `declared` free-form maps kept."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        name = snake(key)
        out[name] = to_plain(value, _is_map(name, declared))
    return out


def secret_fields(values: Mapping[str, PropertyValue]) -> set[str]:
    """The (snake_case) fields that are, or contain, a secret."""
    return {snake(k) for k, v in values.items() if v.contains_secret()}


def derived_secrets(
    values: Mapping[str, Any], secret_inputs: Collection[str], derived: Mapping[str, tuple[str, ...]]
) -> set[str]:
    """The fields to keep secret: a secret input, the output of the same name, and the outputs
    the resource's spec declares derived from it (`DERIVED_OUTPUTS`: `server_grants` of a secret
    `grants`, `all_quotas` of a secret `quotas`), the same rule as the dynamic face's."""
    return {k for k in values if k in secret_inputs or any(k in derived.get(s, ()) for s in secret_inputs)}


def from_plain(value: Any, secret: bool = False, keep_keys: bool = False) -> PropertyValue:
    """A wire value: camelCase keys (`keep_keys`: a free-form map's keys as they are), ints as
    floats, `Unknown` as computed."""
    if isinstance(value, Unknown):
        # the SDK cannot marshal its own Computed value (3.272): send the wire's unknown sentinel
        result = PropertyValue(UNKNOWN)
    elif isinstance(value, Mapping):
        result = PropertyValue({(str(k) if keep_keys else camel(str(k))): from_plain(v) for k, v in value.items()})
    elif isinstance(value, (list, tuple)):
        result = PropertyValue([from_plain(v) for v in value])
    elif isinstance(value, int) and not isinstance(value, bool):
        result = PropertyValue(float(value))
    else:
        result = PropertyValue(value)
    return result.with_secret(True) if secret else result


def wire_map(
    values: Mapping[str, Any], secrets: Collection[str] = (), declared: Mapping[str, Field] = {}
) -> dict[str, PropertyValue]:
    """Top-level snake_case fields to camelCase wire values; `secrets` names the secret ones, the
    keys of the `declared` free-form maps are kept. The lifecycle's hidden `__` markers are the
    dynamic face's and never go on the wire."""
    return {
        camel(k): from_plain(v, k in secrets, _is_map(k, declared))
        for k, v in values.items()
        if v is not None and not k.startswith("__")
    }


def diff_response(plan: Plan) -> DiffResponse:
    """The engine's answer to a diff from the lifecycle's plan (workspaces and quotas)."""
    detailed = {
        camel(f): PropertyDiff(
            PropertyDiffKind.UPDATE_REPLACE if f in plan.replaces else PropertyDiffKind.UPDATE, input_diff=True
        )
        for f in plan.changed
    }
    return DiffResponse(
        changes=plan.changes,
        replaces=[camel(f) for f in plan.replaces],
        delete_before_replace=plan.delete_before_replace,
        diffs=list(detailed),
        detailed_diff=detailed,
    )
