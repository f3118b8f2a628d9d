"""`ModelArtsClient`: the workspace API over one keep-alive session, with timeouts, bounded
retries for idempotent calls, token renewal on 401, and errors that carry ModelArts' fields."""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from . import auth as authn
from .errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    ResponseError,
    TransportError,
    api_error_for,
)
from .models import MaasWorkspaces, Workspace, WorkspacePage, WorkspaceSummary, parse
from .quota_models import QuotaList
from .settings import Settings

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BACKOFF = 10.0
MAX_RETRY_AFTER = 60.0
PAGE_SIZE = 1000
AMBIGUOUS_NOT_FOUND_CODE = "ModelArts.0104"
USER_AGENT = "modelarts-provider (python-requests)"


def new_session(pool_size: int = 32) -> requests.Session:
    """One session per client: pooled keep-alive connections, no hidden urllib3 retries."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    session.trust_env = False
    return session


def backoff(attempt: int) -> float:
    """Seconds to wait before retry number `attempt + 1`: exponential with jitter, capped."""
    return float(min(MAX_BACKOFF, 0.2 * 2**attempt) * (0.5 + random.random() / 2))


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _error_fields(response: requests.Response) -> tuple[str | None, str | None, str | None]:
    """ModelArts' `error_code`/`error_msg`/`request_id`, also from IAM's and HTML answers."""
    request_id = response.headers.get("X-Request-Id")
    try:
        body = response.json()
    except ValueError:
        kind = response.headers.get("Content-Type", "unknown content type").split(";")[0]
        return None, f"non-JSON answer ({kind})", request_id
    if not isinstance(body, dict):
        return None, "unexpected error body", request_id
    code, msg = body.get("error_code"), body.get("error_msg")
    nested = body.get("error")
    if isinstance(nested, dict):
        code = code or nested.get("code")
        msg = msg or nested.get("message")
    return (
        str(code) if code is not None else None,
        str(msg)[:500] if msg is not None else None,
        str(body.get("request_id") or request_id or "") or None,
    )


class ModelArtsClient:
    """Workspace operations for one project. Safe to share between threads."""

    def __init__(self, settings: Settings, session: requests.Session | None = None) -> None:
        self.settings = settings
        self._session = session or new_session()
        self._method = settings.auth_method  # fails early when credentials are missing
        self._project_id = settings.project_id
        self._auth: authn.Authenticator | None = None
        self._lock = threading.Lock()
        self._project_lock = threading.Lock()
        # Until the server has accepted one authenticated call, such calls go one at a time, and
        # after a 401 nothing more is sent: parallel resources must not turn one wrong secret
        # key into five bad signatures, which lock the key.
        self._first_call = threading.Lock()
        self._accepted = threading.Event()
        self._rejected: AuthenticationError | None = None
        self.calls: Counter[str] = Counter()

    def __repr__(self) -> str:
        return f"<ModelArtsClient {self.settings.modelarts_url} auth={self._method}>"

    def close(self) -> None:
        self._session.close()

    # -- authentication -------------------------------------------------------------------

    def _token_fetcher(self) -> authn.IssuedToken:
        s = self.settings
        assert s.user_name and s.password and s.domain_name
        body = authn.password_token_body(s.user_name, s.password, s.domain_name, s.project_id, s.region)
        if not s.project_id and not s.region:
            raise ConfigurationError("an IAM token needs huaweicloud:region (HW_REGION_NAME) or huaweicloud:projectId")
        response = self._send(
            "POST", f"{s.iam_url}/v3/auth/tokens", "get IAM token", json=body, auth=None, retry_post=True
        )
        token = response.headers.get("X-Subject-Token")
        data = self._json(response, "get IAM token")
        info = data.get("token") if isinstance(data.get("token"), dict) else None
        if not token or info is None:
            raise ResponseError("get IAM token: the answer has no X-Subject-Token header or token body")
        project = info.get("project") if isinstance(info.get("project"), dict) else {}
        issued = time.time()
        return authn.IssuedToken(token, authn.parse_expiry(info.get("expires_at")), issued, project.get("id"))

    def _base_authenticator(self, project_id: str | None) -> authn.Authenticator:
        """The configured credentials themselves (AK/SK, a token, or a password token)."""
        s = self.settings
        if self._method == "aksk":
            assert s.access_key and s.secret_key
            return authn.AkSkSigner(s.access_key, s.secret_key, project_id, s.security_token)
        if self._method == "token":
            assert s.token
            return authn.StaticTokenAuth(s.token)
        return authn.PasswordTokenAuth(s.credential_fingerprint(), self._token_fetcher)

    def _assume_role_fetcher(self) -> authn.TemporaryCredential:
        """The agency's temporary AK/SK and security token, asked for with the configured credentials."""
        s = self.settings
        assert s.assume_role_agency and s.assume_role_domain
        operation = f"assume agency {s.assume_role_agency!r} of {s.assume_role_domain!r}"
        body = authn.assume_role_body(s.assume_role_agency, s.assume_role_domain, s.assume_role_duration)
        url = f"{s.iam_url}/v3.0/OS-CREDENTIAL/securitytokens"
        response = self._send("POST", url, operation, json=body, auth=self._base_authenticator(None), retry_post=True)
        return authn.parse_temporary_credential(self._json(response, operation))

    def _signer(self, project_id: str | None) -> authn.Authenticator:
        """What signs ModelArts and IAM look-up calls: the agency's credentials when one is assumed."""
        if self.settings.assumes_role:
            key = self.settings.credential_fingerprint()
            return authn.AssumedRoleSigner(key, self._assume_role_fetcher, project_id)
        return self._base_authenticator(project_id)

    def _authenticator(self) -> authn.Authenticator:
        if self._auth is not None:
            return self._auth
        with self._lock:
            if self._auth is None:
                signs = self._method == "aksk" or self.settings.assumes_role  # AK/SK carry X-Project-Id
                self._auth = self._signer(self.project_id if signs else None)
            return self._auth

    @property
    def project_id(self) -> str:
        """Given in settings, else from the token's scope or `GET /v3/projects?name=REGION`."""
        if self._project_id:
            return self._project_id
        with self._project_lock:  # threads starting together look it up once, not once each
            if not self._project_id:
                self._project_id = self._find_project_id()
            return self._project_id

    def _find_project_id(self) -> str:
        s = self.settings
        if not s.region:
            raise ConfigurationError("set huaweicloud:projectId (HW_PROJECT_ID) or huaweicloud:region (HW_REGION_NAME)")
        found: str | None = None
        if self._method == "password" and not s.assumes_role:
            probe = authn.PasswordTokenAuth(s.credential_fingerprint(), self._token_fetcher)
            found = probe.token().project_id
        if not found:
            lookup_auth = self._signer(None)
            response = self._send(
                "GET", f"{s.iam_url}/v3/projects", "look up project id", params={"name": s.region}, auth=lookup_auth
            )
            projects = self._json(response, "look up project id").get("projects")
            matches = [p for p in projects or [] if isinstance(p, dict) and p.get("name") == s.region]
            if not matches or not matches[0].get("id"):
                raise ConfigurationError(
                    f"IAM knows no project named {s.region!r}; set huaweicloud:projectId (HW_PROJECT_ID)"
                )
            found = str(matches[0]["id"])
        return found

    # -- transport ------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        operation: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        auth: requests.auth.AuthBase | None,
        retry_post: bool = False,
    ) -> requests.Response:
        """One logical call: retries what is safe to retry, renews a rejected token once."""
        self._raise_if_rejected(operation)
        return self._attempts(method, url, operation, params, json, auth, retry_post)

    def _raise_if_rejected(self, operation: str) -> None:
        rejected = self._rejected
        if rejected is not None:
            raise AuthenticationError(
                operation,
                rejected.status,
                rejected.error_code,
                f"not sent, because the credentials were rejected earlier in this run ({rejected.operation}: "
                f"{rejected.error_msg or 'no detail'})",
                rejected.request_id,
            )

    def _request(
        self,
        method: str,
        url: str,
        operation: str,
        params: Mapping[str, Any] | None,
        json: Any,
        auth: requests.auth.AuthBase | None,
    ) -> requests.Response:
        """One HTTP exchange. Until the server has accepted one authenticated request, such
        requests go one at a time, so wrong credentials cost one rejected request, not one per
        thread (five bad signatures lock an access key)."""
        s = self.settings
        if isinstance(auth, authn.Authenticator):
            auth.prepare()

        def send() -> requests.Response:
            return self._session.request(
                method,
                url,
                params=params,
                json=json,
                auth=auth,
                timeout=(s.connect_timeout, s.read_timeout),
                verify=not s.insecure,
                allow_redirects=False,
            )

        if auth is None or self._accepted.is_set():
            return send()
        with self._first_call:
            self._raise_if_rejected(operation)
            response = send()
            status = response.status_code
            if status == 401 and not getattr(auth, "renewable", False):
                self._rejected = AuthenticationError(operation, status, *_error_fields(response))
            elif status < 400 or status in (400, 403, 404):  # the credentials themselves were accepted
                self._accepted.set()
            return response

    def _attempts(
        self,
        method: str,
        url: str,
        operation: str,
        params: Mapping[str, Any] | None,
        json: Any,
        auth: requests.auth.AuthBase | None,
        retry_post: bool,
    ) -> requests.Response:
        s = self.settings
        idempotent = method in {"GET", "PUT", "DELETE", "HEAD"} or retry_post
        deadline = time.monotonic() + s.retry_deadline
        attempt = 0
        renewed = False
        while True:
            kind = "IAM" if "/v3" in url else method
            self.calls[kind] += 1
            delay: float | None = None
            try:
                response = self._request(method, url, operation, params, json, auth)
            except requests.exceptions.RequestException as exc:
                not_sent = isinstance(exc, requests.exceptions.ConnectTimeout) or any(
                    isinstance(getattr(arg, "reason", None), NewConnectionError) for arg in exc.args
                )
                reason = f"{type(exc).__name__} talking to {url.split('/')[2]}"
                if not (idempotent or not_sent) or attempt >= s.max_retries:
                    raise TransportError(operation, reason, maybe_applied=not not_sent) from None
                log.info("%s: %s, retrying", operation, reason)
            else:
                status = response.status_code
                if status == 401 and not renewed and isinstance(auth, authn.Authenticator) and auth.renewable:
                    renewed = auth.renew(response.request)
                    if renewed:
                        log.info("%s: token rejected, fetching a new one", operation)
                        continue
                if status < 400:
                    return response
                retryable = status in RETRY_STATUSES and (idempotent or status == 429)
                if not retryable or attempt >= s.max_retries:
                    error = api_error_for(operation, status, *_error_fields(response))
                    if isinstance(error, AuthenticationError):
                        self._rejected = error  # never again in this process: no lock-out loop
                    raise error from None
                delay = _retry_after(response)
                log.info("%s: HTTP %s, retrying", operation, status)
            if delay is None:
                delay = backoff(attempt)
            delay = min(delay, MAX_RETRY_AFTER)
            if time.monotonic() + delay > deadline:
                raise TransportError(operation, f"gave up after {attempt + 1} attempts (retry deadline)", False)
            time.sleep(delay)
            attempt += 1

    @staticmethod
    def _json(response: requests.Response, operation: str) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            kind = response.headers.get("Content-Type", "unknown").split(";")[0]
            raise ResponseError(f"{operation}: the answer is not JSON ({kind}, HTTP {response.status_code})") from None
        if not isinstance(data, dict):
            raise ResponseError(f"{operation}: expected a JSON object, got {type(data).__name__}")
        return data

    def _call(
        self,
        method: str,
        path: str,
        operation: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> dict[str, Any]:
        url = f"{self.settings.modelarts_url}/v1/{quote(self.project_id, safe='')}{path}"
        response = self._send(method, url, operation, params=params, json=json, auth=self._authenticator())
        return self._json(response, operation)

    # -- workspaces -----------------------------------------------------------------------

    def create_workspace(self, body: Mapping[str, Any]) -> Workspace:
        """POST once. A lost answer raises TransportError(maybe_applied=True): look it up by name."""
        operation = f"create workspace {body.get('name')!r}"
        return parse(Workspace, self._call("POST", "/workspaces", operation, json=dict(body)), operation)

    def get_workspace(self, workspace_id: str) -> Workspace:
        operation = f"get workspace {workspace_id}"
        try:
            answer = self._call("GET", f"/workspaces/{quote(workspace_id, safe='')}", operation)
        except ApiError as exc:
            # Some regions answer a missing workspace with the generic parameter error.
            if exc.status == 400 and exc.error_code == AMBIGUOUS_NOT_FOUND_CODE and not self._listed(workspace_id):
                raise NotFoundError(exc.operation, exc.status, exc.error_code, exc.error_msg, exc.request_id) from None
            raise
        found = parse(Workspace, answer, operation)
        if found.id != workspace_id:  # never let a confused answer point the state at another workspace
            raise ResponseError(f"{operation}: the answer is about another workspace ({found.id[:64]!r})")
        return found

    def _listed(self, workspace_id: str) -> bool:
        return any(w.id == workspace_id for w in self.iter_workspaces())

    def iter_workspaces(
        self,
        name: str | None = None,
        enterprise_project_id: str | None = None,
        filter_accessible: bool | None = None,
        sort_by: str | None = None,
        order: str | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Iterator[WorkspaceSummary]:
        """Every page of `GET /workspaces`; `name` is the API's fuzzy match."""
        params: dict[str, Any] = {"limit": page_size}
        if name is not None:
            params["name"] = name
        if enterprise_project_id is not None:
            params["enterprise_project_id"] = enterprise_project_id
        if filter_accessible is not None:
            params["filter_accessible"] = "true" if filter_accessible else "false"
        if sort_by is not None:
            params["sort_by"] = sort_by
        if order is not None:
            params["order"] = order
        offset = 0
        seen: set[str] = set()
        while True:
            params["offset"] = offset
            page = parse(
                WorkspacePage, self._call("GET", "/workspaces", "list workspaces", params=params), "list workspaces"
            )
            ids = {w.id for w in page.workspaces}
            if ids and ids <= seen:  # an API that ignores offset would otherwise page forever
                raise ResponseError(f"list workspaces: offset {offset} returned only workspaces already listed")
            seen |= ids
            yield from page.workspaces
            offset += len(page.workspaces)
            if not page.workspaces or offset >= page.total_count:
                return

    def list_workspaces(self, **filters: Any) -> list[WorkspaceSummary]:
        return list(self.iter_workspaces(**filters))

    def find_by_name(self, name: str) -> list[WorkspaceSummary]:
        """Workspaces whose name is exactly `name` (the API filter is fuzzy)."""
        return [w for w in self.iter_workspaces(name=name) if w.name == name]

    def update_workspace(self, workspace_id: str, body: Mapping[str, Any]) -> None:
        operation = f"update workspace {workspace_id}"
        self._call("PUT", f"/workspaces/{quote(workspace_id, safe='')}", operation, json=dict(body))

    def delete_workspace(self, workspace_id: str) -> None:
        operation = f"delete workspace {workspace_id}"
        self._call("DELETE", f"/workspaces/{quote(workspace_id, safe='')}", operation)

    def get_maas_workspaces(self, region_id: str | None = None) -> MaasWorkspaces:
        region = region_id or self.settings.region
        if not region:
            raise ConfigurationError("get MaaS workspaces: give a region id or set huaweicloud:region (HW_REGION_NAME)")
        operation = f"get MaaS workspaces of {region}"
        path = f"/maas/services/workspace/{quote(region, safe='')}"
        return parse(MaasWorkspaces, self._call("GET", path, operation), operation)

    # -- quotas ---------------------------------------------------------------------------

    def get_workspace_quotas(self, workspace_id: str) -> QuotaList:
        """Every quota resource of a workspace, with min/max and usage."""
        operation = f"get quotas of workspace {workspace_id}"
        try:
            answer = self._call("GET", f"/workspaces/{quote(workspace_id, safe='')}/quotas", operation)
        except ApiError as exc:
            if exc.status == 400 and exc.error_code == AMBIGUOUS_NOT_FOUND_CODE and not self._listed(workspace_id):
                raise NotFoundError(exc.operation, exc.status, exc.error_code, exc.error_msg, exc.request_id) from None
            raise
        return parse(QuotaList, answer, operation)

    def update_workspace_quotas(self, workspace_id: str, quotas: Mapping[str, int]) -> QuotaList:
        """PUT only the given items (the vendor: send only what is modified); the answer holds
        the updated items. Idempotent, so it is retried like a GET."""
        operation = f"update quotas of workspace {workspace_id} ({', '.join(sorted(quotas))})"
        body = {"quotas": [{"resource": resource, "quota": quota} for resource, quota in sorted(quotas.items())]}
        path = f"/workspaces/{quote(workspace_id, safe='')}/quotas"
        return parse(QuotaList, self._call("PUT", path, operation, json=body), operation)
