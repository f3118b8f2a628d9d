"""Options of the emulator: credentials it accepts, timings and limits.

One mutable dataclass shared by every component, so tests can change timings (latency,
delete_duration, token_lifetime) on a running emulator and the next request sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class EmulatorConfig:
    """Everything has a default so `EmulatorConfig()` gives a working emulator."""

    host: str = "127.0.0.1"
    port: int = 0
    access_key: str = "EMULATORAK000000000"
    secret_key: str = "emulator-secret-key"
    # Temporary credentials: AK/SK requests carrying X-Security-Token must carry this value.
    security_token: str = "emulator-security-token"
    user: str = "emulator-user"
    password: str = "emulator-password"
    domain: str = "emulator-domain"
    project_id: str = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"
    region: str = "cn-north-4"
    # Projects of the account in other regions (region -> project id), which IAM lists like the
    # real one; their ModelArts is another emulator (multi-region tests).
    other_projects: dict[str, str] = field(default_factory=dict)
    # An agency the configured user may assume (POST /v3.0/OS-CREDENTIAL/securitytokens), defined
    # by the delegating account `agency_domain`; its temporary credentials act in this project.
    agency_name: str = "emulator-agency"
    agency_domain: str = "emulator-delegator"
    # When set, every temporary credential lives this long, whatever was asked (refresh tests).
    temporary_credential_lifetime: float | None = None
    # Least privilege: principal (access key, IAM user name or agency name) -> the actions it may
    # perform. A principal without an entry may do everything; others get 403 like the API.
    policies: dict[str, frozenset[str]] = field(default_factory=dict)
    token_lifetime: float = 86400.0
    # How long a deleted workspace shows DELETING before it is gone (or DELETE_FAILED).
    # Assumption delete-duration (docs/emulator.md): the pages say DELETING comes first, not for how long.
    delete_duration: float = 1.0
    # Added to every non-admin request before it is processed.
    latency: float = 0.0
    # Share of non-admin requests lost at random from the start (a `loss` fault, see faults.py),
    # drawn from a generator seeded with loss_seed.
    loss: float = 0.0
    loss_seed: int | None = None
    # Assumption workspace-limit (docs/emulator.md): no source publishes the number of
    # workspaces a project may hold; past it a create answers ModelArts.7006.
    max_workspaces: int = 1000
    # Largest accepted |now - X-Sdk-Date|, in seconds.
    sdk_date_skew: float = 900.0
    lockout_after: int = 5
    lockout_seconds: float = 300.0
    # Where the vendor is silent or contradicts itself the emulator still has to answer
    # something: these options choose, and docs/emulator.md lists every such assumption.
    # Assumption taken-name-code: no source names the code of "workspace name already exists";
    # None answers errors.WorkspaceNameExists' own (7002), a test may choose another.
    taken_name_code: str | None = None
    # Assumption create-answer-grants: the create page's response table and the official SDK's
    # CreateWorkspaceResponse list `grants`, the page's example answer has none.
    create_answer_grants: bool = True
    # Assumption maas-region: the vendor's MaaS workspace page says "only supported in CN-Hong
    # Kong" (ap-southeast-1); elsewhere the emulator answers like an API not published there.
    # True answers the call in any region (tests running in the default region).
    maas_any_region: bool = False
    # Five quota resources no vendor source documents (invented: emulator/quotas.py) next to the
    # one the vendor documents, for tests that need a catalogue of more than one item.
    invented_quotas: bool = False
    # One stderr line per request (method, path, status); never headers or bodies.
    verbose: bool = False
