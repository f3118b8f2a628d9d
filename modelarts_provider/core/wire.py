"""Pulumi's wire values as the engine hands them to a provider: values not yet known at preview
(`Unknown`, at any depth) and secret-wrapped values, which are unwrapped before anything else.
The two walks over nested dicts and lists (`map_within`, `any_within`) also serve the values a
program passes to the resources."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime.rpc import unwrap_rpc_secret


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def map_within(value: Any, step: Callable[[Any], Any]) -> Any:
    """`step` applied to the value, then to everything inside the dicts, lists and tuples it
    returns, at any depth (dicts and lists are rebuilt, tuples become lists)."""
    value = step(value)
    if isinstance(value, Mapping):
        return {k: map_within(v, step) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [map_within(v, step) for v in value]
    return value


def any_within(value: Any, test: Callable[[Any], bool]) -> bool:
    """`test` holds for the value or for anything inside its dicts, lists and tuples, at any depth."""
    if test(value):
        return True
    if isinstance(value, Mapping):
        return any(any_within(v, test) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(any_within(v, test) for v in value)
    return False


def unwrap(value: Any) -> Any:
    """Plain values from secret-wrapped ones, recursively (inputs may come from secret Outputs)."""
    return map_within(value, unwrap_rpc_secret)


def has_unknown(value: Any) -> bool:
    return any_within(value, is_unknown)
