"""`/_emulator/...`: control endpoints for another process (benchmark, demo) driving the emulator.

No authentication, never counted, never faulted: they observe and steer the emulator without
disturbing what a test measures.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from .errors import AdminBadRequest, AdminMethodNotAllowed, AdminNotFound
from .faults import Fault
from .messages import Request, Response
from .state import State

PREFIX = "/_emulator/"
TUNABLE = ("latency", "delete_duration", "token_lifetime")


def _object(request: Request) -> dict[str, Any]:
    body = request.json(AdminBadRequest)
    if not isinstance(body, dict):
        raise AdminBadRequest("request body must be a JSON object")
    return body


def _set_config(state: State, request: Request) -> dict[str, Any]:
    changes = _object(request)
    unknown = set(changes) - set(TUNABLE)
    if unknown:
        raise AdminBadRequest(f"only {', '.join(TUNABLE)} can be changed; got {sorted(unknown)}")
    for key, value in changes.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise AdminBadRequest(f"{key} must be a non-negative number")
    with state.lock:
        for key, value in changes.items():
            setattr(state.config, key, float(value))
    return {"config": {key: getattr(state.config, key) for key in TUNABLE}}


def set_policy(state: State, principal: str, actions: Iterable[str] | None) -> None:
    """Restrict `principal` to `actions` (None: no restriction)."""
    with state.lock:
        if actions is None:
            state.config.policies.pop(principal, None)
        else:
            state.config.policies[principal] = frozenset(actions)


def _set_policy(state: State, request: Request) -> dict[str, Any]:
    body = _object(request)
    principal, actions = body.get("principal"), body.get("actions")
    if not isinstance(principal, str) or not principal:
        raise AdminBadRequest("principal must be an access key, IAM user name or agency name")
    if actions is not None and (not isinstance(actions, list) or not all(isinstance(a, str) for a in actions)):
        raise AdminBadRequest("actions must be a list of action names, or null to lift the restriction")
    set_policy(state, principal, actions)
    return {"policies": {k: sorted(v) for k, v in state.config.policies.items()}}


def _add_fault(state: State, request: Request) -> dict[str, Any]:
    try:
        fault = Fault.from_dict(_object(request))
    except ValueError as exc:
        raise AdminBadRequest(str(exc)) from None
    state.faults.add(fault)
    return {"fault": fault.to_dict()}


def _counts(state: State) -> dict[str, Any]:
    return {
        "counts": state.counters.kinds(),
        "routes": state.counters.routes(),
        "connections": state.counters.connections(),
    }


def _reset_counts(state: State, request: Request) -> dict[str, Any]:
    state.counters.reset()
    return _counts(state)


def _clear_faults(state: State, request: Request) -> dict[str, Any]:
    state.faults.clear()
    return {"faults": []}


def _reset_deletions(state: State, request: Request) -> dict[str, Any]:
    state.store.reset_deletions()
    return {"deletions": []}


# Every answer is 200 with the body the action gives; the one-line reads are written in place.
ACTIONS: dict[tuple[str, str], Callable[[State, Request], dict[str, Any]]] = {
    ("GET", "health"): lambda state, request: {"status": "ok"},
    ("GET", "counts"): lambda state, request: _counts(state),
    ("POST", "counts/reset"): _reset_counts,
    ("GET", "faults"): lambda state, request: {"faults": [fault.to_dict() for fault in state.faults.pending()]},
    ("POST", "faults"): _add_fault,
    ("DELETE", "faults"): _clear_faults,
    ("POST", "config"): _set_config,
    ("POST", "tokens/expire"): lambda state, request: {"expired": state.iam.expire_tokens()},
    ("POST", "policies"): _set_policy,
    ("GET", "workspaces"): lambda state, request: {"workspaces": state.store.snapshot()},
    # Per deleted workspace: accepted, gone and first-noticed times, and the notice lag.
    ("GET", "deletions"): lambda state, request: {"deletions": state.store.deletions()},
    ("DELETE", "deletions"): _reset_deletions,
}


def handle(state: State, request: Request) -> Response:
    """Answer one admin request; raises an Admin* error for bad input or unknown routes."""
    name = request.raw_path[len(PREFIX) :].rstrip("/")
    action = ACTIONS.get((request.method, name))
    if action is not None:
        return Response(200, action(state, request))
    if any(path == name for _, path in ACTIONS):
        raise AdminMethodNotAllowed(request.method, PREFIX + name)
    raise AdminNotFound(PREFIX + name[:64])
