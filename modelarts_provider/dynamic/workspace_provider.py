"""`WorkspaceProvider`: the dynamic-provider face of the workspace lifecycle (`lifecycle.py`).

The object is pickled into the state by reference (this module is importable), holds nothing
until `configure()` runs in the provider process, and gets credentials only from stack config
and the environment there. Errors reach the user as one line, without a Python traceback.
"""

from __future__ import annotations

import contextvars
import functools
import sys
import threading
from collections.abc import Callable, Mapping
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

from ..core import wire
from ..core.errors import ModelArtsError
from ..core.settings import SECRET_FIELDS, SOURCES, Settings, default_enterprise_project, resolve
from ..domain.workspace import lifecycle, spec

if TYPE_CHECKING:  # requests and pydantic load on the first API call, not for check/diff/preview
    from ..api.client import ModelArtsClient

_CLIENT_LOCK = threading.Lock()  # one client per provider process, even when threads start together
# The secret input values of the call this thread serves: kept out of progress lines and errors.
_CALL_SECRETS: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("call_secrets", default=frozenset())
# The protocol's marker of a secret value, which the engine keeps on a dynamic provider's outputs.
_SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}


def _progress(message: str) -> None:
    """A progress line in the CLI output. The provider process has no engine connection, so
    pulumi.log.info falls back to print(), which writes the text and the newline separately:
    parallel deletes then ran into one line. Here each line is one write."""
    message = spec.redact(message, set(_CALL_SECRETS.get()))
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
    """Our errors leave the provider as one readable line (isinstance checks still hold), and no
    message of the call repeats the value of a secret input."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        secrets: set[str] = set()
        for arg in (*args, *kwargs.values()):
            if isinstance(arg, Mapping):
                secrets |= spec.secret_values(wire.unwrap(arg))
        token = _CALL_SECRETS.set(frozenset(secrets))
        try:
            return method(*args, **kwargs)
        except Exception as exc:
            if isinstance(exc, ModelArtsError):
                exc.__class__ = _display_class(type(exc))
            if secrets:
                exc.args = tuple(spec.redact(a, secrets) if isinstance(a, str) else a for a in exc.args)
            raise
        finally:
            _CALL_SECRETS.reset(token)

    return wrapper


def _new_client(settings: Settings) -> ModelArtsClient:
    from ..api.client import ModelArtsClient  # requests loads on the first API call

    return ModelArtsClient(settings)


def _secret_derived(outs: dict[str, Any]) -> dict[str, Any]:
    """Pulumi strips secrets before they reach a dynamic provider and marks secret again only
    outputs named like a secret input; the outputs derived from one under another name
    (`server_grants` from `grants`) are returned marked secret here."""
    for key in spec.secret_inputs(outs):
        for derived in spec.DERIVED_OUTPUTS.get(key, ()):
            if derived in outs:
                outs[derived] = {**_SECRET_SIG, "value": outs[derived]}
    return outs


class WorkspaceProvider(ResourceProvider):
    """Stateless until configured; one client (one session, one token) per provider process."""

    serialize_as_secret_always = False  # nothing secret is ever held at pickling time

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

    def _locations(self) -> lifecycle.Clients:
        """Where each workspace lives (`lifecycle.Clients`), created in the provider process."""
        located: lifecycle.Clients | None = self.__dict__.get("_located")
        if located is None:
            with _CLIENT_LOCK:
                located = self.__dict__.setdefault(
                    "_located", lifecycle.Clients(lambda: resolve(config=getattr(self, "_config", {})), _new_client)
                )
        return located

    def _client(self, props: Mapping[str, Any] | None = None) -> ModelArtsClient:
        return self._locations().of(props)

    def _default_region(self) -> str | None:
        """The configured region, which a state from before regions counts as; None when the
        configuration is incomplete (a diff must not fail for that)."""
        return self._locations().default_region()

    def __getstate__(self) -> dict[str, Any]:
        return {}  # never pickle a configured client, its session or its settings

    # -- check / diff ---------------------------------------------------------------------

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        default = default_enterprise_project(getattr(self, "_config", {}))
        props, failures = lifecycle.check(news, olds, default)
        return CheckResult(props, [CheckFailure(f.property, f.reason) for f in failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        note = self._locations().elsewhere(olds, news)
        if note:
            _progress(note)
        plan = lifecycle.plan(olds, news, self._default_region())
        return DiffResult(
            changes=plan.changes, replaces=plan.replaces, delete_before_replace=plan.delete_before_replace
        )

    # -- create / read / update / delete ---------------------------------------------------

    @_one_line_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        id_, outs = lifecycle.create(self._client({"region": wire.unwrap(props).get("region")}), props, _CALL)
        return CreateResult(id_, _secret_derived(outs))

    @_one_line_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        found = lifecycle.read(self._client(props), id_, props)
        if found is None:
            return ReadResult("", {})
        id_, outs, inputs = found
        return ReadResult(id_, _secret_derived(outs), inputs)

    @_one_line_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(_secret_derived(lifecycle.update(self._client(olds), id_, olds, news, _CALL)))

    @_one_line_errors
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        lifecycle.delete(self._client(props), id_, props, _CALL)
