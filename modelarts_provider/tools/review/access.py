"""What a preview means for access: per workspace, who is granted or loses access and how its
`auth_type` changes, and per quota resource, which values change.

Grants are compared as the provider compares them (`pairing.pair`): the new declared grants are
paired with the old ones as ModelArts holds them (ids and names filled in), so a reordered list
is no change and a user declared by name, then by id, is the same user. Secret and unknown
values are never compared with anything: they are reported as such.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...core.wire import any_within, has_unknown, is_unknown
from ...domain.quotas.spec import whole
from ...domain.workspace.canonical import normalize
from ...domain.workspace.pairing import grant_key, pair
from ...domain.workspace.spec import API_FIELDS
from .preview import Preview, State, Step, is_secret

PUBLIC = "PUBLIC"
# The inputs besides grants and auth_type a reviewer sees as changed, in this order.
OTHER_FIELDS = tuple(
    f for f in (*API_FIELDS, "region", "create_timeout", "delete_timeout") if f not in ("grants", "auth_type")
)


def has_secret(value: Any) -> bool:
    return any_within(value, is_secret)


def hidden(value: Any) -> bool:
    """Neither shown nor compared: a secret, or a value not known before `up`."""
    return has_secret(value) or has_unknown(value)


@dataclass(frozen=True)
class Grantee:
    """A user as the review names it: the user name, else the id; `[secret]` and unknown kept."""

    user: Any  # a str, or a Secret / Unknown marker
    by_id: bool
    user_type: Any

    @classmethod
    def of(cls, grant: Any) -> Grantee:
        if not isinstance(grant, Mapping):  # the whole grant is secret or unknown
            return cls(grant, False, "")
        name, user_id = grant.get("user_name"), grant.get("user_id")
        user_type = grant.get("user_type") or "IAM"
        user_type = user_type.upper() if isinstance(user_type, str) else user_type
        if name:
            return cls(name, False, user_type)
        return cls(user_id, True, user_type)


@dataclass(frozen=True)
class Change:
    """One input's old and new value (None: not set on that side)."""

    field: str
    old: Any
    new: Any


@dataclass
class WorkspaceReview:
    """One workspace's planned operation and what it means for access."""

    urn: str
    resource: str
    name: Any
    op: str
    protected: bool
    auth: Change | None = None  # set when auth_type changes (old None: a new workspace)
    granted: list[Grantee] = field(default_factory=list)
    revoked: list[Grantee] = field(default_factory=list)
    dropped: list[Grantee] = field(default_factory=list)  # grants removed as it becomes PUBLIC
    secret_grants: str = ""  # "change" / "may change": the grants are secret, who cannot be shown
    replace_reasons: list[Change] = field(default_factory=list)
    others: list[Change] = field(default_factory=list)

    @property
    def becomes_public(self) -> bool:
        return self.auth is not None and self.auth.new == PUBLIC and self.auth.old != PUBLIC

    @property
    def may_become_public(self) -> bool:
        """auth_type changes to a value the preview cannot show (unknown or secret)."""
        return self.auth is not None and hidden(self.auth.new)

    @property
    def was_public(self) -> bool:
        old = self.auth.old if self.auth is not None else None
        return old == PUBLIC

    @property
    def widens(self) -> bool:
        """Someone may use the workspace who could not before: it becomes PUBLIC (or maybe does),
        or a user is granted access on a workspace that was not PUBLIC (secret grants that
        change, or may, count: who they name cannot be shown)."""
        if self.op in ("delete", "discard"):
            return False
        grants_widen = bool(self.granted) and not self.was_public
        return self.becomes_public or self.may_become_public or grants_widen or bool(self.secret_grants)

    @property
    def access_changes(self) -> bool:
        return bool(self.auth or self.granted or self.revoked or self.dropped or self.secret_grants)


