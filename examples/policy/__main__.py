"""Policy pack `modelarts-guardrails`: what a platform team enforces on ModelArts workspaces in
review, for the dynamic resource of modelarts-provider and the native `modelarts` provider.

    pulumi preview --policy-pack examples/policy [--policy-pack-config policy-config.json]

Every policy is mandatory unless the config file says otherwise (`"advisory"`, `"disabled"`);
the two production policies apply to stacks matching the globs in their `stacks` setting
(default `["prod*"]`). See README.md.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

import modelarts_rules as rules
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

STACKS_SCHEMA = PolicyConfigSchema(
    properties={
        "stacks": {
            "type": "array",
            "items": {"type": "string"},
            "default": list(rules.DEFAULT_STACKS),
            "description": "glob patterns of the stack names this policy applies to",
        }
    }
)


def guarded_stacks(args: ResourceValidationArgs) -> list[str]:
    return list(args.get_config().get("stacks") or rules.DEFAULT_STACKS)


def workspace_policy(
    name: str,
    description: str,
    check: Callable[[rules.WorkspaceInputs, ResourceValidationArgs], str | None],
    config_schema: PolicyConfigSchema | None = None,
) -> ResourceValidationPolicy:
    """A policy that runs `check` on every ModelArts workspace and reports its message."""

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        workspace = rules.workspace_inputs(args.resource_type, args.name, args.props)
        if workspace is None:
            return
        message = check(workspace, args)
        if message:
            report_violation(message)

    return ResourceValidationPolicy(name=name, description=description, validate=validate, config_schema=config_schema)


def enterprise_project_check(workspace: rules.WorkspaceInputs, args: ResourceValidationArgs) -> str | None:
    return rules.named_enterprise_project(workspace, rules.stack_of(args.urn), guarded_stacks(args))


def protect_check(workspace: rules.WorkspaceInputs, args: ResourceValidationArgs) -> str | None:
    protect = bool(args.opts.protect)
    return rules.protected_workspace(workspace, protect, rules.stack_of(args.urn), guarded_stacks(args))


POLICIES = [
    workspace_policy(
        "modelarts-no-public-workspace",
        "ModelArts workspaces must not be PUBLIC.",
        lambda workspace, _args: rules.no_public_workspace(workspace),
    ),
    workspace_policy(
        "modelarts-internal-workspace-needs-grants",
        "An INTERNAL ModelArts workspace must grant at least one user.",
        lambda workspace, _args: rules.internal_workspace_has_grants(workspace),
    ),
    workspace_policy(
        "modelarts-production-enterprise-project",
        'Workspaces of production stacks must be in a named enterprise project, not the default "0".',
        enterprise_project_check,
        STACKS_SCHEMA,
    ),
    workspace_policy(
        "modelarts-production-protect",
        "Workspaces of production stacks must be protected.",
        protect_check,
        STACKS_SCHEMA,
    ),
]

# The engine stops the pack with SIGINT; leave at once instead of printing the interrupted
# interpreter shutdown into the preview's diagnostics.
signal.signal(signal.SIGINT, lambda _signum, _frame: os._exit(0))

PolicyPack(
    name="modelarts-guardrails",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=POLICIES,  # type: ignore[arg-type]
)
