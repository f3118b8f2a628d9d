"""Reading the API's JSON answers into frozen dataclasses, leniently, in one place.

The records (`models`, `quota_models`) only declare their fields; the rules live here:
- a field's type hint picks its rule: `str`, `int`, either `| None`, or `list[Record]`;
- a missing field or a null takes the field's default; a field without one is required (a
  required string must also be non-empty);
- fields the record does not declare are ignored (the API adds fields over time);
- `UPPER` fields are upper-cased, `MILLIS` fields are times (`millis`);
- anything else is a ResponseError naming the dotted path of the first bad field.

Plain code rather than a validation library: the records are a handful, and importing and
building one cost about 0.15 s on the first API call of every command.

Where the vendor's pages give a type (String, Integer, Array) that type is the rule. The
choices they leave open keep what pydantic 2's lax mode, which parsed these answers before,
accepted, so an answer read before is read the same way now; see each rule."""

from __future__ import annotations

import dataclasses
import math
import re
import typing
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from ..core.errors import ResponseError

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Record = TypeVar("Record", bound="DataclassInstance")
Rule = Callable[[Any], Any]

UPPER = MappingProxyType({"upper": True})  # `field(metadata=UPPER)`: compared upper-case (answers say `public`)
MILLIS = MappingProxyType({"millis": True})  # `field(metadata=MILLIS)`: a time, see `millis`


class Invalid(ValueError):
    """A value breaks its field's rule; `path` grows as the error leaves nested records."""

    def __init__(self, rule: str) -> None:
        super().__init__(rule)
        self.rule = rule
        self.path: list[str] = []


def shown(value: Any) -> str:
    """The value in an error message: short, on one line, in JSON's words."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)[:40]
    if isinstance(value, str):
        return "an empty string" if not value else repr(value[:40])
    return "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else type(value).__name__


def text(value: Any) -> str:
    """A string. Only a string: the vendor's pages declare these fields String, and pydantic
    refused a number or a boolean for them too (no `0` for `"0"`)."""
    if isinstance(value, str):
        return value
    raise Invalid(f"must be a string, got {shown(value)}")


def required_text(value: Any) -> str:
    """An identifier (`id`, `name`, `resource`): a string of at least one character."""
    if isinstance(value, str) and value:
        return value
    raise Invalid(f"must be a non-empty string, got {shown(value)}")


# A decimal integer as text, optionally signed, spaced or with a zero fraction ("3.0"): what
# pydantic's lax mode parsed as an int, less the forms no JSON API writes ("1_000").
_WHOLE_TEXT = re.compile(r"\s*[+-]?[0-9]+(\.0*)?\s*")


def whole(value: Any) -> int:
    """An integer (the vendor's Integer fields). The vendor's pages are silent on other JSON
    types; pydantic's lax mode accepted these, so they still are: a float without a fraction
    (3.0 -> 3), a decimal string ("3", " -1 ", "3.0"), and a boolean (true -> 1, false -> 0).
    Refused: a fraction (3.5), infinity or NaN, any other string, a list or an object."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _WHOLE_TEXT.fullmatch(value):
        try:
            return int(value.strip().split(".")[0])
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            pass
    raise Invalid(f"must be a whole number, got {shown(value)}")


def millis(value: Any) -> int | None:
    """A time in milliseconds since the epoch. The vendor's pages say Integer; the MaaS
    endpoint sends strings, and an empty string means no time. A float is truncated to whole
    milliseconds (as before). A boolean is refused: unlike the counts, times never took one."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise Invalid("must be milliseconds since the epoch, got a boolean")
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    try:
        return whole(value)
    except Invalid:
        raise Invalid(f"must be milliseconds since the epoch, got {shown(value)}") from None


def records(kind: type[Record]) -> Callable[[Any], list[Record]]:
    """A list of records, each parsed by `kind`'s rules; an error names the item's index. A
    single object is not taken for a list of one (pydantic refused it too)."""

    def rule(value: Any) -> list[Record]:
        if not isinstance(value, list):
            raise Invalid(f"must be a list, got {shown(value)}")
        parsed = []
        for index, item in enumerate(value):
            try:
                parsed.append(record(kind, item))
            except Invalid as exc:
                exc.path.insert(0, str(index))
                raise
        return parsed

    return rule


class _Slot(typing.NamedTuple):
    """How one field is read: its rule, and what a missing field or a null becomes."""

    name: str
    rule: Rule
    default: Callable[[], Any] | None  # None: the field is required


_PLANS: dict[type[Any], tuple[_Slot, ...]] = {}


def _rule(hint: Any, metadata: Mapping[str, Any], required: bool) -> Rule:
    """The rule a field's type hint (and metadata) stands for."""
    if metadata.get("millis"):
        return millis
    if hint in (str, str | None):
        base = required_text if required else text
        return (lambda value: base(value).upper()) if metadata.get("upper") else base
    if hint in (int, int | None):
        return whole
    item = typing.get_args(hint)[0] if typing.get_origin(hint) is list else None
    if isinstance(item, type) and dataclasses.is_dataclass(item):
        return records(item)
    raise TypeError(f"no lenient rule for a field of type {hint!r}")


def _default(field: dataclasses.Field[Any]) -> Callable[[], Any] | None:
    if field.default is not dataclasses.MISSING:
        value = field.default
        return lambda: value
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory
    return None


def plan(kind: type[Any]) -> tuple[_Slot, ...]:
    """The slots of a record, worked out from its fields on first use and then kept."""
    found = _PLANS.get(kind)
    if found is None:
        hints = typing.get_type_hints(kind)
        found = tuple(
            _Slot(f.name, _rule(hints[f.name], f.metadata, _default(f) is None), _default(f))
            for f in dataclasses.fields(kind)
            if f.init
        )
        _PLANS[kind] = found
    return found


def record(kind: type[Record], data: Any) -> Record:
    """One record from a JSON object, by the rules above; Invalid names the bad field."""
    if not isinstance(data, dict):
        raise Invalid(f"must be an object, got {shown(data)}")
    values: dict[str, Any] = {}
    for slot in plan(kind):
        value = data.get(slot.name)
        try:
            if value is None and slot.default is not None:
                values[slot.name] = slot.default()
            elif slot.name not in data:
                raise Invalid("is missing")
            else:
                values[slot.name] = slot.rule(value)  # a required field's null breaks its rule
        except Invalid as exc:
            exc.path.insert(0, slot.name)
            raise
    return kind(**values)


def parse(kind: type[Record], data: Any, operation: str) -> Record:
    """An answer as a record of `kind`, or a one-line ResponseError naming the first bad field
    (`workspaces.0.id`) and its rule, instead of a crash further on."""
    if not isinstance(data, dict):
        raise ResponseError(f"{operation}: expected a JSON object, got {type(data).__name__}")
    try:
        return record(kind, data)
    except Invalid as exc:
        where = ".".join(exc.path) or "body"
        raise ResponseError(f"{operation}: unexpected answer, field {where!r}: {exc.rule}") from None
