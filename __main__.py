"""Example stack: a private sandbox, an internal workspace with grants from config and a cap on
its ExeML GPU training minutes, the default workspace referenced read-only, and optionally an
existing workspace adopted. It passes the policy pack in examples/policy on every stack: no
workspace is PUBLIC, the INTERNAL one has grants, and on production stacks (names starting
with "prod") the workspaces are protected and in the enterprise project the stack names.

Settings come from stack config, so the same program runs against the local emulator and the
real cloud:
  prefix              name prefix of the workspaces (default "demo")
  internalUsers       JSON list of IAM user names granted the internal workspace
  gpuMinutes          ExeML GPU training minutes of the internal workspace (default 600)
  enterpriseProjectId enterprise project of the workspaces (default: huaweicloud:enterpriseProjectId,
                      else "0"); production stacks name one (see Pulumi.prod.yaml)
  protect             true: protect the workspaces from deletion and replacement (default: true on
                      stacks whose name starts with "prod", false elsewhere)
  adoptWorkspaceId    id of an existing workspace to bring under Pulumi (optional)
  adoptWorkspaceName  its name, as it should be declared
  adoptByName         true: adopt_by_name=True on every workspace, so that an existing workspace
                      of the declared name is taken over instead of being a "name exists" error;
                      for one `up` after a killed run (docs/reliability.md), then remove it again
                      (that is no change)
Credentials and endpoints: huaweicloud:* config or HW_* variables (see the README).
"""

import pulumi

from modelarts_provider import Grant, Workspace, WorkspaceArgs, WorkspaceQuotas, WorkspaceQuotasArgs

config = pulumi.Config()
prefix = config.get("prefix") or "demo"
internal_users: list[str] = config.get_object("internalUsers") or ["alice", "bob"]
adopt_by_name = config.get_bool("adoptByName") or None  # unset rather than False: no diff either way
enterprise_project_id = config.get("enterpriseProjectId")
protect = config.get_bool("protect")
if protect is None:
    protect = pulumi.get_stack().startswith("prod")
options = pulumi.ResourceOptions(protect=protect)

private = Workspace(
    "private",
    WorkspaceArgs(
        name=f"{prefix}-private",
        description="Sandbox of the workspace's owner",
        auth_type="PRIVATE",
        enterprise_project_id=enterprise_project_id,
        adopt_by_name=adopt_by_name,
    ),
    opts=options,
)

internal = Workspace(
    "internal",
    WorkspaceArgs(
        name=f"{prefix}-internal",
        description="Only the listed users",
        auth_type="INTERNAL",
        grants=[Grant(user_name=user) for user in internal_users],
        enterprise_project_id=enterprise_project_id,
        adopt_by_name=adopt_by_name,
    ),
    opts=options,
)

quotas = WorkspaceQuotas(
    "internal-quotas",
    WorkspaceQuotasArgs(
        workspace_id=internal.workspace_id,
        quotas={"exemlProject.gpu_duration": config.get_int("gpuMinutes") or 600},
    ),
)

default = Workspace.get("default", "0")

adopt_id = config.get("adoptWorkspaceId")
if adopt_id:
    adopted = Workspace(
        "adopted",
        # adopt_id already takes it over on any create; adopt_by_name cannot be combined with it
        WorkspaceArgs(
            name=config.require("adoptWorkspaceName"), enterprise_project_id=enterprise_project_id, adopt_id=adopt_id
        ),
        opts=options,
    )
    pulumi.export("adopted_workspace_id", adopted.workspace_id)

pulumi.export("private_workspace_id", private.workspace_id)
pulumi.export("internal_workspace_id", internal.workspace_id)
pulumi.export("internal_grants", internal.grants)
pulumi.export("internal_quotas", quotas.quotas)
pulumi.export("default_workspace_owner", default.owner)
