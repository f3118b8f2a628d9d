"""`get_*` functions for programs, in the style of Pulumi providers: plain and Output forms.

They run in the program process, with the same settings as the provider: stack config
(`huaweicloud:*`, `modelarts:*`) and then the `HW_*` environment variables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi import runtime

from .client import ModelArtsClient
from .models import Workspace, WorkspaceSummary
from .quota_models import QuotaList
from .settings import SOURCES, resolve


@dataclass(frozen=True)
class GetWorkspaceResult:
    id: str
    name: str
    description: str
    auth_type: str
    enterprise_project_id: str
    enterprise_project_name: str
    owner: str
    status: str
    status_info: str
    create_time: int | None
    update_time: int | None
    grants: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class GetWorkspacesResult:
    workspaces: list[GetWorkspaceResult]


@dataclass(frozen=True)
class WorkspaceQuotaInfo:
    """One quota resource of a workspace, usage included (`used_quota` is None when unlimited)."""

    resource: str
    quota: int
    min_quota: int | None
    max_quota: int | None
    used_quota: int | None
    name_en: str
    name_cn: str
    unit_en: str
    unit_cn: str
    update_time: int | None


@dataclass(frozen=True)
class GetWorkspaceQuotasResult:
    workspace_id: str
    quotas: list[WorkspaceQuotaInfo]

    def quota(self, resource: str) -> WorkspaceQuotaInfo | None:
        """The item of one quota resource, or None if the workspace has no such resource."""
        return next((q for q in self.quotas if q.resource == resource), None)


def quotas_result(workspace_id: str, live: QuotaList) -> GetWorkspaceQuotasResult:
    """The lookup's result from the API's answer (shared with the native function)."""
    return GetWorkspaceQuotasResult(workspace_id, [WorkspaceQuotaInfo(**item.model_dump()) for item in live.quotas])


def as_result(w: WorkspaceSummary) -> GetWorkspaceResult:
    grants = [g.model_dump(exclude_none=True) for g in w.grants] if isinstance(w, Workspace) else []
    return GetWorkspaceResult(
        id=w.id,
        name=w.name,
        description=w.description,
        auth_type=w.auth_type,
        enterprise_project_id=w.enterprise_project_id,
        enterprise_project_name=w.enterprise_project_name,
        owner=w.owner,
        status=w.status,
        status_info=w.status_info,
        create_time=w.create_time,
        update_time=w.update_time,
        grants=grants,
    )


_CLIENT: ModelArtsClient | None = None


def _client() -> ModelArtsClient:
    global _CLIENT
    if _CLIENT is None:
        config: dict[str, Any] = {}
        for key, _env in SOURCES.values():
            if key:
                value = runtime.get_config(key)
                if value is not None:
                    config[key] = value
        _CLIENT = ModelArtsClient(resolve(config=config))
    return _CLIENT


def get_workspace(id: str) -> GetWorkspaceResult:
    """One workspace by id, with its grants."""
    return as_result(_client().get_workspace(id))


def get_workspace_output(id: pulumi.Input[str]) -> pulumi.Output[GetWorkspaceResult]:
    return pulumi.Output.from_input(id).apply(get_workspace)


def get_workspace_quotas(workspace_id: str) -> GetWorkspaceQuotasResult:
    """Every quota resource of a workspace with its current usage (which a WorkspaceQuotas
    resource does not keep in the state, because it changes all the time)."""
    return quotas_result(workspace_id, _client().get_workspace_quotas(workspace_id))


def get_workspace_quotas_output(workspace_id: pulumi.Input[str]) -> pulumi.Output[GetWorkspaceQuotasResult]:
    return pulumi.Output.from_input(workspace_id).apply(get_workspace_quotas)


def get_workspaces(name: str | None = None) -> GetWorkspacesResult:
    """Workspaces whose name contains `name` (the API's fuzzy match), every page."""
    return GetWorkspacesResult([as_result(w) for w in _client().iter_workspaces(name=name)])


def get_workspaces_output(name: pulumi.Input[str | None] = None) -> pulumi.Output[GetWorkspacesResult]:
    return pulumi.Output.from_input(name).apply(get_workspaces)


def get_maas_workspaces(region_id: str | None = None) -> GetWorkspacesResult:
    """The MaaS real-time-service workspaces of a region (the configured one by default)."""
    return GetWorkspacesResult([as_result(w) for w in _client().get_maas_workspaces(region_id).workspaces])


def get_maas_workspaces_output(region_id: pulumi.Input[str | None] = None) -> pulumi.Output[GetWorkspacesResult]:
    return pulumi.Output.from_input(region_id).apply(get_maas_workspaces)
