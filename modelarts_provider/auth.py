"""The three ways into ModelArts behind one interface: `requests` auth objects.

Password tokens are cached per process and identity: many threads asking at once cause one
IAM call, the token is reused until shortly before it expires, and a 401 renews it once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from . import signing
from .errors import ResponseError


class Authenticator(requests.auth.AuthBase):
    """Adds credentials to a request; token-based ones can renew after a 401."""

    renewable = False

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


@dataclass(frozen=True)
class IssuedToken:
    value: str
    expires_at: float
    issued_at: float
    project_id: str | None

    def __repr__(self) -> str:
        return f"IssuedToken(expires_at={self.expires_at}, project_id={self.project_id})"

    def fresh(self, now: float) -> bool:
        """Renew a little before expiry: 5 minutes, or 10% of a short lifetime."""
        margin = min(300.0, (self.expires_at - self.issued_at) * 0.1)
        return now < self.expires_at - margin


class TokenCache:
    """Process-wide password tokens, one per identity, fetched once even under concurrency."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, ...], IssuedToken] = {}
        self._key_locks: dict[tuple[str, ...], threading.Lock] = {}

    def get(self, key: tuple[str, ...], fetch: Callable[[], IssuedToken]) -> IssuedToken:
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


TOKENS = TokenCache()


def parse_expiry(text: Any) -> float:
    """IAM's `expires_at`, e.g. `2020-01-04T09:08:49.965000Z`, as epoch seconds."""
    if not isinstance(text, str):
        raise ResponseError("IAM token response has no token.expires_at")
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

    def __init__(self, key: tuple[str, ...], fetch: Callable[[], IssuedToken], cache: TokenCache = TOKENS) -> None:
        self._key = key
        self._fetch = fetch
        self._cache = cache

    def token(self) -> IssuedToken:
        return self._cache.get(self._key, self._fetch)

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["X-Auth-Token"] = self.token().value
        return r

    def renew(self, rejected: requests.PreparedRequest) -> bool:
        used = rejected.headers.get("X-Auth-Token")
        if used:
            self._cache.discard(self._key, used)
        return True


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
