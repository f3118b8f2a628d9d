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


def to_plain(value: PropertyValue) -> Any:
    """The Python value the lifecycle works with: snake_case keys, `Unknown` for computed values."""
    inner = value.value
    if isinstance(inner, Computed) or inner == UNKNOWN:
        return unknown()
    if isinstance(inner, Mapping):
        return {snake(k): to_plain(v) for k, v in inner.items()}
    if isinstance(inner, (list, tuple)):
        return [to_plain(v) for v in inner]
    return inner


def plain_map(values: Mapping[str, PropertyValue]) -> dict[str, Any]:
    return {snake(k): to_plain(v) for k, v in values.items()}


def secret_fields(values: Mapping[str, PropertyValue]) -> set[str]:
    """The (snake_case) fields that are, or contain, a secret."""
    return {snake(k) for k, v in values.items() if v.contains_secret()}


def from_plain(value: Any, secret: bool = False) -> PropertyValue:
    """A wire value: camelCase keys, ints as floats, `Unknown` as computed."""
    if isinstance(value, Unknown):
        # the SDK cannot marshal its own Computed value (3.272): send the wire's unknown sentinel
        result = PropertyValue(UNKNOWN)
    elif isinstance(value, Mapping):
        result = PropertyValue({camel(str(k)): from_plain(v) for k, v in value.items()})
    elif isinstance(value, (list, tuple)):
        result = PropertyValue([from_plain(v) for v in value])
    elif isinstance(value, int) and not isinstance(value, bool):
        result = PropertyValue(float(value))
    else:
        result = PropertyValue(value)
    return result.with_secret(True) if secret else result


def wire_map(values: Mapping[str, Any], secrets: Collection[str] = ()) -> dict[str, PropertyValue]:
    """Top-level snake_case fields to camelCase wire values; `secrets` names the secret ones."""
    return {camel(k): from_plain(v, k in secrets) for k, v in values.items() if v is not None}


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
