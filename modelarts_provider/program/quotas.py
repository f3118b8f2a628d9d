"""What a Python program declares for the quotas of one workspace, whichever face serves them:
`WorkspaceQuotasArgs` and `WorkspaceQuotasFace`, which the dynamic `WorkspaceQuotas` and the
native `NativeWorkspaceQuotas` share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import pulumi

from .typed_outputs import TypedOutputs


@dataclass
class WorkspaceQuotasArgs:
    """Only the quota resources named in `quotas` are managed; the others are left alone.

    `quotas` maps a quota resource (e.g. `exemlProject.gpu_duration`) to a whole number >= 1, or
    -1 for unlimited, within the range the workspace allows. A changed `workspace_id` replaces.
    `region` is the workspace's (default: huaweicloud:region at create; a change replaces).
    """

    workspace_id: pulumi.Input[str]
    quotas: pulumi.Input[Mapping[str, pulumi.Input[int]]]
    region: pulumi.Input[str] | None = None


def quota_inputs(args: WorkspaceQuotasArgs | None, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs of either form (typed args or keywords), Outputs untouched: both faces."""
    if args is not None and kwargs:
        raise TypeError("give either args=WorkspaceQuotasArgs(...) or keyword arguments, not both")
    # not dataclasses.asdict: it deep-copies its values, and an Output refuses to be copied
    given = {f.name: getattr(args, f.name) for f in fields(args)} if args is not None else kwargs
    return dict(given)


class WorkspaceQuotasFace(TypedOutputs):
    """What both faces of a workspace's quotas (the dynamic `WorkspaceQuotas`, the native
    `NativeWorkspaceQuotas`) take and give: one constructor (typed args or keywords) and the
    typed outputs. Each face registers the declared inputs its own way (`_register`)."""

    workspace_id: pulumi.Output[str]
    quotas: pulumi.Output[dict[str, int]]
    original_quotas: pulumi.Output[dict[str, int]]
    all_quotas: pulumi.Output[list[dict[str, Any]]]
    region: pulumi.Output[str]  # where the workspace lives (recorded at create)
    project_id: pulumi.Output[str]  # its project in that region

    def __init__(
        self,
        resource_name: str,
        args: WorkspaceQuotasArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        self._register(resource_name, quota_inputs(args, kwargs), opts)

    def _register(self, resource_name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None) -> None:
        raise NotImplementedError
