"""`WorkspaceProvider`: the dynamic-provider face of the workspace lifecycle (`lifecycle.py`).

The object is pickled into the state by reference (this module is importable), holds nothing
until `configure()` runs in the provider process, and gets credentials only from stack config
and the environment there. Errors reach the user as one line, without a Python traceback.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.runtime.settings import get_engine

from . import lifecycle
from .errors import ModelArtsError
from .settings import SECRET_FIELDS, SOURCES, resolve

if TYPE_CHECKING:  # requests and pydantic load on the first API call, not for check/diff/preview
    from .client import ModelArtsClient

_CLIENT_LOCK = threading.Lock()  # one client per provider process, even when threads start together


def _progress(message: str) -> None:
    """A progress line in the CLI output. The provider process has no engine connection, so
    pulumi.log.info falls back to print(), which writes the text and the newline separately:
    parallel deletes then ran into one line. Here each line is one write."""
    if get_engine() is not None:
        pulumi.log.info(message)
        return
    lifecycle.stderr_progress(message)


# the dynamic host: no URN, no engine timeouts, no partial state (a failed create leaves nothing)
_CALL = lifecycle.Call(progress=lambda message: _progress(message))


P = ParamSpec("P")
R = TypeVar("R")
_DISPLAY_CLASSES: dict[type[ModelArtsError], type[ModelArtsError]] = {}


def _display_class(cls: type[ModelArtsError]) -> type[ModelArtsError]:
    """A subclass that prints as `WorkspaceStateError: ...` instead of with this package's module
    path: the engine shows `traceback.format_exc()`, which names the exception's module."""
    display = _DISPLAY_CLASSES.get(cls)
    if display is None:
        display = type(cls.__name__, (cls,), {"__module__": "builtins", "__doc__": cls.__doc__})
        _DISPLAY_CLASSES[cls] = display
    return display


def _one_line_errors(method: Callable[P, R]) -> Callable[P, R]:
    """Our errors leave the provider as one readable line; isinstance checks still hold."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except ModelArtsError as exc:
            exc.__class__ = _display_class(type(exc))
            raise

    return wrapper


class WorkspaceProvider(ResourceProvider):
    """Stateless until configured; one client (one session, one token) per provider process."""

    serialize_as_secret_always = False  # nothing secret is ever held at pickling time

    def __init__(self) -> None:
        super().__init__()

    # -- configuration --------------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        sys.tracebacklimit = 0  # users get the message, not the provider's stack frames
        config = {key: req.config.get(key) for key, _env in SOURCES.values() if key}
        self._config = {k: v for k, v in config.items() if v is not None}
        in_config = sorted(
            key for name, (key, _env) in SOURCES.items() if name in SECRET_FIELDS and key in self._config
        )
        if in_config:
            pulumi.log.warn(
                f"{', '.join(in_config)} set in stack config: Pulumi keeps the config it hands to dynamic "
                "providers (encrypted) in the state; set the HW_* environment variables instead to keep "
                "credentials out of the state entirely"
            )

    def _client(self) -> ModelArtsClient:
        client: ModelArtsClient | None = getattr(self, "_api", None)
        if client is not None:
            return client
        with _CLIENT_LOCK:
            if getattr(self, "_api", None) is None:
                from .client import ModelArtsClient

                settings = resolve(config=getattr(self, "_config", {}))
                self._api = ModelArtsClient(settings)
            return self._api

    def __getstate__(self) -> dict[str, Any]:
        return {}  # never pickle a configured client, its session or its settings

    # -- check / diff ---------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        props, failures = lifecycle.check(news)
        return CheckResult(props, [CheckFailure(f.property, f.reason) for f in failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        plan = lifecycle.plan(olds, news)
        return DiffResult(
            changes=plan.changes, replaces=plan.replaces, delete_before_replace=plan.delete_before_replace
        )

    # -- create / read / update / delete ---------------------------------------------------

    @_one_line_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        id_, outs = lifecycle.create(self._client(), props, _CALL)
        return CreateResult(id_, outs)

    @_one_line_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        found = lifecycle.read(self._client(), id_, props)
        if found is None:
            return ReadResult("", {})
        return ReadResult(*found)

    @_one_line_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(lifecycle.update(self._client(), id_, olds, news, _CALL))

    @_one_line_errors
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        lifecycle.delete(self._client(), id_, props, _CALL)
