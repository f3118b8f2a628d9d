"""What the quota lookup returns, shared by the program's `get_workspace_quotas` and the native
plugin's `getWorkspaceQuotas`."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ...api.quota_models import QuotaList


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
    return GetWorkspaceQuotasResult(workspace_id, [WorkspaceQuotaInfo(**asdict(item)) for item in live.quotas])
