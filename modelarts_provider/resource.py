"""`Workspace`: the typed resource users put in their stacks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from typing import Any

import pulumi
from pulumi.dynamic import Resource

from . import spec
from .provider import WorkspaceProvider


@dataclass
class Grant:
    """One user allowed into an INTERNAL workspace: `user_id` or `user_name` (user_id wins)."""

    user_id: pulumi.Input[str] | None = None
    user_name: pulumi.Input[str] | None = None
    user_type: pulumi.Input[str] | None = None  # IAM (default), FEDERATE or AGENCY


@dataclass
class WorkspaceArgs:
    """Inputs of a workspace. Everything updates in place except `enterprise_project_id`."""

    name: pulumi.Input[str]
    description: pulumi.Input[str] | None = None
    auth_type: pulumi.Input[str] | None = None  # PUBLIC (default), PRIVATE or INTERNAL
    grants: pulumi.Input[Sequence[pulumi.Input[Grant | Mapping[str, Any]]]] | None = None
    enterprise_project_id: pulumi.Input[str] | None = None  # "0" (default); a change replaces
    adopt_id: pulumi.Input[str] | None = None  # take over this existing workspace on create
    adopt_by_name: pulumi.Input[bool] | None = None  # take over the workspace named `name`, if any
    create_timeout: pulumi.Input[float] | None = None  # seconds, default 600
    delete_timeout: pulumi.Input[float] | None = None  # seconds, default 600


def _grant_dict(grant: Any) -> Any:
    if is_dataclass(grant) and not isinstance(grant, type):
        return {k: v for k, v in asdict(grant).items() if v is not None}
    return grant


def _grant_list(grants: Any) -> Any:
    """Grant dataclasses as dicts; anything but a list is passed on as it is, so that check says
    "must be a list" instead of judging the characters of a string or the keys of a dict."""
    if isinstance(grants, (list, tuple)):
        return [_grant_dict(g) for g in grants]
    return grants


def _grants_input(grants: Any) -> Any:
    if grants is None:
        return None
    if isinstance(grants, pulumi.Output):
        return grants.apply(_grant_list)
    return _grant_list(grants)


def declared_inputs(args: WorkspaceArgs | None, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs of either form (typed args or keywords), grants as plain dicts: both faces."""
    if args is not None and kwargs:
        raise TypeError("give either args=WorkspaceArgs(...) or keyword arguments, not both")
    props: dict[str, Any] = dict(asdict(args)) if args is not None else dict(kwargs)
    if args is not None:
        props["grants"] = _grants_input(args.grants)
    elif "grants" in props:
        props["grants"] = _grants_input(props["grants"])
    return props


class Workspace(Resource, module="modelarts", name="Workspace"):
    """A ModelArts workspace. Type token `pulumi-python:dynamic/modelarts:Workspace`."""

    workspace_id: pulumi.Output[str]
    name: pulumi.Output[str]
    description: pulumi.Output[str]
    auth_type: pulumi.Output[str]
    grants: pulumi.Output[list[dict[str, str]]]
    enterprise_project_id: pulumi.Output[str]
    enterprise_project_name: pulumi.Output[str]
    owner: pulumi.Output[str]
    status: pulumi.Output[str]
    status_info: pulumi.Output[str]
    create_time: pulumi.Output[int]
    update_time: pulumi.Output[int]

    def __init__(
        self,
        resource_name: str,
        args: WorkspaceArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        props = declared_inputs(args, kwargs)
        for key in spec.INPUT_FIELDS + spec.OUTPUT_FIELDS:
            props.setdefault(key, None)
        super().__init__(WorkspaceProvider(), resource_name, props, opts)

    @staticmethod
    def get(resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> Workspace:
        """Reference an existing workspace read-only; Pulumi never changes or deletes it."""
        return Workspace(resource_name, None, pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id)))
