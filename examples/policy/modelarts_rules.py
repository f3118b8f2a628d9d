"""The guardrails as plain functions of a workspace's inputs, so they are tested without Pulumi.

Each check returns None when the workspace complies, else the message for the reviewer. The
same rules cover both ways to declare a workspace: the dynamic provider's resource (snake_case
inputs) and the native provider's (camelCase).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

DYNAMIC_TYPE = "pulumi-python:dynamic/modelarts:Workspace"
NATIVE_TYPE = "modelarts:index:Workspace"
# The input names of each resource type, by meaning.
FIELD_NAMES: dict[str, dict[str, str]] = {
    DYNAMIC_TYPE: {"auth_type": "auth_type", "grants": "grants", "enterprise_project_id": "enterprise_project_id"},
    NATIVE_TYPE: {"auth_type": "authType", "grants": "grants", "enterprise_project_id": "enterpriseProjectId"},
}
DEFAULT_STACKS = ("prod*",)
DEFAULT_ENTERPRISE_PROJECT = "0"


@dataclass(frozen=True)
class WorkspaceInputs:
    """What the rules look at, whichever resource type declared the workspace."""

    name: str
    auth_type: str  # upper case; ModelArts' default PUBLIC when not given
    grant_count: int
    enterprise_project_id: str  # "0" (the default project) when not given


def workspace_inputs(resource_type: str, name: str, props: Mapping[str, Any]) -> WorkspaceInputs | None:
    """The inputs of a ModelArts workspace, or None for any other resource."""
    fields = FIELD_NAMES.get(resource_type)
    if fields is None:
        return None
    auth_type = props.get(fields["auth_type"]) or "PUBLIC"
    grants = props.get(fields["grants"]) or ()
    project = props.get(fields["enterprise_project_id"])
    return WorkspaceInputs(
        name=str(props.get("name") or name),
        auth_type=str(auth_type).upper(),
        grant_count=len(grants),  # len only: a grant still unknown in a preview is still a grant
        enterprise_project_id=str(project) if project not in (None, "") else DEFAULT_ENTERPRISE_PROJECT,
    )


def stack_of(urn: str) -> str:
    """The stack in `urn:pulumi:STACK::PROJECT::TYPE::NAME`."""
    return urn.split("::", 1)[0].rsplit(":", 1)[-1]


def is_guarded_stack(stack: str, patterns: Iterable[str]) -> bool:
    """Whether `stack` matches one of the glob `patterns` (`prod*`, `*-prod`), case-sensitively."""
    return any(fnmatchcase(stack, pattern) for pattern in patterns)


def no_public_workspace(ws: WorkspaceInputs) -> str | None:
    if ws.auth_type != "PUBLIC":
        return None
    return (
        f"workspace '{ws.name}' is PUBLIC (also the default when auth_type is not set): every user "
        "of the account can use it; declare auth_type PRIVATE, or INTERNAL with grants"
    )


def internal_workspace_has_grants(ws: WorkspaceInputs) -> str | None:
    if ws.auth_type != "INTERNAL" or ws.grant_count > 0:
        return None
    return f"workspace '{ws.name}' is INTERNAL without grants: nobody but its owner can use it; add at least one grant"


def named_enterprise_project(ws: WorkspaceInputs, stack: str, patterns: Iterable[str]) -> str | None:
    if not is_guarded_stack(stack, patterns) or ws.enterprise_project_id != DEFAULT_ENTERPRISE_PROJECT:
        return None
    return (
        f"workspace '{ws.name}' on stack '{stack}' is in the default enterprise project \"0\": "
        "set enterprise_project_id to the team's enterprise project (changing it later replaces the workspace)"
    )


def protected_workspace(ws: WorkspaceInputs, protect: bool, stack: str, patterns: Iterable[str]) -> str | None:
    if protect or not is_guarded_stack(stack, patterns):
        return None
    return (
        f"workspace '{ws.name}' on stack '{stack}' is not protected: declare it with "
        "opts=pulumi.ResourceOptions(protect=True) so no up can delete or replace it by accident"
    )
