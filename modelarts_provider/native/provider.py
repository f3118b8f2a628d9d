"""`ModelArtsProvider`: the engine's calls for `modelarts:index:Workspace` and the functions,
answered by the same lifecycle as the dynamic face (`modelarts:index:WorkspaceQuotas` and
`getWorkspaceQuotas` go to `quotas.QuotasFace`, over `quota_lifecycle`).

The lifecycle blocks (HTTP, polling), so each call runs in a thread pool sized here rather than
on the event loop; the dynamic host's 4-call ceiling does not exist. Each provider instance (the
default one or an explicit `pulumi:providers:modelarts`) is its own process with its own
settings and client.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, TypeVar

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.provider import (
    CheckFailure,
    CheckRequest,
    CheckResponse,
    ConfigureRequest,
    ConfigureResponse,
    CreateRequest,
    CreateResponse,
    DeleteRequest,
    DiffRequest,
    DiffResponse,
    GetSchemaRequest,
    GetSchemaResponse,
    InvokeRequest,
    InvokeResponse,
    Provider,
    ReadRequest,
    ReadResponse,
    UpdateRequest,
    UpdateResponse,
)

from ..core import deadline, wire
from ..core.errors import ConfigurationError, InputError, ModelArtsError, WorkspaceStateError
from ..core.settings import SOURCES, Settings, default_enterprise_project, resolve
from ..domain.workspace import lifecycle, spec
from . import quotas as quota_face
from . import schema
from .values import camel, diff_response, plain_map, secret_fields, to_plain, unknown, wire_map

if TYPE_CHECKING:
    from ..api.client import ModelArtsClient

# Threads for blocking calls. The engine runs at most `--parallel` operations at once; 64 is
# above what stacks use in practice (the benchmark runs --parallel 32) and each thread mostly
# sleeps between polls. The HTTP session keeps as many keep-alive connections.
WORKERS = 64
T = TypeVar("T")
_IDENT = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


class CustomTimeoutExceeded(WorkspaceStateError):
    """An operation ended by the resource's `customTimeouts` (the message says what it was doing)."""


class PartialCreate(ModelArtsError):
    """A create that left a workspace the engine should record (ErrorResourceInitFailed)."""

    def __init__(self, message: str, resource_id: str, properties: dict[str, PropertyValue]) -> None:
        super().__init__(message)
        self.resource_id = resource_id
        self.properties = properties


def camel_text(text: str, names: Collection[str] | None = None) -> str:
    """Field names (or the given `names`) in our messages as the native schema spells them
    (`auth_type` -> `authType`); any other word stays as it is."""
    known = {*spec.INPUT_FIELDS, *spec.OUTPUT_FIELDS, *spec.GRANT_FIELDS} if names is None else set(names)
    return _IDENT.sub(lambda m: camel(m.group(0)) if m.group(0) in known else m.group(0), text)


def split_id(resource_id: str) -> tuple[str | None, str]:
    """`REGION/ID` or `ID` (the provider's region)."""
    region, sep, workspace_id = resource_id.rpartition("/")
    return (region or None) if sep else None, workspace_id


def _public(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in schema.DYNAMIC_ONLY}


def _secret_outputs(outputs: Mapping[str, Any], secret_inputs: set[str]) -> set[str]:
    """An output named like a secret input, or ending in `_<input>` (`declared_grants`), is secret."""
    return {k for k in outputs if any(k == s or k.endswith("_" + s) for s in secret_inputs)}


