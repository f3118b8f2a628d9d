"""`WorkspaceQuotas`: the dynamic face's quotas resource, served by `WorkspaceQuotasProvider` in
the dynamic-provider process."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from ..domain.quotas import spec as quota_spec
from ..domain.workspace.spec import SECRET_INPUTS
from ..program.quotas import WorkspaceQuotasFace
from ..program.workspace import secret_inputs
from .quotas_provider import WorkspaceQuotasProvider


class WorkspaceQuotas(WorkspaceQuotasFace, Resource, module="modelarts", name="WorkspaceQuotas"):
    """Quotas of one workspace. Type token `pulumi-python:dynamic/modelarts:WorkspaceQuotas`.

    Outputs: `quotas` (the live values of the managed quota resources), `original_quotas` (their
    values from before Pulumi managed them, restored on removal) and `all_quotas` (every quota
    resource of the workspace, read-only: resource, quota, min/max, names, units; no usage), and
    `region`/`project_id` where the workspace lives (later calls go there).
    """

    def _register(self, resource_name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None) -> None:
        props[SECRET_INPUTS] = secret_inputs(props)
        for key in quota_spec.INPUT_FIELDS + quota_spec.OUTPUT_FIELDS:
            props.setdefault(key, None)
        Resource.__init__(self, WorkspaceQuotasProvider(), resource_name, props, opts)
