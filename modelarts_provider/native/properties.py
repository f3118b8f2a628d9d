"""A declared field (`domain.fields.Field`) as a property of the package schema: its type from
its kind, its description, and whether a change replaces the resource."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..domain.fields import Field, Kind
from .values import camel

PACKAGE = "modelarts"


def object_type(name: str) -> str:
    """The type token of an object type of the package (`Grant` -> `modelarts:index:Grant`)."""
    return f"{PACKAGE}:index:{name}"


def schema_type(field: Field) -> dict[str, Any]:
    """The schema type of a declared field, from its kind."""
    if field.kind is Kind.OBJECTS:
        return {"type": "array", "items": {"$ref": f"#/types/{object_type(field.item_type)}"}}
    if field.kind is Kind.MAP:
        return {"type": "object", "additionalProperties": {"type": field.item_kind.value}}
    return {"type": field.kind.value}


def schema_property(field: Field) -> dict[str, Any]:
    prop = schema_type(field)
    if field.replaces:
        prop["replaceOnChanges"] = True
    prop["description"] = field.description
    return prop


def wire_names(fields: Iterable[Field]) -> dict[str, str]:
    """snake_case -> camelCase of every name the native face translates: the declared fields and
    the fields of their objects. The keys of a free-form map are data and are not among them."""
    names = set()
    for field in fields:
        names.add(field.name)
        names.update(field.item_fields)
    return {name: camel(name) for name in sorted(names)}
