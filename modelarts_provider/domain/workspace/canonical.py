"""The one canonical form of the declared inputs that check, diff and read share, so that only
real changes are changes."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ...core.wire import has_unknown
from ..fields import Role
from .pairing import grants_match, normalize_grant, sorted_grants
from .spec import DECLARED_REGION, FIELDS, INPUT_FIELDS, SECRET_INPUTS, secret_inputs

# Compared by diff: what the API holds and the provider's own options (the region has its own
# rule, `region_changed`; the adoption options are read only by the first create).
COMPARED = tuple(f.name for f in FIELDS if f.role in (Role.API, Role.OPTION))


def normalize(props: Mapping[str, Any]) -> dict[str, Any]:
    """Declared inputs in one canonical form: defaults filled in (`spec.FIELDS`), case and order
    settled."""
    out: dict[str, Any] = {}
    for key in INPUT_FIELDS:
        if key in props and props[key] is not None:
            out[key] = props[key]
    for field in FIELDS:
        if field.declared and field.default is not None:
            out.setdefault(field.name, copy.deepcopy(field.default))
    auth_type = out["auth_type"]
    out["auth_type"] = auth_type.upper() if isinstance(auth_type, str) else auth_type
    grants = out["grants"]
    if isinstance(grants, list):
        out["grants"] = sorted_grants([normalize_grant(g) if isinstance(g, Mapping) else g for g in grants])
    if secret_inputs(props):
        out[SECRET_INPUTS] = sorted(secret_inputs(props))
    if props.get("region") is not None or props.get(DECLARED_REGION):
        out[DECLARED_REGION] = True
    return out


def changed_fields(news: Mapping[str, Any], olds: Mapping[str, Any], default_region: str | None = None) -> list[str]:
    """Fields whose declared value differs from the old state (unknown = may change)."""
    new, old = normalize(news), normalize(olds)
    changed = []
    for key in COMPARED:
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
