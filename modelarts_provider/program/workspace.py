"""What a Python program declares for a workspace, whichever face serves it: `WorkspaceArgs`,
`Grant`, the inputs in either form made plain, and `WorkspaceFace` (constructor, `get`, typed
outputs) that the dynamic `Workspace` and the native `NativeWorkspace` share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, TypeVar

import pulumi

from ..core.wire import any_within, map_within
from .typed_outputs import TypedOutputs


@dataclass
class Grant:
    """One user allowed into an INTERNAL workspace: `user_id` or `user_name` (user_id wins)."""

    user_id: pulumi.Input[str] | None = None
    user_name: pulumi.Input[str] | None = None
    user_type: pulumi.Input[str] | None = None  # IAM (default), FEDERATE or AGENCY


@dataclass
class WorkspaceArgs:
    """Inputs of a workspace. Everything updates in place except `enterprise_project_id` and `region`."""

    name: pulumi.Input[str]
    description: pulumi.Input[str] | None = None
    auth_type: pulumi.Input[str] | None = None  # PUBLIC (default), PRIVATE or INTERNAL
    grants: pulumi.Input[Sequence[pulumi.Input[Grant | Mapping[str, Any]]]] | None = None
    enterprise_project_id: pulumi.Input[str] | None = None  # default: huaweicloud:enterpriseProjectId, else "0"
    region: pulumi.Input[str] | None = None  # default: huaweicloud:region at create; a change replaces
    adopt_id: pulumi.Input[str] | None = None  # take over this existing workspace on create
    adopt_by_name: pulumi.Input[bool] | None = None  # take over the workspace named `name`, if any
    create_timeout: pulumi.Input[float] | None = None  # seconds, default 600
    delete_timeout: pulumi.Input[float] | None = None  # seconds, default 600


def _plain(value: Any) -> Any:
    """Grant (and any other) dataclasses as dicts, at any depth and inside Outputs too.

    Fields are read one by one instead of with `dataclasses.asdict`, which deep-copies its
    values: an Output cannot be copied (`__getstate__ can only be called during
    serialization`). Outputs are never copied or resolved here, only mapped with `apply`.
    Anything that is not a list is passed on as it is, so that check says "must be a list"
    instead of judging the characters of a string or the keys of a dict.
    """
    return map_within(value, _plain_node)


def _plain_node(value: Any) -> Any:
    """One level of `_plain`: an Output mapped later, a dataclass as the dict of its set fields."""
    if isinstance(value, pulumi.Output):
        return value.apply(_plain)
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in fields(value) if getattr(value, f.name) is not None}
    return value


def _is_output(value: Any) -> bool:
    return isinstance(value, pulumi.Output)


def secret_inputs(props: Mapping[str, Any]) -> Any:
    """The names of the inputs that hold a secret at any depth, as a plain (non-secret) Output.

    Pulumi strips secrets before they reach a dynamic provider; with this list the provider
    marks the outputs derived from them secret too and keeps their values out of messages.
    """
    candidates = {key: pulumi.Output.from_input(value) for key, value in props.items() if any_within(value, _is_output)}
    if not candidates:
        return []

    async def secret_keys() -> list[str]:
        return sorted([key for key, output in candidates.items() if await output.is_secret()])

    return pulumi.Output.from_input(secret_keys())


def declared_inputs(args: WorkspaceArgs | None, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs of either form (typed args or keywords), dataclasses as plain dicts at any
    depth, Outputs untouched: both faces."""
    if args is not None and kwargs:
        raise TypeError("give either args=WorkspaceArgs(...) or keyword arguments, not both")
    given = {f.name: getattr(args, f.name) for f in fields(args)} if args is not None else kwargs
    return {key: _plain(value) for key, value in given.items()}


Face = TypeVar("Face", bound="WorkspaceFace")


class WorkspaceFace(TypedOutputs):
    """What both faces of a workspace (the dynamic `Workspace`, the native `NativeWorkspace`)
    take and give: one constructor (typed args or keywords), `get`, the typed outputs. Each face
    registers the declared inputs its own way (`_register`)."""

    workspace_id: pulumi.Output[str]
    name: pulumi.Output[str]
    description: pulumi.Output[str]
    auth_type: pulumi.Output[str]
    grants: pulumi.Output[list[dict[str, str]]]  # as declared (checked), plus grants added elsewhere
    server_grants: pulumi.Output[list[dict[str, str]]]  # the same grants as the server holds them
    enterprise_project_id: pulumi.Output[str]
    enterprise_project_name: pulumi.Output[str]
    region: pulumi.Output[str]  # where the workspace lives (recorded at create)
    project_id: pulumi.Output[str]  # its project in that region
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
        self._register(resource_name, declared_inputs(args, kwargs), opts)

    def _register(self, resource_name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None) -> None:
        raise NotImplementedError

    @classmethod
    def get(
        cls: type[Face], resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> Face:
        """Reference an existing workspace read-only (`ID`, or `REGION/ID` on the native face);
        Pulumi never changes or deletes it."""
        return cls(resource_name, None, pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id)))