@dataclass(frozen=True)
class QuotaChange:
    """One quota resource: old and new value (None: not known from the preview); `restored`: no
    longer managed, so it goes back to its value from before Pulumi."""

    quota: str
    old: Any
    new: Any
    restored: bool = False


@dataclass
class QuotasReview:
    urn: str
    resource: str
    workspace: Any  # the workspace's name or resource name, else its id (or a marker)
    op: str
    changes: list[QuotaChange] = field(default_factory=list)
    hidden_values: bool = False  # the whole quotas map is secret


@dataclass
class Review:
    """Changes in Git (`workspaces`, `quotas`) and, after a refresh, changes made outside Git
    (`drift`, `quota_drift`) with what the next `up --refresh` does about each (`undo`, by URN)."""

    stack: str
    workspaces: list[WorkspaceReview]
    quotas: list[QuotasReview]
    errors: int = 0
    refreshed: bool = False
    drift: list[WorkspaceReview] = field(default_factory=list)
    quota_drift: list[QuotasReview] = field(default_factory=list)
    undo: dict[str, WorkspaceReview] = field(default_factory=dict)
    quota_undo: dict[str, QuotasReview] = field(default_factory=dict)
    other_ops: list[tuple[str, str]] = field(default_factory=list)  # (resource, op) not understood

    @property
    def widens(self) -> bool:
        """Access widens in Git, or is wider in ModelArts than in Git."""
        return any(w.widens for w in self.workspaces + self.drift)


# -- workspaces ---------------------------------------------------------------------------------


def _inputs(state: State | None) -> dict[str, Any]:
    if state is None:
        return {}
    return dict(state.inputs) if state.inputs else dict(state.outputs)


def _auth(props: Mapping[str, Any]) -> Any:
    value = props.get("auth_type")
    if value is None:
        return PUBLIC  # the default
    return value.upper() if isinstance(value, str) else value


def _old_grants(state: State | None) -> Any:
    """The old grants as ModelArts holds them (ids and names filled in) where the state has them
    in the clear, else as declared."""
    if state is None:
        return []
    server = state.outputs.get("server_grants")
    if isinstance(server, list) and not has_secret(server):
        return server
    declared = state.inputs.get("grants", state.outputs.get("grants"))
    return declared if declared is not None else []


def _clear(grants: Any) -> tuple[list[Mapping[str, Any]], list[Any]] | None:
    """(grants in the clear, grants not known before `up`), or None when they are secret (a
    secret anywhere in the list makes Pulumi show the whole list as `[secret]`)."""
    if has_secret(grants):
        return None
    if not isinstance(grants, list):
        return ([], [grants]) if is_unknown(grants) else ([], [])
    clear = [g for g in grants if isinstance(g, Mapping) and not has_unknown(g)]
    return clear, [g for g in grants if has_unknown(g)]


def _grant_changes(review: WorkspaceReview, old_grants: Any, new_grants: Any) -> bool:
    """Fill granted/revoked; False when the grants are secret on either side (not compared)."""
    new, old = _clear(new_grants), _clear(old_grants)
    if new is None or old is None:
        return False
    new_clear, new_unknown = new
    pairs, leftover = pair(new_clear, old[0])
    paired = {id(want) for want, _ in pairs}
    review.granted = [Grantee.of(g) for g in new_clear if id(g) not in paired]
    review.granted += [Grantee.of(g) for g in new_unknown]
    review.revoked = [Grantee.of(g) for g in sorted(leftover, key=grant_key)]
    return True


def _hidden_changed(step: Step, key: str, visible: bool, verdict: Step | None) -> bool | None:
    """Whether a secret property changes: the engine's diff reasons where the provider gives
    them (native face); for a step without them (dynamic face), the provider planned an update,
    so when nothing visible changes the hidden properties do. None: cannot be told. A made-up
    step (drift) is judged by the real one (`verdict`); without one, secrets are not compared."""
    if step.synthetic and verdict is None:
        return False
    judge = verdict or step
    if judge.diff_reasons:
        return key in judge.diff_reasons
    if judge.op == "update" and not visible:
        return True
    return None


