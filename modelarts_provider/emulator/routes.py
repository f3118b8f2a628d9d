"""Routing of the vendor API (IAM under /v3, ModelArts under /v1) to the state components."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from . import bodies, policy, quotas
from .authn import Principal, check_project
from .errors import ApiNotFound, BadParameter, ErrorAnswer, IamBadRequest, MethodNotAllowed
from .faults import FaultSet
from .messages import Request, Response
from .state import State

Handler = Callable[[State, Request, dict[str, str]], Response]


@dataclass(frozen=True)
class Route:
    """A path template (also the key of route counts) and its handlers by method."""

    template: str
    pattern: re.Pattern[str]
    handlers: Mapping[str, Handler]


@dataclass(frozen=True)
class Match:
    """Result of routing: the count key, and the handler or the error to answer with."""

    count_key: str
    handler: Handler | None
    params: dict[str, str]
    error: ErrorAnswer | None


def _compile(template: str) -> re.Pattern[str]:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    return re.compile(regex)


def count_kind(method: str, raw_path: str) -> str | None:
    """The counts() bucket: IAM for /v3, the method for ModelArts /v1, None otherwise."""
    if raw_path == "/v3" or raw_path.startswith(("/v3/", "/v3.0/")):
        return "IAM"
    if raw_path.startswith("/v1/"):
        return method
    return None


def match(method: str, raw_path: str) -> Match:
    for route in ROUTES:
        found = route.pattern.fullmatch(raw_path)
        if found is None:
            continue
        key = f"{method} {route.template}"
        params = {name: unquote(value) for name, value in found.groupdict().items()}
        handler = route.handlers.get(method)
        if handler is None:
            allowed = ", ".join(sorted(route.handlers))
            error = MethodNotAllowed(method, allowed)
            return Match(key, None, params, error)
        return Match(key, handler, params, None)
    missing = ApiNotFound()
    return Match(f"{method} (unmatched)", None, {}, missing)


# -- helpers ------------------------------------------------------------------------------------


def _principal(state: State, request: Request) -> Principal:
    return state.authn.authenticate(request)


def _modelarts_principal(state: State, request: Request, params: dict[str, str], action: str | None) -> Principal:
    """Authenticate, require the path project to be the caller's, then the caller's policy to
    allow `action` (401, then 403 ModelArts.0210, then 403 ModelArts.0112)."""
    principal = _principal(state, request)
    check_project(principal, params["project_id"], state.config)
    if action is not None:
        policy.authorize(state.config.policies, principal.policy_key, action)
    return principal


def _outcome_fault(faults: FaultSet, kind: str, request: Request) -> Callable[[], bool]:
    """A callback the store calls only once the operation is otherwise accepted."""
    return lambda: faults.take(frozenset({kind}), request.method, request.raw_path) is not None


# -- IAM ----------------------------------------------------------------------------------------


def post_token(state: State, request: Request, params: dict[str, str]) -> Response:
    value, body = state.iam.issue_token(request.json(IamBadRequest))
    return Response(201, body, {"X-Subject-Token": value})


def get_projects(state: State, request: Request, params: dict[str, str]) -> Response:
    principal = _principal(state, request)
    policy.authorize(state.config.policies, principal.policy_key, policy.PROJECTS_LIST, iam=True)
    return Response(200, state.iam.projects(request.query_params().get("name")))


def post_security_tokens(state: State, request: Request, params: dict[str, str]) -> Response:
    principal = _principal(state, request)
    policy.authorize(state.config.policies, principal.policy_key, policy.AGENCIES_ASSUME, iam=True)
    return Response(201, state.iam.assume_role(request.json(IamBadRequest)))


# -- ModelArts ----------------------------------------------------------------------------------


def create_workspace(state: State, request: Request, params: dict[str, str]) -> Response:
    principal = _modelarts_principal(state, request, params, policy.WORKSPACE_CREATE)
    fail = _outcome_fault(state.faults, "create_failed", request)
    return Response(200, state.store.create(bodies.new_workspace(request.json()), principal.user_name, fail))


def list_workspaces(state: State, request: Request, params: dict[str, str]) -> Response:
    principal = _modelarts_principal(state, request, params, policy.WORKSPACE_LIST)
    return Response(200, state.store.query(bodies.list_query(request.query_params()), principal.user_name))


def get_workspace(state: State, request: Request, params: dict[str, str]) -> Response:
    _modelarts_principal(state, request, params, policy.WORKSPACE_GET)
    return Response(200, state.store.get(params["id"]))


def modify_workspace(state: State, request: Request, params: dict[str, str]) -> Response:
    _modelarts_principal(state, request, params, policy.WORKSPACE_UPDATE)
    body = request.json()  # unreadable JSON first, the target's errors next, then the body's
    return Response(200, state.store.modify(params["id"], lambda: bodies.workspace_change(body)))


def delete_workspace(state: State, request: Request, params: dict[str, str]) -> Response:
    _modelarts_principal(state, request, params, policy.WORKSPACE_DELETE)
    fail = _outcome_fault(state.faults, "delete_failed", request)
    return Response(200, state.store.delete(params["id"], fail))


def get_quotas(state: State, request: Request, params: dict[str, str]) -> Response:
    _modelarts_principal(state, request, params, policy.WORKSPACE_GET_QUOTAS)
    return Response(200, state.quotas.get(params["id"]))


def update_quotas(state: State, request: Request, params: dict[str, str]) -> Response:
    _modelarts_principal(state, request, params, policy.WORKSPACE_UPDATE_QUOTAS)
    body = request.json()  # unreadable JSON first, the workspace's errors next, then the body's
    return Response(200, state.quotas.update(params["id"], lambda: quotas.requested_quotas(body)))


def maas_workspaces(state: State, request: Request, params: dict[str, str]) -> Response:
    _modelarts_principal(state, request, params, None)  # the vendor page names no action for it
    if params["region_id"] != state.config.region:
        raise BadParameter(f"region_id {params['region_id'][:64]!r} is not this endpoint's region")
    return Response(200, state.store.maas())


_TABLE: tuple[tuple[str, Mapping[str, Handler]], ...] = (
    ("/v3/auth/tokens", {"POST": post_token}),
    ("/v3/projects", {"GET": get_projects}),
    ("/v3.0/OS-CREDENTIAL/securitytokens", {"POST": post_security_tokens}),
    ("/v1/{project_id}/workspaces", {"GET": list_workspaces, "POST": create_workspace}),
    (
        "/v1/{project_id}/workspaces/{id}",
        {"GET": get_workspace, "PUT": modify_workspace, "DELETE": delete_workspace},
    ),
    ("/v1/{project_id}/workspaces/{id}/quotas", {"GET": get_quotas, "PUT": update_quotas}),
    ("/v1/{project_id}/maas/services/workspace/{region_id}", {"GET": maas_workspaces}),
)
ROUTES: tuple[Route, ...] = tuple(Route(template, _compile(template), handlers) for template, handlers in _TABLE)
