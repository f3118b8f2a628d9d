"""The request body of a workspace create (POST) or modify (PUT), from the declared inputs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .canonical import normalize
from .spec import GRANT_FIELDS


def workspace_body(props: Mapping[str, Any], include_eps: bool) -> dict[str, Any]:
    """The request body for POST (with the enterprise project) or PUT (full state, without it)."""
    spec = normalize(props)
    body: dict[str, Any] = {
        "name": spec["name"],
        "description": spec["description"],
        "auth_type": spec["auth_type"],
        "grants": [{k: v for k, v in g.items() if k in GRANT_FIELDS} for g in spec["grants"]]
        if spec["auth_type"] == "INTERNAL"
        else [],
    }
    if include_eps:
        body["enterprise_project_id"] = spec["enterprise_project_id"]
    return body
