"""The API's view of workspaces: frozen records read leniently from its answers by `lenient`
(nulls become defaults, extra fields are ignored, and anything we rely on that is missing or
malformed becomes a ResponseError naming the field)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .lenient import MILLIS, UPPER, parse

__all__ = [
    "LiveGrant",
    "LiveWorkspace",
    "MaasWorkspace",
    "MaasWorkspaces",
    "WorkspacePage",
    "WorkspaceSummary",
    "parse",
]


@dataclass(frozen=True, kw_only=True)
class LiveGrant:
    """A grant as the API returns it (the public `resource.Grant` is what users declare)."""

    user_id: str | None = None
    user_name: str | None = None
    user_type: str | None = None


@dataclass(frozen=True, kw_only=True)
class _WorkspaceFields:
    """The fields every workspace answer has (the MaaS page's `WorkspaceInfo`); times may come
    as strings."""

    id: str
    name: str
    description: str = ""
    owner: str = ""
    create_time: int | None = field(default=None, metadata=MILLIS)
    update_time: int | None = field(default=None, metadata=MILLIS)
    auth_type: str = field(default="PUBLIC", metadata=UPPER)


@dataclass(frozen=True, kw_only=True)
class MaasWorkspace(_WorkspaceFields):
    """A workspace as the MaaS real-time-service page defines it: no enterprise project, no status."""


@dataclass(frozen=True, kw_only=True)
class WorkspaceSummary(_WorkspaceFields):
    """A workspace as the list call returns it (no grants)."""

    enterprise_project_id: str = "0"
    enterprise_project_name: str = ""
    status: str = field(default="", metadata=UPPER)
    status_info: str = ""


@dataclass(frozen=True, kw_only=True)
class LiveWorkspace(WorkspaceSummary):
    """A workspace as `GET /workspaces/{id}` returns it."""

    grants: list[LiveGrant] = field(default_factory=list)

    def grant_dicts(self) -> list[dict[str, Any]]:
        """The grants as plain dicts, fields the API left out omitted (state, lookups, diffs)."""
        return [{k: v for k, v in asdict(g).items() if v is not None} for g in self.grants]


@dataclass(frozen=True, kw_only=True)
class WorkspacePage:
    """One page of `GET /workspaces`."""

    total_count: int = 0
    count: int = 0
    workspaces: list[WorkspaceSummary] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class MaasWorkspaces:
    """The answer of the MaaS workspaces call."""

    total_count: int = 0
    count: int = 0
    workspaces: list[MaasWorkspace] = field(default_factory=list)
