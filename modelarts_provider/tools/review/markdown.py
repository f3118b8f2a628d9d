"""The access review as Markdown for a pull/merge request comment: what widens access first, then
every workspace and quota resource that changes, worded for a code change or for drift.

Every value from the program or from ModelArts is shown inside a code span (or as a bolded
code span), so a name or description can never inject Markdown, HTML or an @-mention.
"""

from __future__ import annotations

import json
from typing import Any

from ...core.wire import is_unknown
from ...domain.quotas.spec import UNLIMITED
from .access import PUBLIC, Change, Grantee, QuotaChange, QuotasReview, Review, WorkspaceReview
from .preview import SECRET_TEXT, is_secret

AFTER_APPLY = "*known after apply*"
MAX_SHOWN = 80  # characters of a value shown inline; longer ones are cut with "..."


def code(text: str) -> str:
    """`text` as an inline code span that nothing inside it can break out of."""
    text = text.replace("\r", " ").replace("\n", " ")
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def value(item: Any) -> str:
    """A property value for the reader: secrets stay `[secret]`, unknowns are known after apply."""
    if is_unknown(item):
        return AFTER_APPLY
    if is_secret(item):
        return code(SECRET_TEXT)
    if item is None:
        return "*not set*"
    if isinstance(item, str):
        shown = json.dumps(item, ensure_ascii=False)
    else:
        shown = json.dumps(item, ensure_ascii=False, default=lambda o: SECRET_TEXT if is_secret(o) else "?")
    if len(shown) > MAX_SHOWN:
        shown = shown[: MAX_SHOWN - 3] + "..."
    return code(shown)


def name(item: Any) -> str:
    """A workspace or user name: bare in a code span (no JSON quotes) when it is plain text."""
    if isinstance(item, str) and item.isprintable() and len(item) <= MAX_SHOWN:
        return code(item)
    return value(item)


def user(grantee: Grantee) -> str:
    if is_unknown(grantee.user):
        return f"a user {AFTER_APPLY}" + (f" ({grantee.user_type})" if isinstance(grantee.user_type, str) else "")
    who = name(grantee.user)
    if grantee.by_id and isinstance(grantee.user, str):
        who = f"user id {who}"
    kind = grantee.user_type if isinstance(grantee.user_type, str) and grantee.user_type else None
    return f"**{who}** ({kind})" if kind else f"**{who}**"


def users(grantees: list[Grantee]) -> str:
    return ", ".join(user(g) for g in grantees)


def quota_number(item: Any) -> str:
    if item == UNLIMITED:
        return "unlimited"
    if isinstance(item, int) and not isinstance(item, bool):
        return str(item)
    if item is None:
        return "its current value"
    return value(item)


def _workspace(w: WorkspaceReview) -> str:
    label = name(w.name)
    return label if w.name == w.resource else f"{label} (resource {code(w.resource)})"


# -- what comes first -------------------------------------------------------------------------------


def _first(w: WorkspaceReview, drift: bool = False, undo: WorkspaceReview | None = None) -> list[str]:
    """Lines for the top of the comment: a workspace that becomes PUBLIC, access granted on a
    protected workspace; for drift (what the next `up --refresh` undoes: `undo`), only PUBLIC."""
    lines = []
    where = name(w.name)
    auth = w.auth
    if drift:
        if w.becomes_public:
            back = undo.auth.new if undo is not None and undo.auth is not None else (auth.old if auth else None)
            lines.append(
                f"⚠️ {where} was made **PUBLIC** outside Git: every user of the account can use it; "
                f"the next `up --refresh` would set it back to {name(back)}"
            )
        return lines
    if w.becomes_public and auth is not None and auth.old is None:
        lines.append(f"⚠️ {where} is created **PUBLIC**: every user of the account can use it")
    elif w.becomes_public and auth is not None:
        lines.append(f"⚠️ {where} becomes **PUBLIC** (was {name(auth.old)}): every user of the account can use it")
    elif w.may_become_public and auth is not None:
        lines.append(f"⚠️ {where}: {code('auth_type')} becomes {value(auth.new)}: it may be PUBLIC")
    if w.protected and w.granted:
        lines.append(f"⚠️ {where} is protected and grants access to {users(w.granted)}")
    if w.protected and w.secret_grants:
        lines.append(f"⚠️ {where} is protected and its secret grants {w.secret_grants}")
    return lines


