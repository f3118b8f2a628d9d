"""`NativeWorkspaceQuotas`: the native `modelarts:index:WorkspaceQuotas` for Python programs,
typed, over the same `WorkspaceQuotasArgs` as the dynamic `WorkspaceQuotas`.

Only the schema's own field names are translated between snake_case and camelCase: the SDK
would otherwise apply the translation to every key of `quotas` too, and quota resources such as
`exemlProject.gpu_duration` are names the API gives, not ours to rewrite.
"""

from __future__ import annotations

from typing import Any

import pulumi

from ..domain.quotas import spec as quota_spec
from ..program.quotas import WorkspaceQuotasFace
from . import quota_schema
from .properties import wire_names

_TO_CAMEL = wire_names(quota_spec.FIELDS)
_TO_SNAKE = {wire: name for name, wire in _TO_CAMEL.items()}


class NativeWorkspaceQuotas(WorkspaceQuotasFace, pulumi.CustomResource):
    """The quotas of one workspace, managed by the native `modelarts` plugin. Same arguments and
    outputs as `WorkspaceQuotas`."""

    def _register(self, resource_name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None) -> None:
        props = {k: v for k, v in props.items() if v is not None}
        for key in quota_schema.outputs():
            props.setdefault(key, None)
        pulumi.CustomResource.__init__(self, quota_schema.WORKSPACE_QUOTAS, resource_name, props, opts)

    def translate_output_property(self, prop: str) -> str:
        return _TO_SNAKE.get(prop, prop)

    def translate_input_property(self, prop: str) -> str:
        return _TO_CAMEL.get(prop, prop)
