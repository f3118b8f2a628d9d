"""`modelarts:index:Workspace` and the workspace functions (`getWorkspace`, `getWorkspaces`,
`getMaasWorkspaces`) on the native face: the engine's requests translated into the same
`lifecycle` calls as the dynamic face's, field names in camelCase."""

from __future__ import annotations

from collections.abc import Mapping
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

from ..core.errors import InputError
from ..core.settings import default_enterprise_project
from ..domain.workspace import lifecycle, spec
from . import schema
from .registry import FunctionHandler
from .runtime import PartialCreate, Runtime, camel_text, split_id
from .values import camel, derived_secrets, diff_response, plain_map, secret_fields, unknown, wire_map


def _public(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in schema.DYNAMIC_ONLY}


def _answer(outputs: Mapping[str, Any], secret_inputs: set[str]) -> dict[str, PropertyValue]:
    public = _public(outputs)
    return wire_map(public, derived_secrets(public, secret_inputs, spec.DERIVED_OUTPUTS), spec.FIELD)


class WorkspaceHandler:
    """The Workspace calls and the workspace functions, over the provider's pool and clients."""

    token = schema.WORKSPACE

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def functions(self) -> Mapping[str, FunctionHandler]:
        return {
            schema.GET_WORKSPACE: self.get_workspace,
            schema.GET_WORKSPACES: self.get_workspaces,
            schema.GET_MAAS_WORKSPACES: self.get_maas_workspaces,
        }

    def _call(self, urn: str, timeout: float = 0.0) -> lifecycle.Call:
        log = self._runtime.log
        return lifecycle.Call(
            progress=lambda message: log(urn, message),
            timeout=timeout,
            keep_unconfirmed=True,
            custom_timeouts=True,
            imports=True,
        )

    # -- check / diff ---------------------------------------------------------------------

    async def check(self, request: CheckRequest) -> CheckResponse:
        news = plain_map(request.new_inputs, spec.FIELD)
        # an existing workspace keeps its enterprise project; the configured default is for new ones
        olds = plain_map(request.old_inputs, spec.FIELD) if request.old_inputs else None
        props, failures = lifecycle.check(news, olds, default_enterprise_project(self._runtime.config))
        found = [CheckFailure(camel_text(f.property), camel_text(f.reason)) for f in failures]
        found += [
            CheckFailure(
                camel(key), "is not an input of modelarts:index:Workspace (use pulumi import or customTimeouts)"
            )
            for key in news
            if key in schema.DYNAMIC_ONLY
        ]
        if found:
            return CheckResponse(inputs=request.new_inputs, failures=found)
        checked = wire_map(_public(props), secret_fields(request.new_inputs), spec.FIELD)
        return CheckResponse(inputs=checked, failures=[])

    async def diff(self, request: DiffRequest) -> DiffResponse:
        olds, news = plain_map(request.old_state, spec.FIELD), plain_map(request.new_inputs, spec.FIELD)
        located = self._runtime.located
        note = located.elsewhere(olds, news)
        if note:
            self._runtime.log(request.urn, note)
        return diff_response(lifecycle.plan(olds, news, located.default_region()))

    # -- create / read / update / delete ---------------------------------------------------

    async def create(self, request: CreateRequest) -> CreateResponse:
        props = plain_map(request.properties, spec.FIELD)
        secrets = secret_fields(request.properties)
        if request.preview:  # never an API call: known inputs, every other output unknown
            planned = {f: props.get(f, unknown()) for f in schema.native_outputs()}
            return CreateResponse(resource_id="", properties=_answer(planned, secrets))
        call = self._call(request.urn, request.timeout)
        located = self._runtime.located
        try:
            resource_id, outputs = await self._runtime.operate(
                "create",
                f"workspace {props.get('name', '')!r}",
                call.timeout,
                lambda: lifecycle.create(located.of(props), props, call),
            )
        except lifecycle.CreatedUnconfirmed as exc:
            raise PartialCreate(str(exc), exc.workspace_id, _answer(exc.outputs, secrets)) from None
        resource_id = self._runtime.located_id(props.get("region"), resource_id)
        return CreateResponse(resource_id=resource_id, properties=_answer(outputs, secrets))

    async def read(self, request: ReadRequest) -> ReadResponse:
        region, workspace_id = split_id(request.resource_id)
        secrets = secret_fields(request.properties) | secret_fields(request.inputs)
        olds = plain_map(request.properties, spec.FIELD)  # the recorded region and project, else REGION/ of an import
        client = self._runtime.located.of(olds, region)
        found = await self._runtime.run(lifecycle.read, client, workspace_id, olds)
        if found is None:
            return ReadResponse(resource_id="")
        _id, outputs, inputs = found
        return ReadResponse(
            resource_id=request.resource_id,
            properties=_answer(outputs, secrets),
            inputs=wire_map(_public(inputs), secrets, spec.FIELD),
        )

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        olds, news = plain_map(request.olds, spec.FIELD), plain_map(request.news, spec.FIELD)
        secrets = secret_fields(request.news)
        if request.preview:
            planned = {**olds, **news, "update_time": unknown()}
            return UpdateResponse(properties=_answer(planned, secrets))
        region, workspace_id = split_id(request.resource_id)
        call = self._call(request.urn, request.timeout)
        located = self._runtime.located
        outputs = await self._runtime.operate(
            "update",
            f"workspace {news.get('name') or olds.get('name') or workspace_id!r}",
            call.timeout,
            lambda: lifecycle.update(located.of(olds, region), workspace_id, olds, news, call),
        )
        return UpdateResponse(properties=_answer(outputs, secrets))

    async def delete(self, request: DeleteRequest) -> None:
        region, workspace_id = split_id(request.resource_id)
        call = self._call(request.urn, request.timeout)
        olds = plain_map(request.properties, spec.FIELD)
        located = self._runtime.located
        await self._runtime.operate(
            "delete",
            f"workspace {olds.get('name') or workspace_id!r}",
            call.timeout,
            lambda: lifecycle.delete(located.of(olds, region), workspace_id, olds, call),
        )

    # -- functions: the dynamic face's arguments and rules (`queries`), in camelCase ----------
    # (each imports the queries once, when called: the plugin starts without the HTTP stack)

    async def get_workspace(self, request: InvokeRequest) -> InvokeResponse:
        from ..domain.workspace.queries import as_result, check_region

        args = plain_map(request.args)
        region = args.get("region") or None
        check_region(region)  # its message names `region`, spelled alike in both faces
        api = self._runtime.client(region)
        workspace = await self._runtime.run(api.get_workspace, str(args.get("id") or ""))
        return InvokeResponse(wire_map(asdict(as_result(workspace))))

    async def get_maas_workspaces(self, request: InvokeRequest) -> InvokeResponse:
        from ..domain.workspace.queries import check_region, maas_result

        args = plain_map(request.args)
        region = args.get("region") or None
        check_region(region)
        api = self._runtime.client(region)
        maas = (await self._runtime.run(api.get_maas_workspaces, args.get("region_id"))).workspaces
        return InvokeResponse(wire_map({"workspaces": [asdict(maas_result(w)) for w in maas]}))

    async def get_workspaces(self, request: InvokeRequest) -> InvokeResponse:
        from ..domain.workspace.queries import LIST_FILTERS, as_result, check_filters, check_region

        args = plain_map(request.args)
        region = args.get("region") or None
        check_region(region)
        api = self._runtime.client(region)
        filters: dict[str, Any] = {k: args.get(k) for k in LIST_FILTERS}
        try:
            check_filters(**filters)
        except InputError as exc:
            # argument names in camelCase; values such as `update_time` stay the API's
            raise InputError(camel_text(str(exc), ("get_workspaces", *LIST_FILTERS))) from None
        found = await self._runtime.run(lambda: list(api.iter_workspaces(**filters)))
        return InvokeResponse(wire_map({"workspaces": [asdict(as_result(w)) for w in found]}))
