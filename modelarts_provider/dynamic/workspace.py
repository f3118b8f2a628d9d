"""`Workspace`: the dynamic face's workspace resource, served by `WorkspaceProvider` in the
dynamic-provider process."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from ..domain.workspace import spec
from ..program.workspace import WorkspaceFace, secret_inputs
from .workspace_provider import WorkspaceProvider


class Workspace(WorkspaceFace, Resource, module="modelarts", name="Workspace"):
    """A ModelArts workspace. Type token `pulumi-python:dynamic/modelarts:Workspace`."""

    def _register(self, resource_name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None) -> None:
        props[spec.SECRET_INPUTS] = secret_inputs(props)
        for key in spec.INPUT_FIELDS + spec.OUTPUT_FIELDS:
            props.setdefault(key, None)
        Resource.__init__(self, WorkspaceProvider(), resource_name, props, opts)
        # The dynamic host has no update preview: while a workspace is updated in place, `pulumi
        # preview` knows none of its outputs that are not inputs, so whatever is wired from
        # `workspace_id` (a WorkspaceQuotas) would show a change. The resource id is the same value
        # on this face and stays known.
        self.workspace_id = self.id
