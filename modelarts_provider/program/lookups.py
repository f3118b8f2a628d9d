"""`get_*` functions for programs, in the style of Pulumi providers: plain and Output forms.

They run in the program process, with the same settings as the provider: stack config
(`huaweicloud:*`, `modelarts:*`) and then the `HW_*` environment variables.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import pulumi
from pulumi import runtime

from ..api.client import ModelArtsClient
from ..core.deadline import time_limit
from ..core.errors import InputError
from ..core.settings import SOURCES, resolve
from ..domain.quotas.queries import GetWorkspaceQuotasResult, WorkspaceQuotaInfo, quotas_result
from ..domain.workspace.queries import (
    GetMaasWorkspaceResult,
    GetMaasWorkspacesResult,
    GetWorkspaceResult,
    GetWorkspacesResult,
    as_result,
    check_filters,
    check_region,
    maas_result,
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