# -- one workspace ----------------------------------------------------------------------------------


def _change(c: Change) -> str:
    return f"{code(c.field)}: {value(c.old)} → {value(c.new)}"


def _operation(w: WorkspaceReview) -> str:
    if w.op == "create":
        return "created"
    if w.op in ("delete", "discard"):
        return "**deleted**"
    if w.op == "replace":
        forced = ", ".join(
            _change(c) if c.old is not None or c.new is not None else code(c.field) for c in w.replace_reasons
        )
        why = f", forced by {forced}" if forced else ""
        return f"**replaced**: a new workspace with a new id, the old one is deleted{why}"
    if w.op == "import":
        return "imported (no change in ModelArts)"
    return "updated in place"


def _audience(auth: Any) -> str:
    if auth == PUBLIC:
        return "every user of the account"
    if auth == "PRIVATE":
        return "only its owner"
    if auth == "INTERNAL":
        return "its owner and the granted users"
    return value(auth)


def _change_lines(w: WorkspaceReview) -> list[str]:
    lines = []
    auth = w.auth
    if auth is not None and auth.old is None and auth.new is not None:
        lines.append(f"{code('auth_type')} {name(auth.new)}: {_audience(auth.new)}")
    elif auth is not None and auth.new is None:
        lines.append(f"{_audience(auth.old)} lose access ({code('auth_type')} was {name(auth.old)})")
    elif auth is not None:
        lines.append(f"{code('auth_type')} {name(auth.old)} → {name(auth.new)}: now {_audience(auth.new)}")
    if w.granted:
        lines.append(f"grants access to {users(w.granted)}")
    if w.revoked:
        lines.append(f"revokes access from {users(w.revoked)}")
    if w.dropped:
        lines.append(f"drops the grants of {users(w.dropped)} (PUBLIC: they keep access as every user does)")
    if w.secret_grants:
        lines.append(
            f"the grants are secret ({code(SECRET_TEXT)}) and {w.secret_grants}: "
            "who gains or loses access cannot be shown"
        )
    lines += [_change(c) for c in w.others]
    return lines


def _drift_lines(w: WorkspaceReview, undo: WorkspaceReview | None) -> list[str]:
    where = name(w.name)
    if w.op in ("delete", "discard"):
        return [f"{where} was deleted outside Git; the next `up --refresh` would create it again"]
    lines = []
    if w.auth is not None and not w.becomes_public:
        back = undo.auth.new if undo is not None and undo.auth is not None else w.auth.old
        lines.append(
            f"{where} has {code('auth_type')} {name(w.auth.new)} outside Git; "
            f"the next `up --refresh` would set it back to {name(back)}"
        )
    undone_grants = (undo.revoked + undo.dropped) if undo is not None else []
    for g in w.granted:
        then = "would revoke it" if g in undone_grants else "keeps it (the program grants it too)"
        lines.append(f"{user(g)} has access to {where} outside Git; the next `up --refresh` {then}")
    regranted = undo.granted if undo is not None else []
    for g in w.revoked + w.dropped:
        then = "would grant it again" if g in regranted else "leaves it so (the program no longer grants it)"
        lines.append(f"{user(g)} lost access to {where} outside Git; the next `up --refresh` {then}")
    backs = {c.field: c.new for c in (undo.others + undo.replace_reasons)} if undo is not None else {}
    for c in w.others + w.replace_reasons:
        back = backs.get(c.field, c.old)
        lines.append(
            f"{where}: {code(c.field)} is {value(c.new)} outside Git; "
            f"the next `up --refresh` would set it back to {value(back)}"
        )
    return lines


