"""`WorkspaceProvider`: Pulumi's check/diff/create/read/update/delete mapped onto the API.

The object is pickled into the state by reference (this module is importable), holds nothing
until `configure()` runs in the provider process, and gets credentials only from stack config
and the environment there. Errors reach the user as one line, without a Python traceback.
"""

from __future__ import annotations

import functools
import sys
import threading
import time
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

from . import spec
from .errors import ApiError, ModelArtsError, NotFoundError, ServerError, TransportError, WorkspaceStateError
from .settings import SECRET_FIELDS, SOURCES, resolve
from .waiting import poll

if TYPE_CHECKING:  # requests and pydantic load on the first API call, not for check/diff/preview
    from .client import ModelArtsClient
    from .models import Workspace, WorkspaceSummary

DEFAULT_WORKSPACE_ID = "0"
CREATE_ATTEMPTS = 4
_PROGRESS_LOCK = threading.Lock()
_CLIENT_LOCK = threading.Lock()  # one client per provider process, even when threads start together


def _progress(message: str) -> None:
    """A progress line in the CLI output. The provider process has no engine connection, so
    pulumi.log.info falls back to print(), which writes the text and the newline separately:
    parallel deletes then ran into one line. Here each line is one write."""
    if get_engine() is not None:
        pulumi.log.info(message)
        return
    with _PROGRESS_LOCK:
        sys.stderr.write(f"info: {message}\n")
        sys.stderr.flush()


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
        props = spec.unwrap(news)
        failures = spec.validate(props)
        if failures:
            return CheckResult(props, [CheckFailure(f.property, f.reason) for f in failures])
        return CheckResult(spec.normalize(props), [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = spec.changed_fields(spec.unwrap(news), spec.unwrap(olds))
        replaces = [f for f in changed if f == "enterprise_project_id"]
        name_stays = "name" not in changed
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            delete_before_replace=bool(replaces) and name_stays,
        )

    # -- create ---------------------------------------------------------------------------

    @_one_line_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        props = spec.normalize(spec.unwrap(props))
        api = self._client()
        adopted = self._find_adoptee(api, props)
        if adopted is not None:
            workspace = self._converge(api, adopted, props)
            return CreateResult(workspace.id, self._outputs(workspace, props))
        created = self._post_once_effectively(api, props)
        try:
            workspace = self._finish_create(api, created, props)
        except Exception as exc:
            self._discard(api, created.id, props["name"])
            raise WorkspaceStateError(
                f"workspace {props['name']!r} ({created.id}) was created but could not be confirmed, "
                f"so it was deleted again: {exc}"
            ) from None
        return CreateResult(workspace.id, self._outputs(workspace, props))

    def _find_adoptee(self, api: ModelArtsClient, props: Mapping[str, Any]) -> Workspace | None:
        adopt_id = props.get("adopt_id")
        if adopt_id:
            try:
                workspace = api.get_workspace(adopt_id)
            except NotFoundError:
                raise ModelArtsError(f"adopt_id: workspace {adopt_id} does not exist in this project") from None
        elif props.get("adopt_by_name"):
            matches = [w for w in api.find_by_name(props["name"]) if w.status != "DELETING"]
            if not matches:
                _progress(f"no workspace named {props['name']!r} to adopt; creating it")
                return None
            workspace = api.get_workspace(matches[0].id)
        else:
            return None
        if workspace.id == DEFAULT_WORKSPACE_ID:
            raise ModelArtsError("the default workspace (id 0) cannot be managed; reference it with Workspace.get")
        if workspace.status != "NORMAL":
            raise WorkspaceStateError(
                f"cannot adopt workspace {workspace.name!r} ({workspace.id}): status {workspace.status} "
                f"{workspace.status_info}".rstrip()
            )
        if workspace.enterprise_project_id != props["enterprise_project_id"]:
            raise ModelArtsError(
                f"enterprise_project_id: workspace {workspace.name!r} ({workspace.id}) belongs to enterprise "
                f"project {workspace.enterprise_project_id!r}; declare that value to adopt it"
            )
        _progress(f"adopting existing workspace {workspace.name!r} ({workspace.id})")
        return workspace

    def _converge(self, api: ModelArtsClient, workspace: Workspace, props: Mapping[str, Any]) -> Workspace:
        """Bring an adopted workspace to the declared state with one PUT, only if needed."""
        live = self._state_inputs(workspace)
        if spec.changed_fields(props, live):
            api.update_workspace(workspace.id, spec.api_body(props, include_eps=False))
            return api.get_workspace(workspace.id)
        return workspace

    def _post_once_effectively(self, api: ModelArtsClient, props: Mapping[str, Any]) -> Workspace:
        """POST; when the outcome is unknown, look the name up before anything else."""
        body = spec.api_body(props, include_eps=True)
        name = props["name"]
        deadline = time.monotonic() + float(props["create_timeout"])
        from .client import backoff

        uncertain = False  # an earlier POST may still take effect after the look-up missed it
        attempts = max(CREATE_ATTEMPTS, api.settings.max_retries + 1)
        for attempt in range(attempts):
            if uncertain:  # back off like any retry: a 5xx burst must not use up every attempt at once
                time.sleep(backoff(attempt - 1))
            try:
                return api.create_workspace(body)
            except (TransportError, ServerError) as exc:
                if isinstance(exc, TransportError) and not exc.maybe_applied:
                    raise
                uncertain = True
                _progress(f"create of {name!r} has an unknown outcome ({exc}); checking by name")
                existing = self._exact(api, name)
                if existing is not None and existing.status != "DELETING":
                    return api.get_workspace(existing.id)
                if attempt == attempts - 1:
                    raise
            except ApiError as exc:
                if exc.status != 400:
                    raise
                existing = self._exact(api, name)
                if existing is None:
                    raise
                if existing.status != "DELETING" and uncertain:
                    _progress(f"create of {name!r}: the earlier request took effect late; using {existing.id}")
                    return api.get_workspace(existing.id)
                if existing.status != "DELETING":
                    raise ModelArtsError(
                        f"name: a workspace named {name!r} already exists ({existing.id}); choose another name, "
                        "or set adopt_by_name=True (or adopt_id) to bring it under Pulumi"
                    ) from None
                self._wait_gone(api, existing.id, name, deadline - time.monotonic(), "its name is still held by")
        raise WorkspaceStateError(f"could not create workspace {name!r}")

    @staticmethod
    def _exact(api: ModelArtsClient, name: str) -> WorkspaceSummary | None:
        matches = api.find_by_name(name)
        return matches[0] if matches else None

    def _finish_create(self, api: ModelArtsClient, created: Workspace, props: Mapping[str, Any]) -> Workspace:
        workspace = created
        if workspace.status not in ("NORMAL", "CREATE_FAILED"):
            timeout = float(props["create_timeout"])
            latest: list[Workspace] = [workspace]

            def settled() -> bool:
                latest[0] = api.get_workspace(created.id)
                return latest[0].status != workspace.status

            if not poll(settled, timeout, lambda t: _progress(f"waiting for workspace {created.name!r} ({t:.0f}s)")):
                raise WorkspaceStateError(f"still {workspace.status} after {timeout:.0f}s")
            workspace = latest[0]
        if workspace.status == "CREATE_FAILED":
            raise WorkspaceStateError(f"ModelArts reports CREATE_FAILED: {workspace.status_info or 'no reason given'}")
        if workspace.status != "NORMAL":
            raise WorkspaceStateError(f"unexpected status {workspace.status} {workspace.status_info}".rstrip())
        if props["grants"] and props["auth_type"] == "INTERNAL":
            workspace = api.get_workspace(workspace.id)  # the create answer has no grants
        return workspace

    def _discard(self, api: ModelArtsClient, workspace_id: str, name: str) -> None:
        """Best effort: leave no half-created workspace behind."""
        try:
            api.delete_workspace(workspace_id)
        except NotFoundError:
            return
        except ModelArtsError as exc:
            _progress(f"could not delete half-created workspace {name!r} ({workspace_id}): {exc}")

    # -- read -----------------------------------------------------------------------------

    @_one_line_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        props = spec.unwrap(props)
        try:
            workspace = self._client().get_workspace(id_)
        except NotFoundError:
            return ReadResult("", {})
        if workspace.status == "DELETING":
            return ReadResult("", {})
        controls = {k: props[k] for k in spec.CONTROL_FIELDS if props.get(k) is not None}
        live_grants = [g.model_dump(exclude_none=True) for g in workspace.grants]
        inputs = {
            **self._state_inputs(workspace),
            "grants": spec.declared_view(props.get("declared_grants") or [], live_grants),
            **controls,
        }
        inputs = spec.normalize(inputs)
        return ReadResult(workspace.id, self._outputs(workspace, inputs), inputs)

    @staticmethod
    def _state_inputs(workspace: Workspace) -> dict[str, Any]:
        """The live workspace in declared form, so refreshed drift shows in the next preview."""
        return {
            "name": workspace.name,
            "description": workspace.description,
            "auth_type": workspace.auth_type,
            "grants": [g.model_dump(exclude_none=True) for g in workspace.grants],
            "enterprise_project_id": workspace.enterprise_project_id,
        }

    @staticmethod
    def _outputs(workspace: Workspace, props: Mapping[str, Any]) -> dict[str, Any]:
        outs = {k: props[k] for k in spec.CONTROL_FIELDS if props.get(k) is not None}
        declared = props.get("grants") or []
        outs.update(
            {
                "workspace_id": workspace.id,
                "name": workspace.name,
                "description": workspace.description,
                "auth_type": workspace.auth_type,
                "grants": spec.sorted_grants([g.model_dump(exclude_none=True) for g in workspace.grants]),
                "enterprise_project_id": workspace.enterprise_project_id,
                "enterprise_project_name": workspace.enterprise_project_name,
                "owner": workspace.owner,
                "status": workspace.status,
                "status_info": workspace.status_info,
                "create_time": workspace.create_time,
                "update_time": workspace.update_time,
                # how the grants were declared, so a refresh can report drift in that same form
                "declared_grants": spec.declared_view(
                    declared, [g.model_dump(exclude_none=True) for g in workspace.grants]
                ),
            }
        )
        return outs

    # -- update ---------------------------------------------------------------------------

    @_one_line_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        props = spec.normalize(spec.unwrap(news))
        old = spec.unwrap(olds)
        api = self._client()
        changed = [f for f in spec.changed_fields(props, old) if f in spec.API_FIELDS]
        if changed:
            api.update_workspace(id_, spec.api_body(props, include_eps=False))
            workspace = api.get_workspace(id_)
        else:
            from .models import Workspace

            workspace = Workspace.model_validate({**old, "id": id_, "grants": old.get("grants") or []})
        return UpdateResult(self._outputs(workspace, props))

    # -- delete ---------------------------------------------------------------------------

    @_one_line_errors
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        props = spec.unwrap(props)
        name = props.get("name") or id_
        if id_ == DEFAULT_WORKSPACE_ID:
            raise ModelArtsError("the default workspace (id 0) cannot be deleted; remove it from the program instead")
        api = self._client()
        try:
            api.delete_workspace(id_)
        except NotFoundError:
            return
        except ApiError as exc:
            if exc.error_code != "ModelArts.7004":  # status abnormal: already being deleted
                raise
        timeout = float(props.get("delete_timeout") or spec.DEFAULT_DELETE_TIMEOUT)
        self._wait_gone(api, id_, name, timeout, "deleting")

    def _wait_gone(self, api: ModelArtsClient, id_: str, name: str, timeout: float, doing: str) -> None:
        failure: list[str] = []

        def gone() -> bool:
            try:
                workspace = api.get_workspace(id_)
            except NotFoundError:
                return True
            if workspace.status == "DELETE_FAILED":
                failure.append(workspace.status_info or "no reason given")
                return True
            return False

        def report(elapsed: float) -> None:
            _progress(f"{doing} workspace {name!r} ({id_}): still DELETING after {elapsed:.0f}s")

        if not poll(gone, max(timeout, 0.0), report):
            raise WorkspaceStateError(
                f"workspace {name!r} ({id_}) is still DELETING after {timeout:.0f}s; it stays in the stack, "
                "run the command again to keep waiting (or raise delete_timeout)"
            )
        if failure:
            raise WorkspaceStateError(
                f"workspace {name!r} ({id_}) could not be deleted (DELETE_FAILED): {failure[0]}; it stays in "
                "the stack, fix the cause and run the command again"
            )
