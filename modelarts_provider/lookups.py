"""Old import path of the lookups (now `program.lookups`), kept for programs written before 0.2
(import them from `modelarts_provider`)."""

from .program.lookups import (
    GetMaasWorkspaceResult,
    GetMaasWorkspacesResult,
    GetWorkspaceQuotasResult,
    GetWorkspaceResult,
    GetWorkspacesResult,
    WorkspaceQuotaInfo,
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
    "WorkspaceQuotaInfo",
    "get_maas_workspaces",
    "get_maas_workspaces_output",
    "get_workspace",
    "get_workspace_output",
    "get_workspace_quotas",
    "get_workspace_quotas_output",
    "get_workspaces",
    "get_workspaces_output",
]
