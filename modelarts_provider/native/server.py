"""`pulumi-resource-modelarts`: serves `ModelArtsProvider` to the engine over gRPC.

Two things the SDK's experimental server does not do, added by a small subclass: errors reach
the user as one line (the SDK appends a Python stack trace to every message), and a create that
left a workspace behind reports it as `ErrorResourceInitFailed`, so the engine keeps it in the
state (partial state) instead of forgetting it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
import grpc.aio
from google.protobuf import struct_pb2
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2, provider_pb2_grpc, status_pb2

from ..api import trace as api_trace
from ..core.errors import ModelArtsError
from ..core.version import __version__
from .provider import ModelArtsProvider
from .runtime import PartialCreate

# Requests as large as the engine sends (big stacks' schemas and states), as the SDK allows.
_GRPC_OPTIONS = [("grpc.max_receive_message_length", 400 * 1024 * 1024)]
# The handlers the SDK wraps with its stack-trace decorator.
_HANDLERS = (
    "GetSchema",
    "CheckConfig",
    "DiffConfig",
    "Configure",
    "Check",
    "Diff",
    "Create",
    "Read",
    "Update",
    "Delete",
    "Invoke",
)


def one_line(exc: BaseException) -> str:
    """`WorkspaceStateError: ...` as on the dynamic face; other exceptions with their class."""
    text = " ".join(str(exc).split()) or "no details"
    return f"{type(exc).__name__}: {text}"


def _init_failed_status(exc: PartialCreate, inputs: struct_pb2.Struct) -> grpc.Status:
    detail = provider_pb2.ErrorResourceInitFailed(
        id=exc.resource_id,
        properties=struct_pb2.Struct(fields=PropertyValue.marshal_map(exc.properties).fields),
        reasons=[one_line(exc)],
        inputs=inputs,
    )
    status = status_pb2.Status(code=grpc.StatusCode.UNKNOWN.value[0], message=one_line(exc))
    status.details.add().Pack(detail)
    result = grpc.Status()
    result.code = grpc.StatusCode.UNKNOWN
    result.details = one_line(exc)
    result.trailing_metadata = (("grpc-status-details-bin", status.SerializeToString()),)
    return result


def _one_line_handler(name: str) -> Callable[..., Awaitable[Any]]:
    async def handler(self: Servicer, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        try:
            return await getattr(super(Servicer, self), name)(request, context)
        except Exception as wrapped:  # the SDK may have re-raised ours with a stack trace appended
            # (3.171 raised ours unwrapped; 3.272 wraps it in a plain Exception)
            inner = wrapped.__context__
            original = inner if type(wrapped) is Exception and inner is not None else wrapped
            if isinstance(original, PartialCreate):
                await context.abort_with_status(_init_failed_status(original, request.properties))
            if not isinstance(original, ModelArtsError):
                logging.getLogger(__name__).debug("unexpected error in %s", name, exc_info=original)
            await context.abort(grpc.StatusCode.UNKNOWN, one_line(original))
            raise  # not reached: abort raises

    handler.__name__ = name
    return handler


class Servicer(ProviderServicer):  # type: ignore[misc]
    """The SDK's servicer with one-line errors and partial state."""


for _name in _HANDLERS:
    setattr(Servicer, _name, _one_line_handler(_name))


class EngineLog:
    """Progress lines attached to a resource: they appear under it in `pulumi up`."""

    def __init__(self, engine_address: str) -> None:
        self._stub = engine_pb2_grpc.EngineStub(grpc.insecure_channel(engine_address))

    def __call__(self, urn: str, message: str) -> None:
        try:
            self._stub.Log(engine_pb2.LogRequest(severity=engine_pb2.INFO, message=message, urn=urn), timeout=10)
        except grpc.RpcError:
            sys.stderr.write(f"info: {message}\n")


async def serve(engine_address: str) -> None:
    """Serve until the engine is done with us: it sends SIGINT (then SIGKILL after 5 s)."""
    log = EngineLog(engine_address)
    provider = ModelArtsProvider(log=log)
    api_trace.send_to(lambda line: log("", line))  # the debug switch's lines: stderr is hidden
    server = grpc.aio.server(options=_GRPC_OPTIONS)
    servicer = Servicer(sys.argv[1:], __version__, provider, engine_address=engine_address)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
    port = server.add_insecure_port(address="127.0.0.1:0")
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, done.set)
    await server.start()
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    await done.wait()
    await server.stop(grace=None)


def main() -> None:
    """Entry point of `pulumi-resource-modelarts ENGINE_ADDRESS [flags]`."""
    if "--version" in sys.argv[1:]:
        sys.stdout.write(f"pulumi-resource-modelarts {__version__}\n")
        sys.exit(0)
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    if not args:
        sys.stderr.write("pulumi-resource-modelarts is a Pulumi plugin: the Pulumi engine starts it\n")
        sys.exit(2)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args[0]))
    # The engine has closed us: leave now. A normal interpreter exit would join the worker
    # threads and gRPC's, and the engine waits up to 5 s for that (measured: ~3.5 s per command).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
