"""What the workspace lookups return and the rules of their arguments, shared by the program's
`get_*` functions and the native plugin's functions: results read from the API's models."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar

from ...api.client import ORDERS, SORT_KEYS
from ...api.models import LiveWorkspace, MaasWorkspace, WorkspaceSummary
from ...core.errors import InputError
from . import spec

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


Result = TypeVar("Result", bound="DataclassInstance")


def _result(kind: type[Result], source: object, **given: Any) -> Result:
    """A lookup result read from the API's model: each field of `kind` not `given` is the model's
    attribute of that name (the results name their fields as the API does)."""
    return kind(**{f.name: getattr(source, f.name) for f in fields(kind) if f.name not in given}, **given)


def as_result(w: WorkspaceSummary) -> GetWorkspaceResult:
    """The lookup's result from the API's answer (shared with the native function); a summary
    from the list API has no grants."""
    return _result(GetWorkspaceResult, w, grants=w.grant_dicts() if isinstance(w, LiveWorkspace) else [])


def maas_result(w: MaasWorkspace) -> GetMaasWorkspaceResult:
    """The lookup's result from the API's answer (shared with the native function)."""
    return _result(GetMaasWorkspaceResult, w)


def check_region(region: Any) -> None:
    """A lookup's `region` argument, checked before any call."""
    if region is not None and (not isinstance(region, str) or not spec.REGION_PATTERN.match(region)):
        raise InputError(f"region must be a region id such as 'cn-north-4', got {region!r}")


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
