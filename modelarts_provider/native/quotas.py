"""`modelarts:index:WorkspaceQuotas` and `getWorkspaceQuotas` on the native face: the engine's
requests translated into `quota_lifecycle` calls, the same core as the dynamic face's.

What differs from the workspace handler: the maps `quotas` and `original_quotas` are keyed by
quota resource (`exemlProject.gpu_duration`), which is data, so their keys are never
case-converted; and previews plan without any API call.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import asdict
from typing import Any

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    InvokeRequest,
    InvokeResponse,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from ..domain.quotas import lifecycle as quota_lifecycle
from ..domain.quotas import spec as quota_spec
from .quota_schema import GET_WORKSPACE_QUOTAS, WORKSPACE_QUOTAS, outputs
from .registry import FunctionHandler
from .runtime import Runtime, camel_text, split_id
from .values import derived_secrets, diff_response, plain_map, secret_fields, unknown, wire_map


def _subject(props: Mapping[str, Any]) -> str:
    """What a message about one WorkspaceQuotas names."""
    return f"the quotas of workspace {props.get('workspace_id')}"


def from_engine(values: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """Wire values to the lifecycle's plain dict; quota resource keys (map keys) kept as they are."""
    return plain_map(values, quota_spec.FIELD)


def to_engine(values: Mapping[str, Any], secrets: Collection[str] = ()) -> dict[str, PropertyValue]:
    """The lifecycle's plain dict to wire values; a map derived from a secret one stays secret."""
    return wire_map(values, derived_secrets(values, secrets, quota_spec.DERIVED_OUTPUTS), quota_spec.FIELD)


class QuotasHandler:
    """The WorkspaceQuotas calls and `getWorkspaceQuotas`, over the provider's pool and clients."""

    token = WORKSPACE_QUOTAS

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def functions(self) -> Mapping[str, FunctionHandler]:
        return {GET_WORKSPACE_QUOTAS: self.get_workspace_quotas}

    async def check(self, request: CheckRequest) -> CheckResponse:
        props, failures = quota_lifecycle.check(from_engine(request.new_inputs))
        if failures:
            found = [CheckFailure(camel_text(f.property), camel_text(f.reason)) for f in failures]
            return CheckResponse(inputs=request.new_inputs, failures=found)
        return CheckResponse(inputs=to_engine(props, secret_fields(request.new_inputs)), failures=[])

    async def diff(self, request: DiffRequest) -> DiffResponse:
        plan = quota_lifecycle.plan(from_engine(request.old_state), from_engine(request.new_inputs))
        return diff_response(plan)

    async def create(self, request: CreateRequest) -> CreateResponse:
        props, secrets = from_engine(request.properties), secret_fields(request.properties)
        if request.preview:  # never an API call: the inputs known, what the API tells unknown
            planned = {f: props.get(f, unknown()) for f in outputs()}
            return CreateResponse(resource_id="", properties=to_engine(planned, secrets))
        region = props.get("region")
        located = self._runtime.located
        resource_id, outs = await self._runtime.operate(
            "create",
            _subject(props),
            request.timeout,
            lambda: quota_lifecycle.create(located.of(None, region), props),
        )
        resource_id = self._runtime.located_id(region, resource_id)  # as a Workspace's
        return CreateResponse(resource_id=resource_id, properties=to_engine(outs, secrets))

    async def read(self, request: ReadRequest) -> ReadResponse:
        region, workspace_id = split_id(request.resource_id)
        secrets = secret_fields(request.properties) | secret_fields(request.inputs)
        olds = from_engine(request.properties)
        client = self._runtime.located.of(olds, region)
        found = await self._runtime.run(quota_lifecycle.read, client, workspace_id, olds)
        if found is None:
            return ReadResponse(resource_id="")
        _id, outs, inputs = found
        return ReadResponse(
            resource_id=request.resource_id, properties=to_engine(outs, secrets), inputs=to_engine(inputs, secrets)
        )

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        olds, news = from_engine(request.olds), from_engine(request.news)
        secrets = secret_fields(request.news)
        if request.preview:
            planned = {**olds, **news, "original_quotas": unknown(), "all_quotas": unknown()}
            return UpdateResponse(properties=to_engine(planned, secrets))
        region, _workspace_id = split_id(request.resource_id)
        located = self._runtime.located
        outs = await self._runtime.operate(
            "update",
            _subject(olds),
            request.timeout,
            lambda: quota_lifecycle.update(located.of(olds, region), olds, news),
        )
        return UpdateResponse(properties=to_engine(outs, secrets))

    async def delete(self, request: DeleteRequest) -> None:
        region, workspace_id = split_id(request.resource_id)
        olds = from_engine(request.properties)
        located = self._runtime.located
        await self._runtime.operate(
            "delete",
            _subject(olds),
            request.timeout,
            lambda: quota_lifecycle.delete(located.of(olds, region), workspace_id, olds),
        )

    async def get_workspace_quotas(self, request: InvokeRequest) -> InvokeResponse:
        """`getWorkspaceQuotas(workspaceId, region?)`: every quota resource with its usage."""
        from ..domain.quotas.queries import quotas_result

        args = from_engine(request.args)
        workspace_id = str(args.get("workspace_id") or "")
        client = self._runtime.client(args.get("region") or None)
        live = await self._runtime.run(client.get_workspace_quotas, workspace_id)
        return InvokeResponse(wire_map(asdict(quotas_result(workspace_id, live))))
