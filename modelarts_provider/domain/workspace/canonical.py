"""The one canonical form of the declared inputs that check, diff and read share, so that only
real changes are changes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...core.wire import has_unknown
from .pairing import grants_match, normalize_grant, sorted_grants
from .spec import (
    API_FIELDS,
    DECLARED_REGION,
    DEFAULT_CREATE_TIMEOUT,
    DEFAULT_DELETE_TIMEOUT,
    INPUT_FIELDS,
    SECRET_INPUTS,
    secret_inputs,
)


def normalize(props: Mapping[str, Any]) -> dict[str, Any]:
    """Declared inputs in one canonical form: defaults filled in, case and order settled."""
    out: dict[str, Any] = {}
    for key in INPUT_FIELDS:
        if key in props and props[key] is not None:
            out[key] = props[key]
    out.setdefault("description", "")
    auth_type = out.get("auth_type", "PUBLIC")
    out["auth_type"] = auth_type.upper() if isinstance(auth_type, str) else auth_type
    out.setdefault("enterprise_project_id", "0")
    grants = out.get("grants", [])
    if isinstance(grants, list):
        out["grants"] = sorted_grants([normalize_grant(g) if isinstance(g, Mapping) else g for g in grants])
    out.setdefault("create_timeout", DEFAULT_CREATE_TIMEOUT)
    out.setdefault("delete_timeout", DEFAULT_DELETE_TIMEOUT)
    if secret_inputs(props):
        out[SECRET_INPUTS] = sorted(secret_inputs(props))
    if props.get("region") is not None or props.get(DECLARED_REGION):
        out[DECLARED_REGION] = True
    return out


def changed_fields(news: Mapping[str, Any], olds: Mapping[str, Any], default_region: str | None = None) -> list[str]:
    """Fields whose declared value differs from the old state (unknown = may change)."""
    new, old = normalize(news), normalize(olds)
    changed = []
    for key in (*API_FIELDS, "create_timeout", "delete_timeout"):
        want, have = new.get(key), old.get(key)
        if has_unknown(want):
            changed.append(key)
        elif key == "grants":
            if not grants_match(want or [], have or []):
                changed.append(key)
        elif want != have:
            changed.append(key)
    if region_changed(new, old, default_region):
        changed.append("region")
    return changed


def region_changed(new: Mapping[str, Any], old: Mapping[str, Any], default_region: str | None) -> bool:
    """An undeclared region keeps the recorded one; a state without one (older releases) counts
    as the region the default points at (`default_region`), recorded when it is next read.
    Shared by Workspace and WorkspaceQuotas."""
    want, have = new.get("region"), old.get("region") or default_region
    return has_unknown(want) or (want is not None and have is not None and want != have)
