"""The parts of IAM the provider uses: password tokens, the project lookup, an agency's temporary
credentials (assume_role), a user directory.

Ids are derived deterministically from names (sha256) so that tests and repeated runs see the
same user, domain and grant ids without any shared fixture data.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .config import EmulatorConfig
from .errors import AgencyNotFound, AuthenticationFailed, IamBadRequest, IamWrongPassword

# Expired tokens are kept this long so a client gets "token expired" rather than "decrypt
# token fail"; after that they are forgotten to keep memory bounded in long benchmarks.
TOKEN_MEMORY_SECONDS = 3600.0
PRUNE_EVERY = 256  # issuances between scans for forgotten tokens


def user_id_for(name: str) -> str:
    """The deterministic id of a user known only by name."""
    return hashlib.sha256(f"user:{name}".encode()).hexdigest()[:32]


def domain_id_for(name: str) -> str:
    return hashlib.sha256(f"domain:{name}".encode()).hexdigest()[:32]


def iso_time(epoch: float) -> str:
    """IAM's timestamp format, e.g. `2020-01-04T09:08:49.965000Z`."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class UserDirectory:
    """Name <-> id pairs for grants: learnt on first sight, remembered both ways."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._ids_by_name: dict[str, str] = {}
        self._names_by_id: dict[str, str] = {}

    def remember(self, user_id: str, user_name: str) -> None:
        with self._lock:
            self._ids_by_name.setdefault(user_name, user_id)
            self._names_by_id.setdefault(user_id, user_name)

    def resolve(self, user_id: str | None, user_name: str | None) -> tuple[str, str]:
        """Complete a grant's (id, name); the id wins when both are given.

        Assumption grant-users (docs/emulator.md): the pages do not say what a grant naming a
        user who does not exist gives; the emulator accepts any user and makes up the other half."""
        with self._lock:
            if user_id:
                name = self._names_by_id.get(user_id) or user_name or f"iam-user-{user_id[:8]}"
                self.remember(user_id, name)
                return user_id, name
            if not user_name:
                raise ValueError("a grant needs user_id or user_name")
            uid = self._ids_by_name.get(user_name) or user_id_for(user_name)
            self.remember(uid, user_name)
            return uid, user_name


@dataclass
class Token:
    """An issued token; `project_id` is None for domain-scoped or unscoped tokens."""

    user_name: str
    user_id: str
    project_id: str | None
    issued_at: float
    expires_at: float


@dataclass
class TemporaryKey:
    """A temporary AK/SK pair of an agency; requests must carry its security token."""

    secret_key: str
    security_token: str
    agency: str
    expires_at: float


MIN_DURATION, MAX_DURATION, DEFAULT_DURATION = 900, 86400, 900  # IAM: 15 min to 24 h, default 15 min


def _obj(parent: Any, key: str, where: str) -> dict[str, Any]:
    value = parent.get(key) if isinstance(parent, dict) else None
    if not isinstance(value, dict):
        raise IamBadRequest(f"request body needs the object {where}")
    return value


class Iam:
    """Issues and checks tokens of the one configured user and domain, scoped to one of its
    projects (this region's, or another region's in `other_projects`) or to none."""

    def __init__(self, config: EmulatorConfig, lock: threading.RLock, users: UserDirectory) -> None:
        self._config = config
        self._lock = lock
        self._tokens: dict[str, Token] = {}
        self._temporary: dict[str, TemporaryKey] = {}
        self._issued = 0
        users.remember(user_id_for(config.user), config.user)

    @property
    def domain_id(self) -> str:
        return domain_id_for(self._config.domain)

    def issue_token(self, body: Any) -> tuple[str, dict[str, Any]]:
        """Check a password-token request; return the token value and the response body."""
        cfg = self._config
        auth = _obj(body, "auth", "auth")
        identity = _obj(auth, "identity", "auth.identity")
        methods = identity.get("methods")
        if not isinstance(methods, list) or "password" not in methods:
            raise IamBadRequest('auth.identity.methods must be a list containing "password"')
        user = _obj(_obj(identity, "password", "auth.identity.password"), "user", "auth.identity.password.user")
        name, password = user.get("name"), user.get("password")
        if not isinstance(name, str) or not isinstance(password, str):
            raise IamBadRequest("auth.identity.password.user needs string name and password")
        domain = _obj(user, "domain", "auth.identity.password.user.domain")
        if not isinstance(domain.get("name", domain.get("id")), str):
            raise IamBadRequest("auth.identity.password.user.domain needs a name or an id")
        domain_ok = domain.get("name") == cfg.domain if "name" in domain else domain.get("id") == self.domain_id
        password_ok = hmac.compare_digest(password.encode(), cfg.password.encode())
        if not (name == cfg.user and password_ok and domain_ok):
            raise IamWrongPassword()
        project_id = self._scope_project(auth.get("scope"))
        return self._issue(project_id)

    def _scope_project(self, scope: Any) -> str | None:
        """The project a token is scoped to; a domain scope or no scope gives None."""
        cfg = self._config
        if scope is None:
            return None
        if not isinstance(scope, dict):
            raise IamBadRequest("auth.scope must be an object")
        if "project" in scope:
            project = _obj(scope, "project", "auth.scope.project")
            every = {cfg.region: cfg.project_id, **cfg.other_projects}  # region -> project id
            if "id" in project:
                if project["id"] not in every.values():
                    raise IamBadRequest(
                        f"scope project id {str(project['id'])[:64]!r} not found; this emulator has {cfg.project_id!r}"
                    )
                return str(project["id"])
            if "name" in project:
                if project["name"] not in every:
                    raise IamBadRequest(
                        f"scope project name {str(project['name'])[:64]!r} not found; this emulator has {cfg.region!r}"
                    )
                return every[project["name"]]
            raise IamBadRequest("auth.scope.project needs a name or an id")
        if "domain" in scope:
            domain = _obj(scope, "domain", "auth.scope.domain")
            if domain.get("name", cfg.domain) != cfg.domain or domain.get("id", self.domain_id) != self.domain_id:
                raise IamBadRequest("scope domain not found")
            return None
        raise IamBadRequest("auth.scope needs a project or a domain")

    def _issue(self, project_id: str | None) -> tuple[str, dict[str, Any]]:
        cfg = self._config
        now = time.time()
        value = "MII" + secrets.token_urlsafe(120)
        token = Token(cfg.user, user_id_for(cfg.user), project_id, now, now + cfg.token_lifetime)
        with self._lock:
            self._issued += 1
            if self._issued % PRUNE_EVERY == 0:
                self._forget_old(now)
            self._tokens[value] = token
        domain = {"id": self.domain_id, "name": cfg.domain}
        body: dict[str, Any] = {
            "expires_at": iso_time(token.expires_at),
            "issued_at": iso_time(token.issued_at),
            "methods": ["password"],
            "catalog": [],
            "roles": [],
            "user": {"id": token.user_id, "name": cfg.user, "domain": domain, "password_expires_at": ""},
        }
        if project_id is not None:
            names = {pid: region for region, pid in {cfg.region: cfg.project_id, **cfg.other_projects}.items()}
            body["project"] = {"id": project_id, "name": names.get(project_id, cfg.region), "domain": domain}
        else:
            body["domain"] = domain
        return value, {"token": body}

    def assume_role(self, body: Any) -> dict[str, Any]:
        """`POST /v3.0/OS-CREDENTIAL/securitytokens` with assume_role: temporary AK/SK of the agency."""
        cfg = self._config
        identity = _obj(_obj(body, "auth", "auth"), "identity", "auth.identity")
        methods = identity.get("methods")
        if not isinstance(methods, list) or "assume_role" not in methods:
            raise IamBadRequest('auth.identity.methods must be a list containing "assume_role"')
        role = _obj(identity, "assume_role", "auth.identity.assume_role")
        agency, domain_name, domain_id = role.get("agency_name"), role.get("domain_name"), role.get("domain_id")
        if not isinstance(agency, str) or not isinstance(domain_name or domain_id, str):
            raise IamBadRequest("auth.identity.assume_role needs agency_name and domain_name (or domain_id)")
        duration = role.get("duration_seconds", role.get("duration-seconds", DEFAULT_DURATION))
        if isinstance(duration, bool) or not isinstance(duration, int) or not MIN_DURATION <= duration <= MAX_DURATION:
            raise IamBadRequest(f"duration_seconds must be an integer from {MIN_DURATION} to {MAX_DURATION}")
        domain_ok = domain_name == cfg.agency_domain if domain_name else domain_id == domain_id_for(cfg.agency_domain)
        if agency != cfg.agency_name or not domain_ok:
            raise AgencyNotFound()
        now = time.time()
        lifetime = cfg.temporary_credential_lifetime or float(duration)
        access = "TMP" + secrets.token_hex(9).upper()
        key = TemporaryKey(secrets.token_urlsafe(30), "ST" + secrets.token_urlsafe(90), agency, now + lifetime)
        with self._lock:
            self._temporary[access] = key
        credential = {
            "access": access,
            "secret": key.secret_key,
            "securitytoken": key.security_token,
            "expires_at": iso_time(key.expires_at),
        }
        return {"credential": credential}

    def temporary_key(self, access_key: str) -> TemporaryKey | None:
        with self._lock:
            return self._temporary.get(access_key)

    def temporary_keys(self) -> list[str]:
        """Access keys, secret keys and security tokens issued so far (secret-leak tests)."""
        with self._lock:
            return [v for ak, k in self._temporary.items() for v in (ak, k.secret_key, k.security_token)]

    def issue_project_token(self) -> str:
        """A project-scoped token without an HTTP call, for tests and demos."""
        return self._issue(self._config.project_id)[0]

    def _forget_old(self, now: float) -> None:
        stale = [v for v, t in self._tokens.items() if t.expires_at + TOKEN_MEMORY_SECONDS < now]
        for value in stale:
            del self._tokens[value]

    def check_token(self, value: str) -> Token:
        """The token behind `value`, or a 401 that never echoes the value."""
        with self._lock:
            token = self._tokens.get(value)
        if token is None:
            raise AuthenticationFailed("decrypt token fail")
        if time.time() >= token.expires_at:
            raise AuthenticationFailed("token expired")
        return token

    def expire_tokens(self) -> int:
        """Make every token issued so far expired; returns how many there were."""
        now = time.time()
        with self._lock:
            for token in self._tokens.values():
                token.expires_at = min(token.expires_at, now)
            return len(self._tokens)

    def issued(self) -> list[str]:
        """Every token value still remembered, so tests can search output for them."""
        with self._lock:
            return list(self._tokens)

    def projects(self, name: str | None) -> dict[str, Any]:
        """`GET /v3/projects` answer, filtered by name like IAM does."""
        cfg = self._config
        every = {cfg.region: cfg.project_id, **cfg.other_projects}
        projects = [
            {
                "id": project_id,
                "name": region,
                "domain_id": self.domain_id,
                "parent_id": self.domain_id,
                "description": "",
                "enabled": True,
                "is_domain": False,
            }
            for region, project_id in every.items()
            if name in (None, region)
        ]
        return {"projects": projects}
