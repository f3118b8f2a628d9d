"""The request body of a workspace create (POST) or modify (PUT): the fields ModelArts holds
(`spec.FIELDS` of role API), in canonical form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..fields import Kind, Role
from .canonical import normalize
from .spec import FIELDS


def workspace_body(props: Mapping[str, Any], include_eps: bool) -> dict[str, Any]:
    """The body of a POST (`include_eps`: with the fields sent only at create) or of a PUT (the
    full declared state, without them). A field not declared and without default is not sent."""
    spec = normalize(props)
    body: dict[str, Any] = {}
    for field in FIELDS:
        if field.role is not Role.API or (field.sent_at_create_only and not include_eps):
            continue
        value = spec.get(field.name)
        if value is None:
            continue
        if field.kind is Kind.OBJECTS:
            value = [{k: v for k, v in item.items() if k in field.item_fields} for item in value]
        body[field.name] = value
    if body.get("auth_type") != "INTERNAL":
        body["grants"] = []  # grants take effect only in an INTERNAL workspace: none are sent otherwise
    return body
