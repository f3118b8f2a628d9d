"""Pulumi dynamic provider for Huawei Cloud ModelArts workspaces and their quotas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .core.version import __version__ as __version__
from .dynamic.quotas import WorkspaceQuotas
from .dynamic.quotas_provider import WorkspaceQuotasProvider
from .dynamic.workspace import Workspace
from .dynamic.workspace_provider import WorkspaceProvider
from .program.quotas import WorkspaceQuotasArgs
from .program.workspace import Grant, WorkspaceArgs

if TYPE_CHECKING:
    from .program.lookups import (
        GetMaasWorkspaceResult,
        GetMaasWorkspacesResult,
        GetWorkspaceQuotasResult,
        GetWorkspaceResult,
        GetWorkspacesResult,
        get_maas_workspaces,
        get_maas_workspaces_output,
        get_workspace,
        get_workspace_output,
        get_workspace_quotas,
        get_workspace_quotas_output,
        get_workspaces,
        get_workspaces_output,
    )


__all__ = [
    "GetMaasWorkspaceResult",
    "GetMaasWorkspacesResult",
    "GetWorkspaceQuotasResult",
    "GetWorkspaceResult",
    "GetWorkspacesResult",
    "Grant",
    "Workspace",
    "WorkspaceArgs",
    "WorkspaceProvider",
    "WorkspaceQuotas",
    "WorkspaceQuotasArgs",
    "WorkspaceQuotasProvider",
    "get_maas_workspaces",
    "get_maas_workspaces_output",
    "get_workspace",
    "get_workspace_output",
    "get_workspace_quotas",
    "get_workspace_quotas_output",
    "get_workspaces",
    "get_workspaces_output",
]

_LOOKUPS = frozenset(name for name in __all__ if name.startswith(("get_", "Get")))


def __getattr__(name: str) -> Any:
    """The lookups on first use: they need requests, which a program that only
    declares workspaces (and the provider process answering a preview) never loads."""
    if name in _LOOKUPS:
        from .program import lookups

        return getattr(lookups, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
