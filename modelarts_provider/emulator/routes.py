"""Routing of the vendor API (IAM under /v3, ModelArts under /v1) to the state components."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from . import bodies, policy, quotas
from .authn import Principal, check_project
from .errors import ApiNotFound, BadParameter, ErrorAnswer, IamBadRequest, MethodNotAllowed
from .faults import FaultSet
from .messages import Request, Response
from .state import State

Handler = Callable[[State, Request, dict[str, str]], Response]
# What a ModelArts call does once its caller has passed the checks; the answer is 200 with its body.
Operation = Callable[[State, Request, dict[str, str], Principal], Any]


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


def _modelarts(action: str | None, operation: Operation) -> Handler:
    """A ModelArts call: authenticate (401), require the path's project to be the caller's (403
    ModelArts.0210), then the caller's policy to allow `action` (403 ModelArts.0112; None where
    the vendor names no action), then answer 200 with what `operation` returns."""

    def handle(state: State, request: Request, params: dict[str, str]) -> Response:
        principal = _principal(state, request)
        check_project(principal, params["project_id"], state.config)
        if action is not None:
            policy.authorize(state.config.policies, principal.policy_key, action)
        return Response(200, operation(state, request, params, principal))

    return handle


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


def create_workspace(state: State, request: Request, params: dict[str, str], caller: Principal) -> Any:
    fail = _outcome_fault(state.faults, "create_failed", request)
    return state.store.create(bodies.new_workspace(request.json()), caller.user_name, fail)


def list_workspaces(state: State, request: Request, params: dict[str, str], caller: Principal) -> Any:
    return state.store.query(bodies.list_query(request.query_params()), caller.user_name)


def get_workspace(state: State, request: Request, params: dict[str, str], caller: Principal) -> Any:
    return state.store.get(params["id"])


def modify_workspace(state: State, request: Request, params: dict[str, str], caller: Principal) -> Any:
    body = request.json()  # unreadable JSON first, the target's errors next, then the body's
    return state.store.modify(params["id"], lambda: bodies.workspace_change(body))


def delete_workspace(state: State, request: Request, params: dict[str, str], caller: Principal) -> Any:
    return state.store.delete(params["id"], _outcome_fault(state.faults, "delete_failed", request))


def get_quotas(state: State, request: Request, params: dict[str, str], caller: Principal) -> Any:
    return state.quotas.get(params["id"])


def update_quotas(state: State, request: Request, params: dict[str, str], caller: Principal) -> Any:
    body = request.json()  # unreadable JSON first, the workspace's errors next, then the body's
    return state.quotas.update(params["id"], lambda known: quotas.requested_quotas(body, known))


def maas_workspaces(state: State, request: Request, params: dict[str, str], caller: Principal) -> Any:
    # Assumption maas-region-id (docs/emulator.md): the page does not say what a region_id other
    # than the endpoint's own gives; the emulator answers 400 ModelArts.0104.
    if params["region_id"] != state.config.region:
        raise BadParameter(f"region_id {params['region_id'][:64]!r} is not this endpoint's region")
    return state.store.maas()


def _maas_region_only(handler: Handler) -> Handler:
    """The MaaS workspace call exists "only in CN-Hong Kong" (the vendor's page).

    Assumption maas-region (docs/emulator.md): the page does not say what other regions answer;
    the emulator answers like a gateway without the API (404 APIGW.0101), before authenticating."""

    def handle(state: State, request: Request, params: dict[str, str]) -> Response:
        if not state.config.maas_any_region and state.config.region not in MAAS_REGIONS:
            raise ApiNotFound()
        return handler(state, request, params)

    return handle


MAAS_REGIONS = frozenset({"ap-southeast-1"})  # CN-Hong Kong


# Each ModelArts call with the action the vendor's permission pages name for it.
_TABLE: tuple[tuple[str, Mapping[str, Handler]], ...] = (
    ("/v3/auth/tokens", {"POST": post_token}),
    ("/v3/projects", {"GET": get_projects}),
    ("/v3.0/OS-CREDENTIAL/securitytokens", {"POST": post_security_tokens}),
    (
        "/v1/{project_id}/workspaces",
        {
            "GET": _modelarts(policy.WORKSPACE_LIST, list_workspaces),
            "POST": _modelarts(policy.WORKSPACE_CREATE, create_workspace),
        },
    ),
    (
        "/v1/{project_id}/workspaces/{id}",
        {
            "GET": _modelarts(policy.WORKSPACE_GET, get_workspace),
            "PUT": _modelarts(policy.WORKSPACE_UPDATE, modify_workspace),
            "DELETE": _modelarts(policy.WORKSPACE_DELETE, delete_workspace),
        },
    ),
    (
        "/v1/{project_id}/workspaces/{id}/quotas",
        {
            "GET": _modelarts(policy.WORKSPACE_GET_QUOTAS, get_quotas),
            "PUT": _modelarts(policy.WORKSPACE_UPDATE_QUOTAS, update_quotas),
        },
    ),
    (
        "/v1/{project_id}/maas/services/workspace/{region_id}",
        {"GET": _maas_region_only(_modelarts(None, maas_workspaces))},
    ),
)
ROUTES: tuple[Route, ...] = tuple(Route(template, _compile(template), handlers) for template, handlers in _TABLE)
