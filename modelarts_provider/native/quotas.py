"""`modelarts:index:WorkspaceQuotas` and `getWorkspaceQuotas` on the native face: the engine's
requests translated into `quota_lifecycle` calls, the same core as the dynamic face's.

What differs from the workspace adapter: the maps `quotas` and `original_quotas` are keyed by
quota resource (`exemlProject.gpu_duration`), which is data, so their keys are never
case-converted; and previews plan without any API call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

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
from .quota_schema import DATA_MAPS, GET_WORKSPACE_QUOTAS, WORKSPACE_QUOTAS, outputs
from .values import camel, diff_response, from_plain, secret_fields, snake, to_plain, unknown, wire_map

if TYPE_CHECKING:
    from ..api.client import ModelArtsClient

Run = Callable[..., Awaitable[Any]]
# (operation, what it is about, the engine's custom timeout, the work): the workspace face's runner
Operate = Callable[[str, str, float, Callable[[], Any]], Awaitable[Any]]
__all__ = ["GET_WORKSPACE_QUOTAS", "QuotasFace", "handles", "plain", "wire"]


def handles(urn: str) -> bool:
    """Whether a request is about a WorkspaceQuotas (the type is the URN's third part)."""
    parts = urn.split("::")
    return len(parts) > 2 and parts[2].rsplit("$", 1)[-1] == WORKSPACE_QUOTAS


def _subject(props: Mapping[str, Any]) -> str:
    """What a message about one WorkspaceQuotas names."""
    return f"the quotas of workspace {props.get('workspace_id')}"


def plain(values: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """Wire values to the lifecycle's plain dict; quota resource keys kept as they are."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        name = snake(key)
        inner = value.value
        if name in DATA_MAPS and isinstance(inner, Mapping):
            out[name] = {str(k): to_plain(v) for k, v in inner.items()}
        else:
            out[name] = to_plain(value)
    return out


def wire(values: Mapping[str, Any], secrets: Collection[str] = ()) -> dict[str, PropertyValue]:
    """The lifecycle's plain dict to wire values; a map derived from a secret one stays secret."""
    hidden = set(secrets) | ({"original_quotas"} if "quotas" in secrets else set())
    out: dict[str, PropertyValue] = {}
    for name, value in values.items():
        if value is None or name.startswith("__"):  # hidden markers do not survive camelCase
            continue
        if name in DATA_MAPS and isinstance(value, Mapping):
            converted = PropertyValue({str(k): from_plain(v) for k, v in value.items()})
            out[camel(name)] = converted.with_secret(True) if name in hidden else converted
        else:
            out[camel(name)] = from_plain(value, name in hidden)
    return out


class QuotasFace:
    """The WorkspaceQuotas calls of `ModelArtsProvider`, with its thread pool and clients."""

    def __init__(
        self, run: Run, operate: Operate, client: Callable[[Mapping[str, Any] | None, str | None], ModelArtsClient]
    ) -> None:
        self._run = run
        self._operate = operate  # create/update/delete: bounded by the engine's customTimeouts
        self._client = client

    async def check(self, request: CheckRequest, names: Callable[[str], str]) -> CheckResponse:
        props, failures = quota_lifecycle.check(plain(request.new_inputs))
        if failures:
            found = [CheckFailure(names(f.property), names(f.reason)) for f in failures]
            return CheckResponse(inputs=request.new_inputs, failures=found)
        return CheckResponse(inputs=wire(props, secret_fields(request.new_inputs)), failures=[])

    async def diff(self, request: DiffRequest) -> DiffResponse:
        plan = quota_lifecycle.plan(plain(request.old_state), plain(request.new_inputs))
        return diff_response(plan)

    async def create(self, request: CreateRequest) -> CreateResponse:
        props, secrets = plain(request.properties), secret_fields(request.properties)
        if request.preview:  # never an API call: the inputs known, what the API tells unknown
            planned = {f: props.get(f, unknown()) for f in outputs()}
            return CreateResponse(resource_id="", properties=wire(planned, secrets))
        region = props.get("region")
        resource_id, outs = await self._operate(
            "create",
            _subject(props),
            request.timeout,
            lambda: quota_lifecycle.create(self._client(None, region), props),
        )
        if region and region != self._client(None, None).settings.region:
            resource_id = f"{region}/{resource_id}"  # read/update/delete find it there, as a Workspace
        return CreateResponse(resource_id=resource_id, properties=wire(outs, secrets))

    async def read(self, request: ReadRequest) -> ReadResponse:
        from .provider import split_id

        region, workspace_id = split_id(request.resource_id)
        secrets = secret_fields(request.properties) | secret_fields(request.inputs)
        found = await self._run(
            quota_lifecycle.read,
            self._client(plain(request.properties), region),
            workspace_id,
            plain(request.properties),
        )
        if found is None:
            return ReadResponse(resource_id="")
        _id, outs, inputs = found
        return ReadResponse(
            resource_id=request.resource_id, properties=wire(outs, secrets), inputs=wire(inputs, secrets)
        )

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        from .provider import split_id

        olds, news = plain(request.olds), plain(request.news)
        secrets = secret_fields(request.news)
        if request.preview:
            planned = {**olds, **news, "original_quotas": unknown(), "all_quotas": unknown()}
            return UpdateResponse(properties=wire(planned, secrets))
        region, _workspace_id = split_id(request.resource_id)
        outs = await self._operate(
            "update",
            _subject(olds),
            request.timeout,
            lambda: quota_lifecycle.update(self._client(olds, region), olds, news),
        )
        return UpdateResponse(properties=wire(outs, secrets))

    async def delete(self, request: DeleteRequest) -> None:
        from .provider import split_id

        region, workspace_id = split_id(request.resource_id)
        olds = plain(request.properties)
        await self._operate(
            "delete",
            _subject(olds),
            request.timeout,
            lambda: quota_lifecycle.delete(self._client(olds, region), workspace_id, olds),
        )

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        """`getWorkspaceQuotas(workspaceId, region?)`: every quota resource with its usage."""
        from ..domain.quotas.queries import quotas_result

        args = plain(request.args)
        workspace_id = str(args.get("workspace_id") or "")
        live = await self._run(self._client(None, args.get("region") or None).get_workspace_quotas, workspace_id)
        return InvokeResponse(wire_map(asdict(quotas_result(workspace_id, live))))
