"""Least privilege: the vendor's action names per API call, and the 403 a denied call gets.

Action names are those the vendor's permission pages give for each call (ModelArts "Workspace
Management Permissions", IAM's agency and project pages). A principal listed in
`EmulatorConfig.policies` may perform only its listed actions; anyone else may do everything.
"""

from __future__ import annotations

from collections.abc import Mapping

from .errors import ErrorAnswer

WORKSPACE_CREATE = "modelarts:workspace:create"
WORKSPACE_LIST = "modelarts:workspace:list"
WORKSPACE_GET = "modelarts:workspace:get"
WORKSPACE_UPDATE = "modelarts:workspace:update"
WORKSPACE_DELETE = "modelarts:workspace:delete"
WORKSPACE_GET_QUOTAS = "modelarts:workspace:getQuotas"
WORKSPACE_UPDATE_QUOTAS = "modelarts:workspace:updateQuotas"
PROJECTS_LIST = "iam:projects:list"
AGENCIES_ASSUME = "iam:agencies:assume"

READ_ONLY = frozenset({WORKSPACE_LIST, WORKSPACE_GET, WORKSPACE_GET_QUOTAS, PROJECTS_LIST})


def denied(action: str, iam: bool = False) -> ErrorAnswer:
    """The API's answer to a call the caller's policy does not allow."""
    message = f"Policy doesn't allow {action} to be performed."
    if iam:
        return ErrorAnswer(403, "IAM.0003", message, body_extra={"error": {"code": 403, "message": message}})
    return ErrorAnswer(403, "ModelArts.0112", message)


def authorize(policies: Mapping[str, frozenset[str]], principal: str, action: str, iam: bool = False) -> None:
    """Raise the 403 unless `principal` may perform `action`."""
    allowed = policies.get(principal)
    if allowed is not None and action not in allowed:
        raise denied(action, iam)