def workspace_review(step: Step, verdict: Step | None = None) -> WorkspaceReview:
    """`verdict`: the real step that judges secret values when `step` is made up (drift)."""
    old_props, new_props = _inputs(step.old), _inputs(step.new)
    gone = step.op in ("delete", "discard")
    new = {} if gone else normalize(new_props)
    old = normalize(old_props) if step.old is not None and step.op not in ("create", "import") else {}
    name = new.get("name", old.get("name", step.resource))
    review = WorkspaceReview(step.urn, step.resource, name, step.op, step.protected)
    if step.op == "import":
        return review
    old_auth = _auth(old) if old else None
    new_auth = _auth(new) if new else None
    hidden_keys = []
    if old_auth is None or new_auth is None or (not hidden(old_auth) and not hidden(new_auth) and old_auth != new_auth):
        review.auth = Change("auth_type", old_auth, new_auth)
    elif hidden(old_auth) or hidden(new_auth):
        hidden_keys.append("auth_type")
    if not _grant_changes(review, _old_grants(step.old) if old else [], new.get("grants", [])):
        hidden_keys.append("grants")
    if review.auth is not None and review.auth.new == PUBLIC and review.auth.old is not None:
        review.dropped, review.revoked = review.revoked, []  # PUBLIC: every user keeps access
    changes: list[Change] = []
    if old and new:
        for key in OTHER_FIELDS:
            before, after = old.get(key), new.get(key)
            if hidden(before) or hidden(after):
                hidden_keys.append(key)
            elif before != after:
                changes.append(Change(key, before, after))
    visible = bool(changes or review.access_changes)
    for key in hidden_keys:
        verdict_of = _hidden_changed(step, key, visible, verdict) if old and new else True
        if verdict_of is False:
            continue
        if key == "auth_type":
            review.auth = Change(key, old_auth, new_auth)
        elif key == "grants":
            review.secret_grants = "change" if verdict_of else "may change"
        else:
            changes.append(Change(key, old.get(key), new.get(key)))
    reasons = set(step.replace_reasons)
    review.replace_reasons = [c for c in changes if c.field in reasons]
    review.replace_reasons += [
        Change(r, None, None) for r in step.replace_reasons if r not in {c.field for c in changes}
    ]
    review.others = [c for c in changes if c.field not in reasons]
    return review


# -- quotas ---------------------------------------------------------------------------------------


def _number(value: Any) -> Any:
    number = whole(value)
    return number if number is not None else value


def _live_value(state: State | None, quota: str) -> Any:
    """A quota's current value from the old state: the managed values, else the read-only list
    of every quota resource."""
    if state is None:
        return None
    managed = state.outputs.get("quotas")
    if isinstance(managed, Mapping) and quota in managed:
        return _number(managed[quota])
    listed = state.outputs.get("all_quotas")
    for item in listed if isinstance(listed, list) else []:
        if isinstance(item, Mapping) and item.get("resource") == quota:
            return _number(item.get("quota"))
    return None


def _originals(state: State | None) -> Mapping[str, Any]:
    found = state.outputs.get("original_quotas") if state is not None else None
    return found if isinstance(found, Mapping) else {}


def quotas_review(step: Step, workspace: Any) -> QuotasReview:
    review = QuotasReview(step.urn, step.resource, workspace, step.op)
    gone = step.op in ("delete", "discard")
    new = {} if gone else (step.new.inputs.get("quotas") if step.new is not None else None)
    old = _inputs(step.old).get("quotas") if step.old is not None and step.op not in ("create", "import") else {}
    if step.op == "import":
        return review
    if is_secret(new) or is_secret(old):
        review.hidden_values = True
        return review
    new = new if isinstance(new, Mapping) else {}
    old = old if isinstance(old, Mapping) else {}
    originals = _originals(step.old)
    for quota in sorted(set(new) | set(old)):
        before = _live_value(step.old, quota) if step.op != "create" else None
        if quota in new:
            after = _number(new[quota])
            if before is None or hidden(after) or before != after:
                review.changes.append(QuotaChange(quota, before, after))
        else:
            review.changes.append(QuotaChange(quota, before, _number(originals.get(quota)), restored=True))
    return review


