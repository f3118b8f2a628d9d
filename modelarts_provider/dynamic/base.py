"""What both dynamic providers share: configuration from the stack, one client registry per
provider process, progress lines, and errors as one line without a traceback.

The dynamic host unpickles each resource type's provider separately (one object per pickled
blob), so the clients live in a process-wide registry keyed by the configuration: a stack's
`Workspace` and `WorkspaceQuotas` providers use the same clients, sessions and tokens.
"""

from __future__ import annotations

import contextvars
import functools
import os
import sys
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import pulumi
from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.runtime.settings import get_engine

from ..core import wire
from ..core.errors import ModelArtsError
from ..core.settings import SECRET_FIELDS, SOURCES, Settings, resolve
from ..domain.location import Clients
from ..domain.workspace import lifecycle, spec

if TYPE_CHECKING:  # requests loads on the first API call, not for check/diff/preview
    from ..api.client import ModelArtsClient

# The secret input values of the call this thread serves: kept out of progress lines and errors.
_CALL_SECRETS: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("call_secrets", default=frozenset())
_REGISTRY_LOCK = threading.Lock()  # one registry entry per configuration, even when threads start together
_REGISTRY: dict[tuple[tuple[tuple[str, str], ...], ...], Clients] = {}


# The protocol's marker of a secret value, which the engine keeps on a dynamic provider's outputs.
_SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}


def secret_derived(outs: dict[str, Any], derived: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    """Pulumi strips secrets before they reach a dynamic provider and marks secret again only
    outputs named like a secret input; the outputs derived from one under another name
    (`derived`: `server_grants` from `grants`, `all_quotas` from `quotas`) are returned marked
    secret here, by the list of secret inputs the program sent (`spec.SECRET_INPUTS`)."""
    for key in spec.secret_inputs(outs):
        for name in derived.get(key, ()):
            if name in outs:
                outs[name] = {**_SECRET_SIG, "value": outs[name]}
    return outs


def progress(message: str) -> None:
    """A progress line in the CLI output. The provider process has no engine connection, so
    pulumi.log.info falls back to print(), which writes the text and the newline separately:
    parallel deletes then ran into one line. Here each line is one write."""
    message = spec.redact(message, set(_CALL_SECRETS.get()))
    if get_engine() is not None:
        pulumi.log.info(message)
        return
    lifecycle.stderr_progress(message)


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


def one_line_errors(method: Callable[P, R]) -> Callable[P, R]:
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


def locations_for(config: Mapping[str, Any]) -> Clients:
    """The process's clients for one configuration (stack config and `HW_*` environment), created
    on first use. Kept in memory only."""
    environ = {env: os.environ[env] for _key, env in SOURCES.values() if env and env in os.environ}
    key = (tuple(sorted((name, repr(value)) for name, value in config.items())), tuple(sorted(environ.items())))
    with _REGISTRY_LOCK:
        found = _REGISTRY.get(key)
        if found is None:
            given = dict(config)
            found = _REGISTRY[key] = Clients(lambda: resolve(config=given, environ=environ), _new_client)
    return found


def forget_clients() -> None:
    """Close and forget every registered client (tests that play several provider processes)."""
    with _REGISTRY_LOCK:
        found = list(_REGISTRY.values())
        _REGISTRY.clear()
    for clients in found:
        clients.close()


class ConfiguredProvider(ResourceProvider):
    """A dynamic provider that holds nothing until configured in the provider process and then
    finds its clients in the process's registry."""

    serialize_as_secret_always = False  # nothing secret is ever held at pickling time

    # -- configuration --------------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        sys.tracebacklimit = 0  # users get the message, not the provider's stack frames
        config = {key: req.config.get(key) for key, _env in SOURCES.values() if key}
        self._config = {k: v for k, v in config.items() if v is not None}
        self.__dict__.pop("_located", None)  # a new configuration: its own registry entry
        in_config = sorted(
            key for name, (key, _env) in SOURCES.items() if name in SECRET_FIELDS and key in self._config
        )
        if in_config:
            pulumi.log.warn(
                f"{', '.join(in_config)} set in stack config: Pulumi keeps the config it hands to dynamic "
                "providers (encrypted) in the state; set the HW_* environment variables instead to keep "
                "credentials out of the state entirely"
            )

    def _locations(self) -> Clients:
        """Where each workspace lives (`Clients`): the process's registry entry for
        this provider's configuration, shared with every other dynamic provider configured alike."""
        located: Clients | None = self.__dict__.get("_located")
        if located is None:  # the registry lookup (environment scan, key, lock) once per provider
            located = self.__dict__["_located"] = locations_for(getattr(self, "_config", {}))
        return located

    def _client(self, props: Mapping[str, Any] | None = None) -> ModelArtsClient:
        return self._locations().of(props)

    def _default_region(self) -> str | None:
        """The configured region, which a state from before regions counts as; None when the
        configuration is incomplete (a diff must not fail for that)."""
        return self._locations().default_region()

    def __getstate__(self) -> dict[str, Any]:
        return {}  # never pickle a configured client, its session or its settings