class ModelArtsProvider(Provider):
    def __init__(self, log: Callable[[str, str], None] | None = None, workers: int = WORKERS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="modelarts")
        self._workers = workers
        self._log = log or (lambda _urn, message: lifecycle.stderr_progress(message))
        self._config: dict[str, Any] = {}
        self._located = self._locations()
        # quotas: the same runners, and the recorded region/project, as workspaces
        self._quotas = quota_face.QuotasFace(self._run, self._operate, self._located.of)

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, functools.partial(fn, *args))

    def _call(self, urn: str, timeout: float = 0.0) -> lifecycle.Call:
        return lifecycle.Call(
            progress=lambda message: self._log(urn, message),
            timeout=timeout,
            keep_unconfirmed=True,
            custom_timeouts=True,
            imports=True,
        )

    async def _operate(self, operation: str, subject: str, timeout: float, fn: Callable[[], T]) -> T:
        """Run one create/update/delete in the pool. With a custom timeout from the engine the
        whole operation (client lookup, every API call, retry and wait) runs under that limit, set
        in the worker thread (`run_in_executor` does not carry context variables), and one that
        the limit ended says so."""
        if timeout <= 0:
            return await self._run(fn)
        label = f"customTimeouts {operation} of {timeout:g}s"

        def bounded() -> T:
            with deadline.time_limit(timeout, label):
                limit = deadline.current()
                try:
                    return fn()
                except ModelArtsError as exc:
                    if limit is None or not limit.passed():
                        raise
                    said = f"{operation} of {subject} did not finish within its {label}: {exc}"
                    if isinstance(exc, lifecycle.CreatedUnconfirmed):  # still partial state, with its id
                        raise lifecycle.CreatedUnconfirmed(said, exc.workspace_id, exc.outputs) from None
                    raise CustomTimeoutExceeded(said) from None

        return await self._run(bounded)

    # -- configuration --------------------------------------------------------------------

    async def get_schema(self, request: GetSchemaRequest) -> GetSchemaResponse:
        return GetSchemaResponse(schema.schema_json())

    @staticmethod
    def _dynamic_config(args: Mapping[str, PropertyValue]) -> dict[str, Any]:
        """`modelarts:accessKey` etc. under the keys `settings.resolve` reads (`huaweicloud:accessKey`)."""
        keys = schema.config_keys()
        config: dict[str, Any] = {}
        for key, value in args.items():
            name = keys.get(key)
            plain = to_plain(value)
            if name is not None and plain is not None and not wire.is_unknown(plain):
                config[str(SOURCES[name][0])] = plain
        return config

    async def check_config(self, request: CheckRequest) -> CheckResponse:
        keys = schema.config_keys()
        failures = [
            CheckFailure(key, f"is not a modelarts setting (allowed: {', '.join(sorted(keys))})")
            for key in request.new_inputs
            if key not in keys and key != "version"
        ]
        try:  # types, whole numbers and endpoints; credentials may still come from HW_* later
            resolve(config=self._dynamic_config(request.new_inputs), environ={})
        except ConfigurationError as exc:
            failures.append(CheckFailure("", str(exc)))
        return CheckResponse(inputs=request.new_inputs, failures=failures)

    async def configure(self, request: ConfigureRequest) -> ConfigureResponse:
        self._config = self._dynamic_config(request.args)
        self._located = self._locations()
        return ConfigureResponse(accept_secrets=True, supports_preview=True)

    def _locations(self) -> lifecycle.Clients:
        """Where each workspace lives: the same rule as the dynamic face (`lifecycle.Clients`)."""

        def new(settings: Settings) -> ModelArtsClient:
            from ..api.client import ModelArtsClient
            from ..api.transport import new_session

            return ModelArtsClient(settings, new_session(pool_size=self._workers))

        return lifecycle.Clients(lambda: resolve(config=self._config), new)

    def _client(self, region: str | None = None) -> ModelArtsClient:
        """The client of `region` (default: the provider's), for new workspaces and functions."""
        return self._located.of(None, region)

    # -- check / diff ---------------------------------------------------------------------

    async def check(self, request: CheckRequest) -> CheckResponse:
        if quota_face.handles(request.urn):
            return await self._quotas.check(request, camel_text)
        news = plain_map(request.new_inputs)
        # an existing workspace keeps its enterprise project; the configured default is for new ones
        olds = plain_map(request.old_inputs) if request.old_inputs else None
        props, failures = lifecycle.check(news, olds, default_enterprise_project(self._config))
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
        return CheckResponse(inputs=wire_map(_public(props), secret_fields(request.new_inputs)), failures=[])

    async def diff(self, request: DiffRequest) -> DiffResponse:
        if quota_face.handles(request.urn):
            return await self._quotas.diff(request)
        olds, news = plain_map(request.old_state), plain_map(request.new_inputs)
        note = self._located.elsewhere(olds, news)
        if note:
            self._log(request.urn, note)
        return diff_response(lifecycle.plan(olds, news, self._located.default_region()))

    # -- create / read / update / delete ---------------------------------------------------

    def _answer(self, outputs: Mapping[str, Any], secret_inputs: set[str]) -> dict[str, PropertyValue]:
        public = _public(outputs)
        return wire_map(public, _secret_outputs(public, secret_inputs))

    async def create(self, request: CreateRequest) -> CreateResponse:
        if quota_face.handles(request.urn):
            return await self._quotas.create(request)
        props = plain_map(request.properties)
        secrets = secret_fields(request.properties)
        if request.preview:  # never an API call: known inputs, every other output unknown
            planned = {f: props.get(f, unknown()) for f in schema.native_outputs()}
            return CreateResponse(resource_id="", properties=self._answer(planned, secrets))
        call = self._call(request.urn, request.timeout)
        try:
            resource_id, outputs = await self._operate(
                "create",
                f"workspace {props.get('name', '')!r}",
                call.timeout,
                lambda: lifecycle.create(self._located.of(props), props, call),
            )
        except lifecycle.CreatedUnconfirmed as exc:
            raise PartialCreate(str(exc), exc.workspace_id, self._answer(exc.outputs, secrets)) from None
        if props.get("region") and props["region"] != self._located.default_region():
            resource_id = f"{props['region']}/{resource_id}"  # read/update/delete find it there
        return CreateResponse(resource_id=resource_id, properties=self._answer(outputs, secrets))

    async def read(self, request: ReadRequest) -> ReadResponse:
        if quota_face.handles(request.urn):
            return await self._quotas.read(request)
        region, workspace_id = split_id(request.resource_id)
        secrets = secret_fields(request.properties) | secret_fields(request.inputs)
        olds = plain_map(request.properties)  # the recorded region and project, else REGION/ of an import
        found = await self._run(lifecycle.read, self._located.of(olds, region), workspace_id, olds)
        if found is None:
            return ReadResponse(resource_id="")
        _id, outputs, inputs = found
        return ReadResponse(
            resource_id=request.resource_id,
            properties=self._answer(outputs, secrets),
            inputs=wire_map(_public(inputs), secrets),
        )

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        if quota_face.handles(request.urn):
            return await self._quotas.update(request)
        olds, news = plain_map(request.olds), plain_map(request.news)
        secrets = secret_fields(request.news)
        if request.preview:
            planned = {**olds, **news, "update_time": unknown()}
            return UpdateResponse(properties=self._answer(planned, secrets))
        region, workspace_id = split_id(request.resource_id)
        call = self._call(request.urn, request.timeout)
        outputs = await self._operate(
            "update",
            f"workspace {news.get('name') or olds.get('name') or workspace_id!r}",
            call.timeout,
            lambda: lifecycle.update(self._located.of(olds, region), workspace_id, olds, news, call),
        )
        return UpdateResponse(properties=self._answer(outputs, secrets))

    async def delete(self, request: DeleteRequest) -> None:
        if quota_face.handles(request.urn):
            return await self._quotas.delete(request)
        region, workspace_id = split_id(request.resource_id)
        call = self._call(request.urn, request.timeout)
        olds = plain_map(request.properties)
        await self._operate(
            "delete",
            f"workspace {olds.get('name') or workspace_id!r}",
            call.timeout,
            lambda: lifecycle.delete(self._located.of(olds, region), workspace_id, olds, call),
        )

    # -- functions ------------------------------------------------------------------------

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        """The lookups, with the dynamic face's arguments and rules (`lookups`), in camelCase."""
        from ..domain.workspace.queries import LIST_FILTERS, as_result, check_filters, check_region, maas_result

        if request.tok == quota_face.GET_WORKSPACE_QUOTAS:
            return await self._quotas.invoke(request)
        args = plain_map(request.args)
        region = args.get("region") or None
        check_region(region)  # its message names `region`, spelled alike in both faces
        api = self._client(region)
        if request.tok == schema.GET_WORKSPACE:
            workspace = await self._run(api.get_workspace, str(args.get("id") or ""))
            return InvokeResponse(wire_map(asdict(as_result(workspace))))
        if request.tok == schema.GET_MAAS_WORKSPACES:
            maas = (await self._run(api.get_maas_workspaces, args.get("region_id"))).workspaces
            return InvokeResponse(wire_map({"workspaces": [asdict(maas_result(w)) for w in maas]}))
        if request.tok != schema.GET_WORKSPACES:
            raise ModelArtsError(f"unknown function {request.tok}")
        filters: dict[str, Any] = {k: args.get(k) for k in LIST_FILTERS}
        try:
            check_filters(**filters)
        except InputError as exc:
            # argument names in camelCase; values such as `update_time` stay the API's
            raise InputError(camel_text(str(exc), ("get_workspaces", *LIST_FILTERS))) from None
        found = await self._run(lambda: list(api.iter_workspaces(**filters)))
        return InvokeResponse(wire_map({"workspaces": [asdict(as_result(w)) for w in found]}))