# -- the whole preview ------------------------------------------------------------------------------

UNDERSTOOD = frozenset({"create", "update", "replace", "delete", "discard", "import", "same", "read", "refresh"})
GONE = ("delete", "discard")


def _workspace_label(steps: Sequence[Step], step: Step) -> Any:
    """The workspace a quota resource belongs to: the workspace resource its `workspace_id` is
    wired from (by its name), else the id as given."""
    state = step.new or step.old
    props = _inputs(state)
    dependencies = state.dependencies.get("workspace_id", ()) if state is not None else ()
    for other in steps:
        if other.kind == "workspace" and other.urn in dependencies and other.op not in ("refresh", "same"):
            return workspace_review(other).name
    if dependencies:
        return dependencies[0].rsplit("::", 1)[-1]
    return props.get("workspace_id")


def _made_up(step: Step, op: str, old: State | None, new: State | None) -> Step:
    return Step(op, step.kind, step.urn, old, new, step.replace_reasons if op == step.op else (), (), synthetic=True)


def _add(result: Review, step: Step, label: Any, drift: bool, verdict: Step | None = None) -> None:
    if step.kind == "workspace":
        found = workspace_review(step, None if drift else verdict)  # secrets have no visible drift
        if found.op != "update" or found.access_changes or found.others or found.replace_reasons:
            (result.drift if drift else result.workspaces).append(found)
            if drift and verdict is not None:
                result.undo[step.urn] = workspace_review(verdict)
    else:
        quotas = quotas_review(step, label)
        if quotas.op != "update" or quotas.changes or quotas.hidden_values:
            (result.quota_drift if drift else result.quotas).append(quotas)
            if drift and verdict is not None:
                result.quota_undo[step.urn] = quotas_review(verdict, label)


def review(preview: Preview) -> Review:
    """The access review of a preview. After a refresh (`preview --refresh`), each resource's
    state before the refresh is what the last `up` left; what the refresh read differs from it
    by what was changed outside Git (drift), and the program differs from it by the changes in
    Git not applied yet. Without a refresh, every step is a change in Git."""
    result = Review(preview.stack, [], [], errors=len(preview.errors), refreshed=preview.refreshed)
    refreshes = [s for s in preview.steps if s.op == "refresh" and s.old is not None] if preview.refreshed else []
    applied = {s.urn: s.old for s in refreshes if s.old is not None}
    recreated = {s.urn for s in preview.steps if s.op == "create"}
    for step in preview.steps:
        if step.op in ("same", "read", "refresh"):
            continue
        if step.op not in UNDERSTOOD:
            result.other_ops.append((step.resource, step.op))
            continue
        label = _workspace_label(preview.steps, step) if step.kind == "quotas" else None
        before = applied.get(step.urn)
        if preview.refreshed and step.op in GONE and step.urn in recreated:
            # the refresh found it gone: deleted outside Git (its create step follows)
            _add(result, _made_up(step, "delete", step.old, None), label, True, None)
            if step.old is not None:
                applied[step.urn] = step.old
            continue
        if before is None:
            _add(result, step, label, False)
        elif step.op == "create":  # the refresh found it gone: deleted outside Git, created again
            _add(result, _made_up(step, "delete", before, None), label, True, step)
            _add(result, _made_up(step, "update", before, step.new), label, False, step)
        else:
            _add(result, _made_up(step, "update", before, step.old), label, True, step)
            _add(result, _made_up(step, step.op, before, step.new), label, False, step)
    for found in (result.workspaces, result.drift, result.quotas, result.quota_drift):
        found.sort(key=lambda item: item.resource)  # the engine's order varies from run to run
    return result
