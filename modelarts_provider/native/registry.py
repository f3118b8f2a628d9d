"""One registration per resource: what a resource handler of the native face implements
(`ResourceHandler`), and the registry that finds the handler of a request by its type token
(resources: the URN's type; functions: the invoke's token).

Adding a resource to the plugin means one handler module (a class with the methods below, built
from the provider's `Runtime`) and one entry in `provider.HANDLERS`; no engine method changes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Protocol, TypeVar

from pulumi.provider.experimental.provider import (
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

from ..core.errors import ModelArtsError
from .runtime import Runtime

# A function (`getWorkspace` ...): the engine's invoke answered.
FunctionHandler = Callable[[InvokeRequest], Awaitable[InvokeResponse]]
H = TypeVar("H")


class ResourceHandler(Protocol):
    """The engine's resource calls for one resource type, in the native schema's names."""

    token: str  # the type token it answers for (`modelarts:index:Workspace`)

    def functions(self) -> Mapping[str, FunctionHandler]:
        """The functions (invoke tokens) that belong with this resource."""
        ...

    async def check(self, request: CheckRequest) -> CheckResponse: ...

    async def diff(self, request: DiffRequest) -> DiffResponse: ...

    async def create(self, request: CreateRequest) -> CreateResponse: ...

    async def read(self, request: ReadRequest) -> ReadResponse: ...

    async def update(self, request: UpdateRequest) -> UpdateResponse: ...

    async def delete(self, request: DeleteRequest) -> None: ...


HandlerFactory = Callable[[Runtime], ResourceHandler]


def type_token(urn: str) -> str:
    """The resource type of a URN (`urn:pulumi:STACK::PROJECT::[PARENT$]TYPE::NAME`)."""
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) > 2 else ""


class Registry:
    """Type token -> resource handler, function token -> function handler, built once."""

    def __init__(self, handlers: Iterable[ResourceHandler]) -> None:
        self._resources: dict[str, ResourceHandler] = {}
        self._functions: dict[str, FunctionHandler] = {}
        for handler in handlers:
            _add(self._resources, handler.token, handler)
            for token, function in handler.functions().items():
                _add(self._functions, token, function)

    def resource(self, urn: str) -> ResourceHandler:
        """The handler of the resource a URN names."""
        token = type_token(urn)
        handler = self._resources.get(token)
        if handler is None:
            known = ", ".join(sorted(self._resources))
            raise ModelArtsError(f"unknown resource type {token or urn!r} (this plugin has: {known})")
        return handler

    def function(self, token: str) -> FunctionHandler:
        """The handler of an invoke's function token."""
        handler = self._functions.get(token)
        if handler is None:
            raise ModelArtsError(f"unknown function {token}")
        return handler


def _add(table: dict[str, H], token: str, handler: H) -> None:
    if token in table:  # a programming error: two handlers registered for one token
        raise ValueError(f"{token} is registered twice")
    table[token] = handler
