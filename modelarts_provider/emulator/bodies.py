"""The create and modify request bodies and the list query: the API's rules for them, and the
typed values the store works with.

This is the emulator's own copy of ModelArts' rules, written apart from the provider's `spec.py`
so that the two are compared, not shared (tests/test_vendor_rules.py judges both against the
API reference). A rule broken answers 400 ModelArts.0104 naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import BadParameter

DEFAULT_NAME = "default"
NAME_RE = re.compile(r"[A-Za-z0-9_\-\u4e00-\u9fa5]{4,64}")
EPS_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
AUTH_TYPES = ("PUBLIC", "PRIVATE", "INTERNAL")
USER_TYPES = ("IAM", "FEDERATE", "AGENCY")
MAX_DESCRIPTION = 256
MAX_GRANTS = 500
SORT_KEYS = ("name", "update_time", "status")
# Assumption list-limit (docs/emulator.md): the SDK gives `limit` a default of 1000 and no range;
# the emulator accepts 1 to 1000 and answers 0104 outside it.
LIST_LIMIT_MAX = 1000


@dataclass(frozen=True)
class GrantRequest:
    """One grant as requested: user_id and/or user_name (at least one), the user type."""

    user_id: str | None
    user_name: str | None
    user_type: str = "IAM"


@dataclass(frozen=True)
class NewWorkspace:
    """A valid `POST /workspaces` body, defaults filled in; `auth_type` in lower case."""

    name: str
    description: str = ""
    auth_type: str = "public"
    enterprise_project_id: str = "0"
    grants: list[GrantRequest] = field(default_factory=list)


@dataclass(frozen=True)
class WorkspaceChange:
    """A valid `PUT /workspaces/{id}` body: None keeps the current value; grants absent clear."""

    name: str | None = None
    description: str | None = None
    auth_type: str | None = None
    grants: list[GrantRequest] = field(default_factory=list)


@dataclass(frozen=True)
class ListQuery:
    """A valid `GET /workspaces` query: one page of the workspaces the filters keep, in order.

    `accessible_only` keeps the workspaces the caller may use; `name` matches a part of the name."""

    offset: int = 0
    limit: int = LIST_LIMIT_MAX
    sort_by: str = "name"
    descending: bool = True
    accessible_only: bool = False
    enterprise_project_id: str | None = None
    name: str | None = None


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadParameter("request body must be a JSON object")
    return body


def _optional_str(body: dict[str, Any], key: str) -> str | None:
    """A string field; JSON null is treated like an absent field."""
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise BadParameter(f"{key} must be a string")
    return value


def _name(value: Any) -> str:
    if not isinstance(value, str):
        raise BadParameter("name must be a string")
    if not NAME_RE.fullmatch(value):
        raise BadParameter(
            "name must be 4 to 64 characters: letters (including Chinese characters), digits, '-' or '_'"
        )
    if value == DEFAULT_NAME:
        raise BadParameter("name 'default' is reserved for the default workspace")
    return value


def _description(value: str | None) -> str | None:
    if value is not None and len(value) > MAX_DESCRIPTION:
        raise BadParameter(f"description must be at most {MAX_DESCRIPTION} characters")
    return value


def _auth_type(value: str | None) -> str | None:
    if value is None:
        return None
    if value.upper() not in AUTH_TYPES:
        raise BadParameter(f"auth_type must be one of {', '.join(AUTH_TYPES)}")
    return value.lower()


def _grants(value: Any) -> list[GrantRequest]:
    """`grants` as given; JSON null is an empty list."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadParameter("grants must be a list")
    if len(value) > MAX_GRANTS:
        raise BadParameter(f"grants must have at most {MAX_GRANTS} entries")
    grants = []
    for index, grant in enumerate(value):
        if not isinstance(grant, dict):
            raise BadParameter(f"grants[{index}] must be an object")
        user_id = _optional_str(grant, "user_id")
        user_name = _optional_str(grant, "user_name")
        user_type = _optional_str(grant, "user_type") or "IAM"
        if not user_id and not user_name:
            raise BadParameter(f"grants[{index}] needs user_id or user_name")
        if user_type not in USER_TYPES:
            raise BadParameter(f"grants[{index}].user_type must be one of {', '.join(USER_TYPES)}")
        grants.append(GrantRequest(user_id or None, user_name or None, user_type))
    return grants


def new_workspace(body: Any) -> NewWorkspace:
    """A create body, checked field by field in the order the API reference lists them."""
    body = _object(body)
    if body.get("name") is None:
        raise BadParameter("name is required")
    name = _name(body["name"])
    description = _description(_optional_str(body, "description")) or ""
    auth_type = _auth_type(_optional_str(body, "auth_type")) or "public"
    eps_id = _optional_str(body, "enterprise_project_id") or "0"
    if eps_id != "0" and not EPS_RE.fullmatch(eps_id):
        raise BadParameter("enterprise_project_id must be '0' or a UUID like 8-4-4-4-12 hex digits")
    return NewWorkspace(name, description, auth_type, eps_id, _grants(body.get("grants")))


def workspace_change(body: Any) -> WorkspaceChange:
    """A modify body; the enterprise project cannot be changed.

    Assumption put-enterprise-project (docs/emulator.md): the modify page does not list
    enterprise_project_id; the emulator refuses it with 0104 whatever its value."""
    body = _object(body)
    if "enterprise_project_id" in body:
        raise BadParameter("enterprise_project_id cannot be changed")
    name = _name(body["name"]) if body.get("name") is not None else None
    description = _description(_optional_str(body, "description"))
    auth_type = _auth_type(_optional_str(body, "auth_type"))
    return WorkspaceChange(name, description, auth_type, _grants(body.get("grants")))


def list_query(params: Mapping[str, str]) -> ListQuery:
    """The list call's query parameters, checked in the order the API reference lists them."""
    offset = _int_param(params, "offset", 0, 0, None)
    limit = _int_param(params, "limit", LIST_LIMIT_MAX, 1, LIST_LIMIT_MAX)
    sort_by = params.get("sort_by", "name")
    if sort_by not in SORT_KEYS:
        raise BadParameter(f"sort_by must be one of {', '.join(SORT_KEYS)}")
    order = params.get("order", "desc")
    if order not in ("asc", "desc"):
        raise BadParameter("order must be asc or desc")
    # Assumption filter-accessible (docs/emulator.md): a boolean; the emulator takes true/false in
    # any case and answers 0104 for anything else.
    accessible = params.get("filter_accessible", "false").lower()
    if accessible not in ("true", "false"):
        raise BadParameter("filter_accessible must be true or false")
    eps_id, name = params.get("enterprise_project_id"), params.get("name") or None
    return ListQuery(offset, limit, sort_by, order == "desc", accessible == "true", eps_id, name)


def _int_param(params: Mapping[str, str], key: str, default: int, low: int, high: int | None) -> int:
    raw = params.get(key)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit():
        raise BadParameter(f"{key} must be an integer")
    value = int(raw)
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise BadParameter(f"{key} must be {bound}")
    return value
