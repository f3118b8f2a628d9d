"""Workspace state and the status lifecycle; operations take the typed values of `bodies`.

Deletion is evaluated lazily against a monotonic clock on every access: a deleted workspace
shows DELETING until `delete_duration` has passed, then disappears (or becomes DELETE_FAILED).
No timer threads, so behaviour is deterministic and changing `delete_duration` at runtime
takes effect immediately.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .bodies import DEFAULT_NAME, GrantRequest, ListQuery, NewWorkspace, WorkspaceChange
from .config import EmulatorConfig
from .errors import (
    DefaultWorkspaceProtected,
    WorkspaceLimitExceeded,
    WorkspaceNameExists,
    WorkspaceNotFound,
    WorkspaceStatusAbnormal,
)
from .iam import UserDirectory

DEFAULT_ID = "0"
# 2020-01-01T00:00:00Z: the reserved workspace predates everything the tests create.
DEFAULT_TIME_MS = 1577836800000

DELETION_MEMORY = 10000  # deletion timelines kept for `deletions()`; the oldest go first

NORMAL, CREATE_FAILED, DELETING, DELETE_FAILED = "NORMAL", "CREATE_FAILED", "DELETING", "DELETE_FAILED"
PUBLIC_FIELDS = (
    "id",
    "name",
    "description",
    "owner",
    "create_time",
    "update_time",
    "enterprise_project_id",
    "enterprise_project_name",
    "auth_type",
    "status",
    "status_info",
)
RAW_FIELDS = frozenset((*PUBLIC_FIELDS, "grants")) - {"id"}


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Deletion:
    """When a deletion was accepted, when the workspace ceased to exist, and when a client first
    saw it gone (a GET answered "not existed"): the benchmark's measure of how soon a waiting
    client notices the end of a delete. Monotonic seconds of the emulator process."""

    id: str
    name: str
    accepted: float
    gone: float | None = None
    noticed: float | None = None

    def to_dict(self) -> dict[str, Any]:
        lag = self.noticed - self.gone if self.noticed is not None and self.gone is not None else None
        return {
            "id": self.id,
            "name": self.name,
            "accepted": self.accepted,
            "gone": self.gone,
            "noticed": self.noticed,
            "notice_lag": lag,
        }


@dataclass
class StoredWorkspace:
    """One workspace as the service keeps it; `grants` holds complete grant objects."""

    id: str
    name: str
    owner: str
    create_time: int
    update_time: int
    description: str = ""
    enterprise_project_id: str = "0"
    enterprise_project_name: str = "default"
    auth_type: str = "public"
    status: str = NORMAL
    status_info: str = ""
    grants: list[dict[str, Any]] = field(default_factory=list)
    deleting_since: float | None = None  # monotonic time of the accepted DELETE
    delete_fails: bool = False

    def public(self, with_grants: bool) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in PUBLIC_FIELDS}
        if with_grants:
            data["grants"] = [dict(grant) for grant in self.grants]
        return data


def eps_name(eps_id: str) -> str:
    """Assumption enterprise-project-name (docs/emulator.md): the emulator has no enterprise
    projects to look names up in; "0" is `default`, any other is named after its id."""
    return "default" if eps_id == "0" else f"eps-{eps_id[:8]}"


class WorkspaceStore:
    """All workspaces of the one project; every method takes the shared lock."""

    def __init__(self, config: EmulatorConfig, lock: threading.RLock, users: UserDirectory) -> None:
        self._config = config
        self._lock = lock
        self._users = users
        default = StoredWorkspace(DEFAULT_ID, DEFAULT_NAME, config.user, DEFAULT_TIME_MS, DEFAULT_TIME_MS)
        self._items: dict[str, StoredWorkspace] = {DEFAULT_ID: default}
        self._deletions: dict[str, Deletion] = {}

    # -- lifecycle -----------------------------------------------------------------------

    def _settle(self) -> None:
        """Finish deletions whose time has come."""
        now = time.monotonic()
        for ws in list(self._items.values()):
            if ws.status != DELETING or ws.deleting_since is None:
                continue
            if now - ws.deleting_since < self._config.delete_duration:
                continue
            if ws.delete_fails:
                ws.status, ws.deleting_since, ws.delete_fails = DELETE_FAILED, None, False
                ws.status_info = "emulated failure: deleting the workspace failed"
                ws.update_time = now_ms()
            else:
                del self._items[ws.id]
                record = self._deletions.get(ws.id)
                if record is not None:
                    record.gone = ws.deleting_since + self._config.delete_duration

    def _get(self, workspace_id: str) -> StoredWorkspace:
        ws = self._items.get(workspace_id)
        if ws is None:
            raise WorkspaceNotFound(workspace_id)
        return ws

    def _name_taken(self, name: str, except_id: str | None = None) -> bool:
        return any(ws.name == name and ws.id != except_id for ws in self._items.values())

    def _resolve(self, grants: list[GrantRequest]) -> list[dict[str, Any]]:
        """Complete each grant's user id and name from the user directory."""
        resolved = []
        for grant in grants:
            uid, uname = self._users.resolve(grant.user_id, grant.user_name)
            resolved.append({"user_id": uid, "user_name": uname, "user_type": grant.user_type})
        return resolved

    # -- API operations --------------------------------------------------------------------

    def create(self, new: NewWorkspace, owner: str, fail: Callable[[], bool]) -> dict[str, Any]:
        """`POST /v1/{project_id}/workspaces`; `fail()` says whether a create_failed fault fires."""
        with self._lock:
            self._settle()
            grants = self._resolve(new.grants)
            if self._name_taken(new.name):
                raise WorkspaceNameExists(self._config.taken_name_code)
            # Assumption workspace-limit: the limit behind 7006 is not published (config.py).
            if sum(1 for key in self._items if key != DEFAULT_ID) >= self._config.max_workspaces:
                raise WorkspaceLimitExceeded(self._config.max_workspaces)
            stamp = now_ms()
            ws = StoredWorkspace(
                id=uuid.uuid4().hex,
                name=new.name,
                description=new.description,
                owner=owner,
                create_time=stamp,
                update_time=stamp,
                enterprise_project_id=new.enterprise_project_id,
                enterprise_project_name=eps_name(new.enterprise_project_id),
                auth_type=new.auth_type,
                grants=grants if new.auth_type == "internal" else [],
            )
            if fail():
                ws.status = CREATE_FAILED
                ws.status_info = "emulated failure: creating the workspace failed"
            self._items[ws.id] = ws
            # Assumption create-answer-grants: the response table lists grants, the example has none.
            return ws.public(with_grants=self._config.create_answer_grants)

    def get(self, workspace_id: str) -> dict[str, Any]:
        with self._lock:
            self._settle()
            record = self._deletions.get(workspace_id)
            if record is not None and record.noticed is None and workspace_id not in self._items:
                record.noticed = time.monotonic()
            return self._get(workspace_id).public(with_grants=True)

    def status_of(self, workspace_id: str) -> tuple[str, int]:
        """Status and creation time, for the workspace's sub-resources (quotas); 7005 if gone."""
        with self._lock:
            self._settle()
            ws = self._get(workspace_id)
            return ws.status, ws.create_time

    def _changeable(self, workspace_id: str, verb: str, deleting: str) -> StoredWorkspace:
        """The target of a `PUT` or `DELETE`: not the default one (3566 "cannot be `verb`"),
        existing (7005), not being deleted (7004 with `deleting`)."""
        self._settle()
        if workspace_id == DEFAULT_ID:
            raise DefaultWorkspaceProtected(verb)
        ws = self._get(workspace_id)
        if ws.status == DELETING:
            raise WorkspaceStatusAbnormal(deleting)
        return ws

    def modify(self, workspace_id: str, read: Callable[[], WorkspaceChange]) -> dict[str, Any]:
        """`PUT`: absent name/description/auth_type keep their value, absent grants clear.

        `read()` gives the checked body once the target is known to be modifiable: the API
        answers for the target (3566, 7005, 7004) before it looks at the body."""
        with self._lock:
            ws = self._changeable(workspace_id, "modified", DELETING)
            change = read()
            name = change.name if change.name is not None else ws.name
            auth_type = change.auth_type or ws.auth_type
            grants = self._resolve(change.grants)
            if self._name_taken(name, except_id=ws.id):
                raise WorkspaceNameExists(self._config.taken_name_code)
            ws.name = name
            if change.description is not None:
                ws.description = change.description
            ws.auth_type = auth_type
            ws.grants = grants if auth_type.lower() == "internal" else []
            ws.update_time = now_ms()
            return {"workspace_id": ws.id}

    def delete(self, workspace_id: str, fail: Callable[[], bool]) -> dict[str, Any]:
        """Start deleting; `fail()` says whether a delete_failed fault fires."""
        with self._lock:
            ws = self._changeable(workspace_id, "deleted", f"already {DELETING}")
            ws.status, ws.status_info = DELETING, ""
            ws.deleting_since = time.monotonic()
            ws.delete_fails = fail()
            ws.update_time = now_ms()
            self._deletions.pop(ws.id, None)
            self._deletions[ws.id] = Deletion(ws.id, ws.name, ws.deleting_since)
            while len(self._deletions) > DELETION_MEMORY:
                del self._deletions[next(iter(self._deletions))]
            return {"workspace_id": ws.id}

    def query(self, query: ListQuery, caller: str = "") -> dict[str, Any]:
        """`GET /v1/{project_id}/workspaces`; `accessible_only` keeps the workspaces `caller` may
        use (public ones, its own, and internal ones that grant it)."""
        with self._lock:
            self._settle()
            # Assumption name-filter (docs/emulator.md): `name` is a "fuzzy" match; the emulator
            # matches any part of the name, ignoring case.
            items = [
                ws
                for ws in self._items.values()
                if query.enterprise_project_id in (None, ws.enterprise_project_id)
                and (query.name is None or query.name.casefold() in ws.name.casefold())
                and (not query.accessible_only or _accessible(ws, caller))
            ]
            items.sort(key=lambda ws: (getattr(ws, query.sort_by), ws.id), reverse=query.descending)
            page = items[query.offset : query.offset + query.limit]
            return {
                "total_count": len(items),
                "count": len(page),
                "workspaces": [ws.public(with_grants=False) for ws in page],
            }

    def maas(self) -> dict[str, Any]:
        """MaaS view: NORMAL workspaces only, times as strings like the vendor sends them."""
        with self._lock:
            self._settle()
            items = [
                {
                    "id": ws.id,
                    "name": ws.name,
                    "description": ws.description,
                    "owner": ws.owner,
                    "create_time": str(ws.create_time),
                    "update_time": str(ws.update_time),
                    "auth_type": ws.auth_type,
                }
                for ws in self._items.values()
                if ws.status == NORMAL
            ]
        return {"total_count": len(items), "count": len(items), "workspaces": items}

    # -- out-of-band access for tests --------------------------------------------------------

    def deletions(self) -> list[dict[str, Any]]:
        """Timelines of the deletions accepted since the last reset, oldest first."""
        with self._lock:
            self._settle()
            return [record.to_dict() for record in self._deletions.values()]

    def reset_deletions(self) -> None:
        with self._lock:
            self._deletions.clear()

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            self._settle()
            return [ws.public(with_grants=True) for ws in self._items.values()]

    def put_raw(self, workspace_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Change (or create) a workspace bypassing every rule, like a console edit would."""
        unknown = set(fields) - RAW_FIELDS
        if unknown:
            raise TypeError(f"unknown workspace fields: {sorted(unknown)}")
        with self._lock:
            self._settle()
            ws = self._items.get(workspace_id)
            if ws is None:
                stamp = now_ms()
                ws = StoredWorkspace(workspace_id, f"raw-{workspace_id[:8]}", self._config.user, stamp, stamp)
                self._items[workspace_id] = ws
            for key, value in fields.items():
                setattr(ws, key, [dict(g) for g in value] if key == "grants" else value)
            if "update_time" not in fields:
                ws.update_time = now_ms()
            if ws.status == DELETING and ws.deleting_since is None:
                ws.deleting_since = time.monotonic()
            elif ws.status != DELETING:
                ws.deleting_since = None
            return ws.public(with_grants=True)

    def remove_raw(self, workspace_id: str) -> bool:
        if workspace_id == DEFAULT_ID:
            raise ValueError("the default workspace always exists")
        with self._lock:
            return self._items.pop(workspace_id, None) is not None


def _accessible(ws: StoredWorkspace, caller: str) -> bool:
    auth_type = ws.auth_type.upper()
    if auth_type == "PUBLIC" or ws.owner == caller:
        return True
    return auth_type == "INTERNAL" and any(grant.get("user_name") == caller for grant in ws.grants)
