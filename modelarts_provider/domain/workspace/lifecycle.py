"""The workspace lifecycle behind both provider faces: check, plan (diff), create, read, update
and delete over plain dicts of snake_case properties.

Every rule and wait of the lifecycle lives here (and in `spec`, `canonical`, `waiting`) once.
Repeats live in two places, each for its own case: `api.calling` repeats a request that surely
did not take effect (never sent, 429) or may be sent twice (GET, PUT, DELETE); a create (POST)
whose outcome is unknown is repeated only here, after looking the name up
(`_post_once_effectively`). The dynamic face (`dynamic/`) and the native plugin (`native/`) only
translate the engine's requests into these calls and their results back; what differs between
the two hosts (where progress lines go, the engine's custom timeouts, whether a
created-but-unconfirmed workspace is kept as partial state) arrives as a `Call`.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...core import deadline, error_codes, wire
from ...core.errors import ApiError, ModelArtsError, NotFoundError, ServerError, TransportError, WorkspaceStateError
from ...core.waiting import poll
from . import canonical, pairing, spec
from .body import workspace_body

if TYPE_CHECKING:  # requests loads on the first API call, not for check/diff/preview
    from ...api.client import ModelArtsClient
    from ...api.models import LiveWorkspace, WorkspaceSummary

DEFAULT_WORKSPACE_ID = "0"
DEFAULT_EPS_SETTING = "from huaweicloud:enterpriseProjectId / HW_ENTERPRISE_PROJECT_ID"
CREATE_ATTEMPTS = 4
_STDERR_LOCK = threading.Lock()


def stderr_progress(message: str) -> None:
    """One write per line, so parallel operations never run into one line."""
    with _STDERR_LOCK:
        sys.stderr.write(f"info: {message}\n")
        sys.stderr.flush()


@dataclass(frozen=True)
class Call:
    """What the face knows about one engine call beyond its properties."""

    progress: Callable[[str], None] = stderr_progress
    # the engine's custom timeout for this operation in seconds; 0 means "the resource's own"
    timeout: float = 0.0
    # True: a workspace created but not confirmed stays (partial state); False: it is deleted again
    keep_unconfirmed: bool = False
    # True: the host passes `customTimeouts` (native), so messages name them, not `create_timeout`
    custom_timeouts: bool = False
    # True: existing workspaces come in with `pulumi import` (native), there are no adopt inputs
    imports: bool = False

    def seconds(self, props: Mapping[str, Any], key: str, default: float) -> float:
        """The engine's timeout wins over the resource's own timeout input and the default."""
        if self.timeout > 0:
            return self.timeout
        return float(props.get(key) or default)

    def setting(self, key: str) -> str:
        """What a user raises for more time: `delete_timeout`, or `customTimeouts` delete."""
        return f"customTimeouts {key.removesuffix('_timeout')}" if self.custom_timeouts else key

    def adoption(self, workspace_id: str) -> str:
        """How a user brings an existing workspace under Pulumi on this face."""
        if self.imports:
            return f"`pulumi import modelarts:index:Workspace NAME {workspace_id}` to bring it under Pulumi"
        return "set adopt_by_name=True (or adopt_id) to bring it under Pulumi"


class CreateFailedError(WorkspaceStateError):
    """ModelArts reports CREATE_FAILED: such a workspace is always deleted again."""


class CreatedUnconfirmed(WorkspaceStateError):
    """The POST succeeded but the workspace did not become NORMAL in time: the workspace exists,
    and a host that supports partial state records it with these outputs."""

    def __init__(self, message: str, workspace_id: str, outputs: dict[str, Any]) -> None:
        super().__init__(message)
        self.workspace_id = workspace_id
        self.outputs = outputs

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (str(self), self.workspace_id, self.outputs))


@dataclass(frozen=True)
class Plan:
    """The answer to a diff: which fields change and whether that means a replacement."""

    changed: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)
    delete_before_replace: bool = False

    @property
    def changes(self) -> bool:
        return bool(self.changed)


# -- check / diff -----------------------------------------------------------------------------


def check(
    news: Mapping[str, Any], olds: Mapping[str, Any] | None = None, default_enterprise_project: str | None = None
) -> tuple[dict[str, Any], list[spec.Failure]]:
    """Canonical inputs, or the given ones with every rule they break.

    Without a declared `enterprise_project_id` a workspace keeps its own (from the old inputs);
    only a new one gets the configured default (else "0"), so changing the default never
    replaces an existing workspace."""
    props = wire.unwrap(news)
    if props.get("enterprise_project_id") is None:
        previous = wire.unwrap(olds).get("enterprise_project_id") if olds else None
        if previous is not None:
            props["enterprise_project_id"] = previous
        elif default_enterprise_project is not None:
            if reason := spec.check_enterprise_project(default_enterprise_project):
                return props, [spec.Failure("enterprise_project_id", f"the default {DEFAULT_EPS_SETTING} {reason}")]
            props["enterprise_project_id"] = default_enterprise_project
    failures = spec.validate(props)
    if failures:
        return props, failures
    return canonical.normalize(props), []


def plan(olds: Mapping[str, Any], news: Mapping[str, Any], default_region: str | None = None) -> Plan:
    old = wire.unwrap(olds)
    if old.get("status") == "DELETING":
        # Found being deleted by a refresh, yet still declared: a new one is created (before the
        # old one is let go), and its create waits until the old one has released the name.
        return Plan(["status"], ["status"], False)
    changed = canonical.changed_fields(wire.unwrap(news), old, default_region)
    replaces = [f for f in changed if f in ("enterprise_project_id", "region")]
    # Names are unique per project: a new workspace in the same project must wait for the old
    # one's name; in another region (another project) it is created first.
    same_project = "region" not in replaces
    name_stays = "name" not in changed
    return Plan(changed, replaces, bool(replaces) and name_stays and same_project)


# -- create -----------------------------------------------------------------------------------


def create(api: ModelArtsClient, props: Mapping[str, Any], call: Call) -> tuple[str, dict[str, Any]]:
    """The id and outputs of a healthy workspace; on failure nothing is left behind, except a
    workspace the host keeps as partial state (`CreatedUnconfirmed`)."""
    props = canonical.normalize(wire.unwrap(props))
    adopted = _find_adoptee(api, props, call)
    if adopted is not None:
        workspace = _converge(api, adopted, props)
        return workspace.id, state(api, workspace, props)
    timeout = call.seconds(props, "create_timeout", spec.DEFAULT_CREATE_TIMEOUT)
    created = _post_once_effectively(api, props, timeout, call)
    try:
        workspace = finish_create(api, created, props, timeout, call)
    except Exception as exc:
        if call.keep_unconfirmed and not isinstance(exc, CreateFailedError):
            # status "" = not confirmed: the next update looks at the live workspace first
            raise CreatedUnconfirmed(
                f"workspace {props['name']!r} ({created.id}) was created but could not be confirmed: {exc}; "
                "it is kept in the stack and the next update continues from there",
                created.id,
                located(api, {**outputs(created, props), "status": ""}),
            ) from None
        outcome = _discard(api, created.id, props["name"], call)
        raise WorkspaceStateError(
            f"workspace {props['name']!r} ({created.id}) was created but could not be confirmed, {outcome}: {exc}"
        ) from None
    return workspace.id, state(api, workspace, props)


def _find_adoptee(api: ModelArtsClient, props: Mapping[str, Any], call: Call) -> LiveWorkspace | None:
    adopt_id = props.get("adopt_id")
    if adopt_id:
        try:
            workspace = api.get_workspace(adopt_id)
        except NotFoundError:
            raise ModelArtsError(f"adopt_id: workspace {adopt_id} does not exist in this project") from None
    elif props.get("adopt_by_name"):
        matches = [w for w in api.find_by_name(props["name"]) if w.status != "DELETING"]
        if not matches:
            call.progress(f"no workspace named {props['name']!r} to adopt; creating it")
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
    call.progress(f"adopting existing workspace {workspace.name!r} ({workspace.id})")
    return workspace


def _converge(api: ModelArtsClient, workspace: LiveWorkspace, props: Mapping[str, Any]) -> LiveWorkspace:
    """Bring an adopted workspace to the declared state with one PUT, only if needed."""
    if canonical.changed_fields(props, live_inputs(workspace)):
        api.update_workspace(workspace.id, workspace_body(props, include_eps=False))
        return api.get_workspace(workspace.id)
    return workspace


def _post_once_effectively(api: ModelArtsClient, props: Mapping[str, Any], timeout: float, call: Call) -> LiveWorkspace:
    """POST; when the outcome is unknown, look the name up before anything else."""
    body = workspace_body(props, include_eps=True)
    name = props["name"]
    until = time.monotonic() + timeout
    from ...api.retrying import backoff

    uncertain = False  # an earlier POST may still take effect after the look-up missed it
    reposted = False  # a refusal with no holder of the name in sight is posted again once
    attempts = max(CREATE_ATTEMPTS, api.settings.max_retries + 1)
    for attempt in range(attempts):
        if uncertain:  # back off like any retry: a 5xx burst must not use up every attempt at once
            time.sleep(deadline.left(backoff(attempt - 1)))
        try:
            return api.create_workspace(body)
        except (TransportError, ServerError) as exc:
            if isinstance(exc, TransportError) and not exc.maybe_applied:
                raise
            uncertain = True
            call.progress(f"create of {name!r} has an unknown outcome ({exc}); checking by name")
            existing = _exact(api, name)
            if existing is not None and existing.status != "DELETING":
                return api.get_workspace(existing.id)
            if attempt == attempts - 1:
                raise
        except ApiError as exc:
            if exc.status != 400:
                raise
            existing = _exact(api, name)
            if existing is None:
                if not reposted and _may_be_name_taken(exc) and attempt < attempts - 1:
                    reposted = True  # a holder gone by the time we looked: the name is free now
                    continue
                raise
            if existing.status != "DELETING" and uncertain:
                call.progress(f"create of {name!r}: the earlier request took effect late; using {existing.id}")
                return api.get_workspace(existing.id)
            if existing.status != "DELETING":
                raise ModelArtsError(
                    f"name: a workspace named {name!r} already exists ({existing.id}); choose another name, "
                    f"or {call.adoption(existing.id)}"
                ) from None
            then = f"its name is needed for the new one, which was not created; {_again(call, 'create_timeout')}"
            wait_gone(api, existing.id, name, until - time.monotonic(), "its name is still held by", call, then)
    raise WorkspaceStateError(f"could not create workspace {name!r}")


# No vendor source names the code of "workspace name already exists" (the emulator's 7002 is
# an assumption, docs/emulator.md): a taken name is recognised by looking the name up, never by
# its code. These documented codes mean something else, so such a refusal is not posted again.
NOT_A_TAKEN_NAME = frozenset(
    {
        error_codes.NUMBER_OVER_LIMIT,
        error_codes.STATUS_ABNORMAL,
        error_codes.DEFAULT_WORKSPACE_READ_ONLY,
        *error_codes.NOT_FOUND,
    }
)


def _may_be_name_taken(exc: ApiError) -> bool:
    """Whether a 400 to a create may be the refusal of a taken name (whatever its code)."""
    return exc.error_code not in NOT_A_TAKEN_NAME


def _exact(api: ModelArtsClient, name: str) -> WorkspaceSummary | None:
    matches = api.find_by_name(name)
    return matches[0] if matches else None


def _wait(check: Callable[[], bool], timeout: float, report: Callable[[float], None]) -> bool:
    """`poll` for at most `timeout` and within the enclosing time limit. A check that fails
    because that limit has run out counts as "not yet", so the wait ends with its own message."""

    def checked() -> bool:
        try:
            return check()
        except ModelArtsError:
            if deadline.expired():
                return False
            raise

    return poll(checked, deadline.left(max(timeout, 0.0)), report)


def finish_create(
    api: ModelArtsClient, created: LiveWorkspace, props: Mapping[str, Any], timeout: float, call: Call
) -> LiveWorkspace:
    """Wait until a new workspace leaves its transient status; NORMAL or an error."""
    workspace = created
    if workspace.status not in ("NORMAL", "CREATE_FAILED"):
        latest: list[LiveWorkspace] = [workspace]

        def settled() -> bool:
            latest[0] = api.get_workspace(created.id)
            return latest[0].status != workspace.status

        def report(elapsed: float) -> None:
            call.progress(f"waiting for workspace {created.name!r} ({elapsed:.0f}s)")

        if not _wait(settled, timeout, report):
            raise WorkspaceStateError(f"still {workspace.status} after {timeout:.0f}s")
        workspace = latest[0]
    if workspace.status == "CREATE_FAILED":
        raise CreateFailedError(f"ModelArts reports CREATE_FAILED: {workspace.status_info or 'no reason given'}")
    if workspace.status != "NORMAL":
        raise WorkspaceStateError(f"unexpected status {workspace.status} {workspace.status_info}".rstrip())
    if props["grants"] and props["auth_type"] == "INTERNAL":
        # the create answer may lack grants (the vendor's page contradicts itself): read them
        workspace = api.get_workspace(workspace.id)
    return workspace


def _discard(api: ModelArtsClient, workspace_id: str, name: str, call: Call) -> str:
    """Best effort: leave no half-created workspace behind. Says what became of it."""
    try:
        api.delete_workspace(workspace_id)
    except NotFoundError:
        return "and it is gone"
    except ModelArtsError as exc:
        call.progress(f"could not delete half-created workspace {name!r} ({workspace_id}): {exc}")
        return f"and deleting it failed ({exc}); delete it, or {call.adoption(workspace_id)}"
    return "so it was deleted again"


# -- read -------------------------------------------------------------------------------------


def read(api: ModelArtsClient, id_: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """(id, outputs, inputs) of the live workspace, or None when it is gone. `props` are the old
    outputs (empty for `pulumi import`). A workspace being deleted stays, with its status: a
    delete that ends DELETE_FAILED is still managed, and a declared one is replaced (`plan`)."""
    props = wire.unwrap(props)
    try:
        workspace = api.get_workspace(id_)
    except NotFoundError:
        return None
    keep = (*spec.CONTROL_FIELDS, spec.SECRET_INPUTS, spec.DECLARED_REGION)
    controls = {k: props[k] for k in keep if props.get(k) is not None}
    # A state written before `grants` became the declared form keeps that in `declared_grants`.
    declared = props["declared_grants"] if "declared_grants" in props else props.get("grants")
    inputs = canonical.normalize({**live_inputs(workspace), **controls})
    inputs["grants"] = pairing.declared_view(declared or [], workspace.grant_dicts())
    if props.get(spec.DECLARED_REGION):
        inputs["region"] = api.settings.region
    return workspace.id, state(api, workspace, inputs), inputs


def state(api: ModelArtsClient, workspace: LiveWorkspace, props: Mapping[str, Any]) -> dict[str, Any]:
    """The state of a live workspace declared by `props` (checked inputs, or the old outputs),
    located where the client that reached it works: what create, read, update and adoption return."""
    return located(api, outputs(workspace, props))


def located(api: ModelArtsClient, outs: dict[str, Any]) -> dict[str, Any]:
    """The outputs with the region and project the workspace lives in, which later calls use."""
    outs["region"] = api.settings.region
    outs["project_id"] = api.project_id
    return outs


def live_inputs(workspace: LiveWorkspace) -> dict[str, Any]:
    """The live workspace in declared form, so refreshed drift shows in the next preview."""
    return {f: workspace.grant_dicts() if f == "grants" else getattr(workspace, f) for f in spec.API_FIELDS}


def outputs(workspace: LiveWorkspace, props: Mapping[str, Any]) -> dict[str, Any]:
    """`grants` in the checked inputs' form (what a preview plans for it), and the server's view
    of the same grants, ids and names filled in, in `server_grants`."""
    kept = (*spec.CONTROL_FIELDS, spec.SECRET_INPUTS, spec.DECLARED_REGION)
    outs = {k: props[k] for k in kept if props.get(k) is not None}
    declared = props.get("grants") or []
    live = workspace.grant_dicts()
    computed = {
        "workspace_id": workspace.id,
        "grants": pairing.declared_view(declared, live),
        "server_grants": pairing.server_view(declared, live),
        "region": props.get("region") or "",  # `located` sets both from the client that was used
        "project_id": props.get("project_id") or "",
    }
    # every other field is the live workspace's attribute of the same name
    outs.update({f: computed[f] if f in computed else getattr(workspace, f) for f in spec.STATE_FIELDS})
    return outs


# -- update -----------------------------------------------------------------------------------


def update(
    api: ModelArtsClient, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any], call: Call
) -> dict[str, Any]:
    """Outputs after bringing the workspace to `news`; `olds` are the old outputs. A workspace
    kept as partial state (not yet NORMAL) is first waited for, as its create would have."""
    props = canonical.normalize(wire.unwrap(news))
    old = wire.unwrap(olds)
    if call.keep_unconfirmed and old.get("status") != "NORMAL":  # partial state of an unconfirmed create
        timeout = call.seconds(props, "create_timeout", spec.DEFAULT_CREATE_TIMEOUT)
        old = outputs(finish_create(api, api.get_workspace(id_), props, timeout, call), old)
    changed = [f for f in canonical.changed_fields(props, old) if f in spec.API_FIELDS]
    if changed:
        api.update_workspace(id_, workspace_body(props, include_eps=False))
        workspace = api.get_workspace(id_)
    else:
        from ...api.models import LiveWorkspace, parse

        server = old["server_grants"] if "server_grants" in old else old.get("grants")  # older states
        recorded = {**old, "id": id_, "grants": server or []}
        workspace = parse(LiveWorkspace, recorded, f"update workspace {id_} (its recorded outputs)")
    return state(api, workspace, props)


# -- delete -----------------------------------------------------------------------------------


def delete(api: ModelArtsClient, id_: str, props: Mapping[str, Any], call: Call) -> None:
    props = wire.unwrap(props)
    name = props.get("name") or id_
    if id_ == DEFAULT_WORKSPACE_ID:
        raise ModelArtsError("the default workspace (id 0) cannot be deleted; remove it from the program instead")
    try:
        api.delete_workspace(id_)
    except NotFoundError:
        return
    except ApiError as exc:
        if exc.error_code != error_codes.STATUS_ABNORMAL:  # already being deleted
            raise
    timeout = call.seconds(props, "delete_timeout", spec.DEFAULT_DELETE_TIMEOUT)
    wait_gone(api, id_, name, timeout, "deleting", call, f"it stays in the stack, {_again(call, 'delete_timeout')}")


def _again(call: Call, key: str) -> str:
    return f"run the command again to keep waiting (or raise {call.setting(key)})"


def wait_gone(api: ModelArtsClient, id_: str, name: str, timeout: float, doing: str, call: Call, then: str) -> None:
    """Wait (at most `timeout`, and within the enclosing time limit) until the workspace is gone;
    `then` says what it means when it is not."""
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
        call.progress(f"{doing} workspace {name!r} ({id_}): still DELETING after {elapsed:.0f}s")

    if not _wait(gone, timeout, report):
        raise WorkspaceStateError(f"workspace {name!r} ({id_}) is still DELETING after {timeout:.0f}s; {then}")
    if failure:
        raise WorkspaceStateError(
            f"workspace {name!r} ({id_}) could not be deleted (DELETE_FAILED): {failure[0]}; it stays in "
            "the stack, fix the cause and run the command again"
        )


# -- location ---------------------------------------------------------------------------------
