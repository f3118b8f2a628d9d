"""`get_*` functions for programs, in the style of Pulumi providers: plain and Output forms.

They run in the program process, with the same settings as the provider: stack config
(`huaweicloud:*`, `modelarts:*`) and then the `HW_*` environment variables.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import pulumi
from pulumi import runtime

from ..api.client import ORDERS, SORT_KEYS, ModelArtsClient
from ..api.models import LiveWorkspace, MaasWorkspace, WorkspaceSummary
from ..api.quota_models import QuotaList
from ..core.deadline import time_limit
from ..core.errors import InputError
from ..core.settings import SOURCES, resolve
from ..domain.workspace import spec

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

LIST_FILTERS = ("name", "enterprise_project_id", "sort_by", "order", "filter_accessible")  # get_workspaces'


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
class GetMaasWorkspaceResult:
    """A MaaS real-time-service workspace: only the fields that API returns."""

    id: str
    name: str
    description: str
    owner: str
    auth_type: str
    create_time: int | None
    update_time: int | None


@dataclass(frozen=True)
class GetMaasWorkspacesResult:
    workspaces: list[GetMaasWorkspaceResult]


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


Result = TypeVar("Result", bound="DataclassInstance")


def _result(kind: type[Result], source: object, **given: Any) -> Result:
    """A lookup result read from the API's model: each field of `kind` not `given` is the model's
    attribute of that name (the results name their fields as the API does)."""
    return kind(**{f.name: getattr(source, f.name) for f in fields(kind) if f.name not in given}, **given)


def as_result(w: WorkspaceSummary) -> GetWorkspaceResult:
    """The lookup's result from the API's answer (shared with the native function); a summary
    from the list API has no grants."""
    return _result(GetWorkspaceResult, w, grants=w.grant_dicts() if isinstance(w, LiveWorkspace) else [])


# The program's clients, one per region (the configured one under None). They live as long as the
# program (one token and one project look-up for all its lookups); each is entered into `_OPENED`
# as a context manager, which exits them all when the program ends.
_CLIENTS: dict[str | None, ModelArtsClient] = {}
_OPENED = contextlib.ExitStack()


@atexit.register
def _close_clients() -> None:
    """Close every client the program opened (also those a test's fresh `_CLIENTS` forgot)."""
    _CLIENTS.clear()
    _OPENED.close()


def check_region(region: Any) -> None:
    """A lookup's `region` argument, checked before any call."""
    if region is not None and (not isinstance(region, str) or not spec.REGION_PATTERN.match(region)):
        raise InputError(f"region must be a region id such as 'cn-north-4', got {region!r}")


def _client(region: str | None = None) -> ModelArtsClient:
    """One client per region for the program (the configured region when None)."""
    check_region(region)
    if region not in _CLIENTS:
        config: dict[str, Any] = {}
        for key, _env in SOURCES.values():
            if key:
                value = runtime.get_config(key)
                if value is not None:
                    config[key] = value
        _CLIENTS[region] = _OPENED.enter_context(ModelArtsClient(resolve(config=config).for_location(region)))
    return _CLIENTS[region]


P = ParamSpec("P")
R = TypeVar("R")


def _bounded(lookup: Callable[P, R]) -> Callable[P, R]:
    """The lookup, every API call in it, ends within retryDeadline (100 s by default)."""

    @functools.wraps(lookup)
    def bounded(*args: P.args, **kwargs: P.kwargs) -> R:
        with time_limit(_client().settings.retry_deadline):
            return lookup(*args, **kwargs)

    return bounded


@_bounded
def get_workspace(id: str, region: str | None = None) -> GetWorkspaceResult:
    """One workspace by id, with its grants; `region` when it lives elsewhere than the default."""
    return as_result(_client(region).get_workspace(id))


def get_workspace_output(
    id: pulumi.Input[str], region: pulumi.Input[str | None] = None
) -> pulumi.Output[GetWorkspaceResult]:
    return pulumi.Output.all(id, region).apply(lambda args: get_workspace(*args))


@_bounded
def get_workspace_quotas(workspace_id: str, region: str | None = None) -> GetWorkspaceQuotasResult:
    """Every quota resource of a workspace with its current usage (which a WorkspaceQuotas
    resource does not keep in the state, because it changes all the time); `region` when the
    workspace lives elsewhere than the default."""
    return quotas_result(workspace_id, _client(region).get_workspace_quotas(workspace_id))


def get_workspace_quotas_output(
    workspace_id: pulumi.Input[str], region: pulumi.Input[str | None] = None
) -> pulumi.Output[GetWorkspaceQuotasResult]:
    return pulumi.Output.all(workspace_id, region).apply(lambda args: get_workspace_quotas(*args))


def check_filters(name: Any, enterprise_project_id: Any, sort_by: Any, order: Any, filter_accessible: Any) -> None:
    """The list API's rules, checked before the call, naming the argument (both faces)."""
    if name is not None and not isinstance(name, str):
        raise InputError(f"get_workspaces: name must be a string, got {type(name).__name__}")
    if enterprise_project_id is not None and (reason := spec.check_enterprise_project(enterprise_project_id)):
        raise InputError(f"get_workspaces: enterprise_project_id {reason}")
    if sort_by is not None and sort_by not in SORT_KEYS:
        raise InputError(f"get_workspaces: sort_by must be one of {', '.join(SORT_KEYS)}, got {sort_by!r}")
    if order is not None and order not in ORDERS:
        raise InputError(f"get_workspaces: order must be one of {', '.join(ORDERS)}, got {order!r}")
    if filter_accessible is not None and not isinstance(filter_accessible, bool):
        raise InputError(f"get_workspaces: filter_accessible must be True or False, got {filter_accessible!r}")


@_bounded
def get_workspaces(
    name: str | None = None,
    enterprise_project_id: str | None = None,
    sort_by: str | None = None,
    order: str | None = None,
    filter_accessible: bool | None = None,
    region: str | None = None,
) -> GetWorkspacesResult:
    """Workspaces matching every filter given, every page, in the API's order.

    `name` is the API's substring match; `enterprise_project_id` one enterprise project;
    `sort_by` `name` (default), `update_time` or `status`; `order` `desc` (default) or `asc`;
    `filter_accessible=True` only the workspaces the caller may use; `region` another region
    than the configured one.
    """
    check_filters(name, enterprise_project_id, sort_by, order, filter_accessible)
    found = _client(region).iter_workspaces(
        name=name,
        enterprise_project_id=enterprise_project_id,
        sort_by=sort_by,
        order=order,
        filter_accessible=filter_accessible,
    )
    return GetWorkspacesResult([as_result(w) for w in found])


def get_workspaces_output(
    name: pulumi.Input[str | None] = None,
    enterprise_project_id: pulumi.Input[str | None] = None,
    sort_by: pulumi.Input[str | None] = None,
    order: pulumi.Input[str | None] = None,
    filter_accessible: pulumi.Input[bool | None] = None,
    region: pulumi.Input[str | None] = None,
) -> pulumi.Output[GetWorkspacesResult]:
    return pulumi.Output.all(name, enterprise_project_id, sort_by, order, filter_accessible, region).apply(
        lambda args: get_workspaces(*args)
    )


def maas_result(w: MaasWorkspace) -> GetMaasWorkspaceResult:
    """The lookup's result from the API's answer (shared with the native function)."""
    return _result(GetMaasWorkspaceResult, w)


@_bounded
def get_maas_workspaces(region_id: str | None = None) -> GetMaasWorkspacesResult:
    """The MaaS real-time-service workspaces of a region (the configured one by default)."""
    if region_id is not None and (not isinstance(region_id, str) or not region_id):
        raise InputError(f"get_maas_workspaces: region_id must be a region name like 'cn-north-4', got {region_id!r}")
    return GetMaasWorkspacesResult([maas_result(w) for w in _client().get_maas_workspaces(region_id).workspaces])


def get_maas_workspaces_output(
    region_id: pulumi.Input[str | None] = None,
) -> pulumi.Output[GetMaasWorkspacesResult]:
    return pulumi.Output.from_input(region_id).apply(get_maas_workspaces)
