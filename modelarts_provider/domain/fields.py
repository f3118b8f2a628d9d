"""A resource's fields, each declared once with its kind and role. Everything that lists or
shapes the fields is derived from the declarations: the API body, the canonical defaults, the
state, the native schema, the camelCase translation of the native face and the generated
reference pages. Adding an optional field means declaring it here-style in the resource's `spec`,
adding it to the typed args (`program`) and to the API's answer model (`api.models`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Kind(Enum):
    """The shape of a value: it decides the schema type and which keys are names."""

    STRING = "string"
    BOOLEAN = "boolean"
    NUMBER = "number"
    INTEGER = "integer"
    OBJECTS = "objects"  # a list of objects whose keys are field names (`item_fields`): renamed per face
    MAP = "map"  # a free-form map: its keys are data (a tag, a quota resource) and are never renamed


class Role(Enum):
    """Where a field comes from and where it goes."""

    API = "api"  # declared, sent to ModelArts and held there, so a refresh finds drift
    LOCATION = "location"  # declared, where the resource lives; recorded in the state
    OPTION = "option"  # declared, the provider's own setting (never sent); the dynamic face only
    CREATE_OPTION = "create_option"  # declared, read only by the first create; the dynamic face only
    OUTPUT = "output"  # computed by ModelArts or the provider


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    role: Role
    description: str
    default: Any = None  # the canonical value when not declared (None: stays absent); copied on use
    replaces: bool = False  # a change replaces the resource
    sent_at_create_only: bool = False  # in the create body, never in a modify body
    item_fields: tuple[str, ...] = ()  # OBJECTS: the fields of each object
    item_type: str = ""  # OBJECTS: the name of the object type (`Grant`)
    item_kind: Kind = Kind.STRING  # MAP: the kind of its values
    rule: Callable[[Any, Mapping[str, Any]], list[Any]] | None = None  # checked before any API call

    @property
    def declared(self) -> bool:
        return self.role is not Role.OUTPUT

    @property
    def native(self) -> bool:
        """In the native schema: the native host has `pulumi import` and `customTimeouts`
        instead of the dynamic face's options."""
        return self.role not in (Role.OPTION, Role.CREATE_OPTION)


def names(fields: Iterable[Field], *roles: Role) -> tuple[str, ...]:
    """The names of the fields of the given roles, in declaration order."""
    return tuple(f.name for f in fields if f.role in roles)


def by_name(fields: Iterable[Field]) -> dict[str, Field]:
    return {f.name: f for f in fields}
