"""`ModelArtsProvider`: the engine's calls for the plugin's resources and functions, each handed
to the handler registered for its type token (`HANDLERS`, `registry.Registry`): the Workspace's
(`workspace.WorkspaceHandler`) and the WorkspaceQuotas' (`quotas.QuotasHandler`), over the same
lifecycles as the dynamic face. Here: the provider's configuration, and one `Runtime` (thread
pool, settings, clients) shared by every handler of the process.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

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

from ..core import wire
from ..core.errors import ConfigurationError
from ..core.settings import SOURCES, resolve
from ..domain.location import Clients
from ..domain.workspace import lifecycle
from . import schema
from .quotas import QuotasHandler
from .registry import HandlerFactory, Registry
from .runtime import WORKERS, CustomTimeoutExceeded, PartialCreate, Runtime, camel_text, split_id
from .values import to_plain
from .workspace import WorkspaceHandler

if TYPE_CHECKING:
    from ..api.client import ModelArtsClient

# The runtime's names stay importable from here, where they were before the handlers split off.
__all__ = [
    "HANDLERS",
    "WORKERS",
    "CustomTimeoutExceeded",
    "ModelArtsProvider",
    "PartialCreate",
    "camel_text",
    "split_id",
]

# Every resource of the plugin, with its functions: one entry each.
HANDLERS: tuple[HandlerFactory, ...] = (WorkspaceHandler, QuotasHandler)


class ModelArtsProvider(Provider):
    def __init__(self, log: Callable[[str, str], None] | None = None, workers: int = WORKERS) -> None:
        self._runtime = Runtime(log or (lambda _urn, message: lifecycle.stderr_progress(message)), workers)
        self._handlers = Registry(handler(self._runtime) for handler in HANDLERS)

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
        self._runtime.configure(self._dynamic_config(request.args))
        return ConfigureResponse(accept_secrets=True, supports_preview=True)

    @property
    def _located(self) -> Clients:
        """The clients of every handler, by location."""
        return self._runtime.located

    @_located.setter
    def _located(self, clients: Clients) -> None:
        self._runtime.located = clients

    def _locations(self) -> Clients:
        """New clients from the current settings (`Clients`)."""
        return self._runtime.locations()

    def _client(self, region: str | None = None) -> ModelArtsClient:
        """The client of `region` (default: the provider's)."""
        return self._runtime.client(region)

    # -- resources and functions: the registered handler's --------------------------------

    async def check(self, request: CheckRequest) -> CheckResponse:
        return await self._handlers.resource(request.urn).check(request)

    async def diff(self, request: DiffRequest) -> DiffResponse:
        return await self._handlers.resource(request.urn).diff(request)

    async def create(self, request: CreateRequest) -> CreateResponse:
        return await self._handlers.resource(request.urn).create(request)

    async def read(self, request: ReadRequest) -> ReadResponse:
        return await self._handlers.resource(request.urn).read(request)

    async def update(self, request: UpdateRequest) -> UpdateResponse:
        return await self._handlers.resource(request.urn).update(request)

    async def delete(self, request: DeleteRequest) -> None:
        await self._handlers.resource(request.urn).delete(request)

    async def invoke(self, request: InvokeRequest) -> InvokeResponse:
        return await self._handlers.function(request.tok)(request)
