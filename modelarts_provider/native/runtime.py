"""What every resource handler of the native face is given: the provider's thread pool, its
progress log and its clients per location (`Runtime`), how ids carry a region (`split_id`,
`located_id`), how our messages name fields (`camel_text`), and the errors the server turns into
the engine's answers (`CustomTimeoutExceeded`, `PartialCreate`).

The lifecycle blocks (HTTP, polling), so each call runs in the pool rather than on the event
loop; the dynamic host's 4-call ceiling does not exist. Each provider instance (the default one
or an explicit `pulumi:providers:modelarts`) is its own process with its own settings and
clients, shared by all its handlers.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from pulumi.provider.experimental.property_value import PropertyValue

from ..core import deadline
from ..core.errors import ModelArtsError, WorkspaceStateError
from ..core.settings import Settings, resolve
from ..domain.location import Clients
from ..domain.workspace import lifecycle, spec
from .values import camel

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


def _load_http_stack() -> None:
    """Import the API client (requests) unless a call already has: about 0.15 s the first
    time (2 cores, pulumi already loaded), a lookup afterwards."""
    from ..api import client  # noqa: F401


class Runtime:
    """The provider process's thread pool, progress log, settings and clients, shared by its
    handlers; `configure` replaces the settings (and with them the clients)."""

    def __init__(self, log: Callable[[str, str], None], workers: int = WORKERS) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="modelarts")
        self.workers = workers
        self.log = log
        self.config: dict[str, Any] = {}
        self.located = self.locations()

    def configure(self, config: dict[str, Any]) -> None:
        self.config = config
        self.located = self.locations()

    def locations(self) -> Clients:
        """Where each resource lives: the same rule as the dynamic face (`Clients`)."""

        def new(settings: Settings) -> ModelArtsClient:
            from ..api.client import ModelArtsClient
            from ..api.transport import new_session

            return ModelArtsClient(settings, new_session(pool_size=self.workers))

        return Clients(lambda: resolve(config=self.config), new)

    def client(self, region: str | None = None) -> ModelArtsClient:
        """The client of `region` (default: the provider's), for new resources and functions."""
        return self.located.of(None, region)

    def located_id(self, region: str | None, resource_id: str) -> str:
        """The id the engine records for a resource created in `region`: `REGION/ID` outside the
        provider's region, so read/update/delete find it there."""
        if region and region != self.located.default_region():
            return f"{region}/{resource_id}"
        return resource_id

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.pool, functools.partial(fn, *args))

    async def operate(self, operation: str, subject: str, timeout: float, fn: Callable[[], T]) -> T:
        """Run one create/update/delete in the pool. With a custom timeout from the engine the
        whole operation (client lookup, every API call, retry and wait) runs under that limit, set
        in the worker thread (`run_in_executor` does not carry context variables), and one that
        the limit ended says so. The plugin's own first import of the HTTP stack happens before
        the limit starts: it is not the operation's time."""
        if timeout <= 0:
            return await self.run(fn)
        label = f"customTimeouts {operation} of {timeout:g}s"

        def bounded() -> T:
            _load_http_stack()
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

        return await self.run(bounded)
