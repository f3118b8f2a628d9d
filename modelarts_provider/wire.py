"""Pulumi's wire values as the engine hands them to a provider: values not yet known at preview
(`Unknown`, at any depth) and secret-wrapped values, which are unwrapped before anything else."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime.rpc import unwrap_rpc_secret


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def unwrap(value: Any) -> Any:
    """Plain values from secret-wrapped ones, recursively (inputs may come from secret Outputs)."""
    value = unwrap_rpc_secret(value)
    if isinstance(value, Mapping):
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [unwrap(v) for v in value]
    return value


def has_unknown(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_unknown(v) for v in value)
    return False
