"""Pulumi dynamic provider for Huawei Cloud ModelArts workspaces."""

from .lookups import (
    GetWorkspaceResult,
    GetWorkspacesResult,
    get_maas_workspaces,
    get_maas_workspaces_output,
    get_workspace,
    get_workspace_output,
    get_workspaces,
    get_workspaces_output,
)
from .provider import WorkspaceProvider
from .resource import Grant, Workspace, WorkspaceArgs

__version__ = "0.1.0"

__all__ = [
    "GetWorkspaceResult",
    "GetWorkspacesResult",
    "Grant",
    "Workspace",
    "WorkspaceArgs",
    "WorkspaceProvider",
    "get_maas_workspaces",
    "get_maas_workspaces_output",
    "get_workspace",
    "get_workspace_output",
    "get_workspaces",
    "get_workspaces_output",
]
