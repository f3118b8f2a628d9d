"""Least privilege: the vendor's action names per API call, and the 403 a denied call gets.

Action names are those the vendor's permission pages give for each call (ModelArts "Workspace
Management Permissions", IAM's agency and project pages). A principal listed in
`EmulatorConfig.policies` may perform only its listed actions; anyone else may do everything.
"""

from __future__ import annotations

from collections.abc import Mapping

from .errors import ActionDenied, IamActionDenied

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


def authorize(policies: Mapping[str, frozenset[str]], principal: str, action: str, iam: bool = False) -> None:
    """Raise the 403 unless `principal` may perform `action`: IAM's own for an IAM call."""
    allowed = policies.get(principal)
    if allowed is not None and action not in allowed:
        raise IamActionDenied(action) if iam else ActionDenied(action)
