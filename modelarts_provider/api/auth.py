"""The ways into ModelArts behind one interface: `requests` auth objects.

Password tokens and an agency's temporary credentials are cached per process and identity:
many threads asking at once cause one IAM call, the credential is reused until shortly before it
expires, and a 401 renews it once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import parse_qsl, urlsplit

import requests

from ..core.errors import ResponseError
from . import signing


class Authenticator(requests.auth.AuthBase):
    """Adds credentials to a request; token-based ones can renew after a 401."""

    renewable = False

    def prepare(self) -> None:
        """Fetch what signing needs (a token, temporary keys) before the request is sent, so
        that the fetch never runs inside the client's first-call gate."""

    def renew(self, rejected: requests.PreparedRequest) -> bool:
        """Forget the credential the server rejected; True when a retry may succeed."""
        return False

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class AkSkSigner(Authenticator):
    """`SDK-HMAC-SHA256` signing of every request, as the official SDK does it."""

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        project_id: str | None = None,
        security_token: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._access_key = access_key
        self._secret_key = secret_key
        self._project_id = project_id
        self._security_token = security_token
        self._clock = clock

    def __repr__(self) -> str:
        return f"<AkSkSigner access_key={self._access_key[:4]}…>"

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        url = urlsplit(r.url or "")
        sdk_date = time.strftime(signing.DATE_FORMAT, time.gmtime(self._clock()))
        r.headers[signing.DATE_HEADER] = sdk_date
        r.headers["Host"] = url.netloc
        if self._project_id:
            r.headers["X-Project-Id"] = self._project_id
        if self._security_token:
            r.headers["X-Security-Token"] = self._security_token
        to_sign = {
            name: value
            for name, value in r.headers.items()
            if name.lower() in {"host", "x-sdk-date", "content-type", "x-project-id", "x-security-token"}
        }
        names = signing.signed_header_names(to_sign)
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        canonical = signing.canonical_request(
            r.method or "GET",
            url.path,
            parse_qsl(url.query, keep_blank_values=True),
            to_sign,
            names,
            body,
        )
        sig = signing.signature(self._secret_key, signing.string_to_sign(canonical, sdk_date))
        r.headers["Authorization"] = signing.authorization_header(self._access_key, names, sig)
        return r


class StaticTokenAuth(Authenticator):
    """A token the user already has: sent as is, never renewed."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["X-Auth-Token"] = self._token
        return r


def _fresh(issued_at: float, expires_at: float, now: float) -> bool:
    """Renew a little before expiry: 5 minutes, or 10% of a short lifetime."""
    margin = min(300.0, (expires_at - issued_at) * 0.1)
    return now < expires_at - margin


@dataclass(frozen=True)
class IssuedToken:
    value: str
    expires_at: float
    issued_at: float
    project_id: str | None

    def __repr__(self) -> str:
        return f"IssuedToken(expires_at={self.expires_at}, project_id={self.project_id})"

    def fresh(self, now: float) -> bool:
        return _fresh(self.issued_at, self.expires_at, now)


@dataclass(frozen=True)
class TemporaryCredential:
    """Temporary AK/SK and security token from IAM (an agency); `value` is the access key."""

    value: str
    secret_key: str
    security_token: str
    expires_at: float
    issued_at: float

    def __repr__(self) -> str:
        return f"TemporaryCredential(access_key={self.value[:4]}…, expires_at={self.expires_at})"

    def fresh(self, now: float) -> bool:
        return _fresh(self.issued_at, self.expires_at, now)


class _Expiring(Protocol):
    @property
    def value(self) -> str: ...

    def fresh(self, now: float) -> bool: ...


T = TypeVar("T", bound=_Expiring)


class TokenCache(Generic[T]):
    """Process-wide credentials, one per identity, fetched once even under concurrency."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, ...], T] = {}
        self._key_locks: dict[tuple[str, ...], threading.Lock] = {}

    def get(self, key: tuple[str, ...], fetch: Callable[[], T]) -> T:
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            token = self._tokens.get(key)
            if token is None or not token.fresh(time.time()):
                token = fetch()
                self._tokens[key] = token
            return token

    def discard(self, key: tuple[str, ...], value: str) -> None:
        """Drop the cached token only if it is the one that was rejected."""
        with self._lock:
            token = self._tokens.get(key)
            if token is not None and token.value == value:
                del self._tokens[key]

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()