# -- quotas ------------------------------------------------------------------------------------------


def _quota(c: QuotaChange, op: str) -> str:
    if op == "create":
        return f"{code(c.quota)} set to {quota_number(c.new)}"
    text = f"{code(c.quota)} {quota_number(c.old)} → {quota_number(c.new)}"
    return text + (" (no longer managed: back to its value from before Pulumi)" if c.restored else "")


def _quotas_lines(q: QuotasReview) -> list[str]:
    where = f"{name(q.workspace)} ({code(q.resource)})"
    if q.hidden_values:
        return [f"- {where}: the quotas are secret ({code(SECRET_TEXT)})"]
    if not q.changes:
        return []
    what = {"create": "created", "delete": "removed: each back to its value from before Pulumi", "replace": "replaced"}
    return [f"- {where} {what.get(q.op, 'changed')}"] + [f"  - {_quota(c, q.op)}" for c in q.changes]


def _quota_drift_lines(q: QuotasReview, undo: QuotasReview | None) -> list[str]:
    where = f"{name(q.workspace)} ({code(q.resource)})"
    backs = {c.quota: c.new for c in undo.changes} if undo is not None else {}
    return [
        f"{where}: {code(c.quota)} is {quota_number(c.new)} outside Git; the next `up --refresh` would set it "
        f"back to {quota_number(backs.get(c.quota, c.old))}"
        for c in q.changes
    ]


# -- the whole comment --------------------------------------------------------------------------------


def _verdict(review: Review) -> list[str]:
    lines = []
    if any(w.widens for w in review.drift):
        lines.append("⚠️ **Access in ModelArts is wider than in Git.**")
    elif review.refreshed and not (review.drift or review.quota_drift):
        lines.append("No drift: ModelArts matches what the last `up` left.")
    elif review.refreshed:
        lines.append("Changed outside Git, without wider access.")
    if any(w.widens for w in review.workspaces):
        lines.append("⚠️ **Access widens**: get the extra approval your team requires for access before merging.")
    elif any(w.access_changes for w in review.workspaces):
        lines.append("Access changes, but no one gains access.")
    elif not review.refreshed or review.workspaces or review.quotas:
        lines.append("No access changes.")
    return lines


def render(review: Review) -> str:
    """The whole comment (ends with a newline)."""
    stack = f": stack {code(review.stack)}" if review.stack else ""
    out = [f"### ModelArts access review{stack}", ""]
    if review.errors:  # what it planned before it stopped may be only a part
        out.append("⛔ **The preview failed** (its errors are in the log): this summary is incomplete.")
        if review.workspaces or review.quotas or review.drift or review.quota_drift:
            out += ["", *_verdict(review)]
    else:
        out += _verdict(review)
    first = [line for w in review.drift for line in _first(w, True, review.undo.get(w.urn))]
    first += [line for w in review.workspaces for line in _first(w)]
    if first:
        out += ["", "**First**", ""] + [f"- {line}" for line in first]
    drift = [line for w in review.drift for line in _drift_lines(w, review.undo.get(w.urn))]
    drift += [line for q in review.quota_drift for line in _quota_drift_lines(q, review.quota_undo.get(q.urn))]
    if drift:
        out += ["", "**Changed outside Git**", ""] + [f"- {line}" for line in drift]
    if review.workspaces:
        title = "Changes in Git not applied yet" if review.refreshed else "Workspaces"
        out += ["", f"**{title}**", ""]
        for w in review.workspaces:
            out.append(f"- {_workspace(w)}: {_operation(w)}")
            out += [f"  - {line}" for line in _change_lines(w)]
    quota_lines = [line for q in review.quotas for line in _quotas_lines(q)]
    if quota_lines:
        out += ["", "**Quotas**", "", *quota_lines]
    if review.other_ops:
        listed = ", ".join(f"{code(r)} ({code(op)})" for r, op in review.other_ops)
        out += ["", f"Not understood by this version of the review, read the diff: {listed}"]
    return "\n".join(out) + "\n"
