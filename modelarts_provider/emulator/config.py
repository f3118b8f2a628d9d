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
    delete_duration: float = 1.0
    # Added to every non-admin request before it is processed.
    latency: float = 0.0
    # Share of non-admin requests lost at random from the start (a `loss` fault, see faults.py),
    # drawn from a generator seeded with loss_seed.
    loss: float = 0.0
    loss_seed: int | None = None
    max_workspaces: int = 1000
    # Largest accepted |now - X-Sdk-Date|, in seconds.
    sdk_date_skew: float = 900.0
    lockout_after: int = 5
    lockout_seconds: float = 300.0
    # One stderr line per request (method, path, status); never headers or bodies.
    verbose: bool = False