TOKENS: TokenCache[IssuedToken] = TokenCache()
CREDENTIALS: TokenCache[TemporaryCredential] = TokenCache()


class TokenIssuer(Protocol):
    """Where a password token comes from (IAM's `POST /v3/auth/tokens`: `iam_client.IamClient`)."""

    def issue_token(self) -> IssuedToken: ...


class CredentialIssuer(Protocol):
    """Where an agency's temporary credentials come from (`iam_client.IamClient`)."""

    def issue_credential(self) -> TemporaryCredential: ...


def parse_expiry(text: Any) -> float:
    """IAM's `expires_at`, e.g. `2020-01-04T09:08:49.965000Z`, as epoch seconds."""
    if not isinstance(text, str):
        raise ResponseError("IAM answer has no expires_at")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ResponseError(f"IAM token response has an unreadable expires_at: {text[:40]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


class PasswordTokenAuth(Authenticator):
    """IAM user/password token, shared through TOKENS by every client of the same identity."""

    renewable = True

    def __init__(self, key: tuple[str, ...], issuer: TokenIssuer, cache: TokenCache[IssuedToken] = TOKENS) -> None:
        self._key = key
        self._issuer = issuer
        self._cache = cache

    def token(self) -> IssuedToken:
        return self._cache.get(self._key, self._issuer.issue_token)

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["X-Auth-Token"] = self.token().value
        return r

    def renew(self, rejected: requests.PreparedRequest) -> bool:
        used = rejected.headers.get("X-Auth-Token")
        if used:
            self._cache.discard(self._key, used)
        return True


class AssumedRoleSigner(Authenticator):
    """AK/SK signing with an agency's temporary credentials, shared through CREDENTIALS by every
    client of the same identity and agency, fetched again shortly before they expire and once
    after a 401 (the SDK's way: the security token travels as a signed `X-Security-Token`)."""

    renewable = True

    def __init__(
        self,
        key: tuple[str, ...],
        issuer: CredentialIssuer,
        project_id: str | None = None,
        cache: TokenCache[TemporaryCredential] = CREDENTIALS,
    ) -> None:
        self._key = key
        self._issuer = issuer
        self._project_id = project_id
        self._cache = cache

    def credential(self) -> TemporaryCredential:
        return self._cache.get(self._key, self._issuer.issue_credential)

    def prepare(self) -> None:
        self.credential()

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        cred = self.credential()
        return AkSkSigner(cred.value, cred.secret_key, self._project_id, cred.security_token)(r)

    def renew(self, rejected: requests.PreparedRequest) -> bool:
        fields = signing.parse_authorization(rejected.headers.get("Authorization") or "")
        if fields:
            self._cache.discard(self._key, fields["Access"])
        return True


def assume_role_body(agency: str, domain: str, duration: int | None) -> dict[str, Any]:
    """The body of `POST /v3.0/OS-CREDENTIAL/securitytokens` for an agency (IAM's assume_role)."""
    role: dict[str, Any] = {"agency_name": agency, "domain_name": domain}
    if duration is not None:
        role["duration_seconds"] = duration
    return {"auth": {"identity": {"methods": ["assume_role"], "assume_role": role}}}


def parse_temporary_credential(data: Any) -> TemporaryCredential:
    """IAM's `{"credential": {access, secret, securitytoken, expires_at}}`."""
    cred = data.get("credential") if isinstance(data, dict) else None
    fields = ("access", "secret", "securitytoken")
    if not isinstance(cred, dict) or not all(isinstance(cred.get(k), str) for k in fields):
        raise ResponseError("assume agency: the answer has no credential with access, secret and securitytoken")
    return TemporaryCredential(
        cred["access"], cred["secret"], cred["securitytoken"], parse_expiry(cred.get("expires_at")), time.time()
    )


def password_token_body(
    user: str, password: str, domain: str, project_id: str | None, region: str | None
) -> dict[str, Any]:
    """The request body of `POST /v3/auth/tokens`, scoped to the project."""
    scope: dict[str, Any] = {"id": project_id} if project_id else {"name": region}
    return {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": user, "password": password, "domain": {"name": domain}}},
            },
            "scope": {"project": scope},
        }
    }
