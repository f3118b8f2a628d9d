"""Who is calling: an IAM token or an `SDK-HMAC-SHA256` AK/SK signature, checked like APIG does.

The canonical request is rebuilt from the bytes as received (raw path, raw query, headers,
body) with the shared `signing` module, so a client that signs what it actually sends passes
and any tampering in transit fails. Consecutive signature failures lock the access key, as
the real gateway does, so tests can prove a client never retries authentication failures.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import parse_qsl

from ..api import signing
from .config import EmulatorConfig
from .errors import AuthenticationFailed, ProjectMismatch
from .iam import Iam
from .messages import Request


@dataclass(frozen=True)
class Principal:
    """An authenticated caller; `project_id` is the project it may act in (None = any/none)."""

    user_name: str
    method: str  # "token" or "aksk"
    project_id: str | None
    policy_key: str  # whose policy applies: the access key, the IAM user name, or the agency name


@dataclass
class _KeyState:
    failures: int = 0
    locked_until: float = 0.0


class CallerCheck:
    """Checks credentials of /v1 requests and authenticated /v3 requests."""

    def __init__(self, config: EmulatorConfig, lock: threading.RLock, iam: Iam) -> None:
        self._config = config
        self._lock = lock
        self._iam = iam
        self._keys: dict[str, _KeyState] = {}

    def authenticate(self, request: Request) -> Principal:
        """The caller, or AuthenticationFailed (401) (the request's headers are keyed by lower-case names)."""
        headers = request.headers
        token = headers.get("x-auth-token")
        if token:
            issued = self._iam.check_token(token)
            return Principal(issued.user_name, "token", issued.project_id, issued.user_name)
        authorization = headers.get("authorization")
        if authorization:
            return self._verify_signature(request, authorization)
        raise AuthenticationFailed("no X-Auth-Token and no AK/SK signature in the request")

    def _verify_signature(self, request: Request, authorization: str) -> Principal:
        cfg, headers = self._config, request.headers
        fields = signing.parse_authorization(authorization)
        if fields is None:
            raise AuthenticationFailed("authorization header is not a valid SDK-HMAC-SHA256 signature")
        access_key = fields["Access"]
        temporary = self._iam.temporary_key(access_key)
        if temporary is None and not hmac.compare_digest(access_key.encode(), cfg.access_key.encode()):
            raise AuthenticationFailed("access key not found")
        secret_key, security_token = cfg.secret_key, cfg.security_token
        if temporary is not None:
            secret_key, security_token = temporary.secret_key, temporary.security_token
        with self._lock:
            state = self._keys.setdefault(access_key, _KeyState())
            now = time.monotonic()
            if state.locked_until > now:
                raise AuthenticationFailed("access key locked")
        problem = self._signature_problem(request, fields, secret_key, security_token)
        if problem is None and temporary is not None:
            if "x-security-token" not in headers:
                problem = "verify aksk signature fail: a temporary access key needs its X-Security-Token"
            elif time.time() >= temporary.expires_at:
                problem = "the security token has expired"
        with self._lock:
            if problem is None:
                state.failures = 0
            else:
                state.failures += 1
                if state.failures >= cfg.lockout_after:
                    state.failures = 0
                    state.locked_until = time.monotonic() + cfg.lockout_seconds
                raise AuthenticationFailed(problem)
        project = headers.get("x-project-id")
        return Principal(cfg.user, "aksk", project, access_key if temporary is None else temporary.agency)

    def _signature_problem(
        self, request: Request, fields: Mapping[str, str], secret_key: str, security_token: str
    ) -> str | None:
        """Why the signature is not acceptable, or None when it is."""
        cfg, headers = self._config, request.headers
        signed = [name.strip().lower() for name in fields["SignedHeaders"].split(";") if name.strip()]
        if "host" not in signed or "x-sdk-date" not in signed:
            return "verify aksk signature fail: host and x-sdk-date must be signed"
        sdk_date = headers.get("x-sdk-date", "")
        try:
            when = datetime.strptime(sdk_date, signing.DATE_FORMAT).replace(tzinfo=timezone.utc)
        except ValueError:
            return "verify aksk signature fail: invalid X-Sdk-Date"
        if abs(time.time() - when.timestamp()) > cfg.sdk_date_skew:
            return "request expired"
        query = parse_qsl(request.query, keep_blank_values=True)
        canonical = signing.canonical_request(request.method, request.raw_path, query, headers, signed, request.body)
        expected = signing.signature(secret_key, signing.string_to_sign(canonical, sdk_date))
        if not hmac.compare_digest(expected.encode(), fields["Signature"].strip().encode()):
            return "verify aksk signature fail"
        sent_token = headers.get("x-security-token")
        if sent_token is not None and not hmac.compare_digest(sent_token.encode(), security_token.encode()):
            return "verify aksk signature fail: invalid security token"
        return None


def check_project(principal: Principal, path_project_id: str, config: EmulatorConfig) -> None:
    """403 ModelArts.0210 unless the path, the credential and the emulator agree on the project."""
    if (
        path_project_id != config.project_id
        or (principal.method == "token" and principal.project_id != path_project_id)
        or (principal.method == "aksk" and principal.project_id not in (None, path_project_id))
    ):
        raise ProjectMismatch()
