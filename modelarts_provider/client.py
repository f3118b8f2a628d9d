"""`ModelArtsClient`: the workspace API over one keep-alive session. Every call ends by its
deadline (`retryDeadline`) with a result or one of this package's errors; repeats follow the
policy in `retrying`; a rejected token is renewed; errors carry ModelArts' fields."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import requests

from . import auth as authn
from . import transport
from .canonical import normalize
from .deadline import time_limit
from .errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    ResponseError,
    TransportError,
    api_error_for,
)
from .gate import gate_for
from .models import LiveWorkspace, MaasWorkspaces, WorkspacePage, WorkspaceSummary, parse
from .quota_models import QuotaList
from .retrying import Decision, Outcome, decide, retry_after_seconds
from .retrying import backoff as backoff  # also the provider's re-POSTs back off this way
from .settings import Settings
from .spec import GRANT_FIELDS
from .transport import new_session as new_session

log = logging.getLogger(__name__)

PAGE_SIZE = 1000
AMBIGUOUS_NOT_FOUND_CODE = "ModelArts.0104"
REPEATABLE_METHODS = frozenset({"GET", "PUT", "DELETE", "HEAD"})


def _json_body(response: requests.Response) -> Any:
    """The parsed body; ValueError when it is not JSON (also JSON nested too deep to parse)."""
    try:
        return response.json()
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _error_fields(response: requests.Response) -> tuple[str | None, str | None, str | None]:
    """ModelArts' `error_code`/`error_msg`/`request_id`, also from IAM's and HTML answers."""
    request_id = _printable(response.headers.get("X-Request-Id"), 128)
    try:
        body = _json_body(response)
    except ValueError:
        kind = _printable(response.headers.get("Content-Type", "unknown content type").split(";")[0], 80)
        return None, f"non-JSON answer ({kind})", request_id
    if not isinstance(body, dict):
        return None, "unexpected error body", request_id
    code, msg = body.get("error_code"), body.get("error_msg")
    nested = body.get("error")
    if isinstance(nested, dict):
        code = code or nested.get("code")
        msg = msg or nested.get("message")
    return (
        _printable(str(code), 80) if code is not None else None,
        _printable(str(msg), 500) if msg is not None else None,
        _printable(str(body.get("request_id") or request_id or ""), 128),
    )


def _printable(text: str | None, limit: int) -> str | None:
    """Server-chosen text as one bounded line (error messages must stay one clear line)."""
    if not text:
        return None
    return "".join(c if c.isprintable() else " " for c in text[:limit]) or None


def _redirect_target(response: requests.Response) -> str:
    location = response.headers.get("Location")
    if not location:
        return "elsewhere (no Location header)"
    try:
        host = urlsplit(urljoin(response.url or "", location.strip())).hostname
    except ValueError:
        host = None
    return _printable(host, 100) or "an unreadable location"


def workspace_body(props: Mapping[str, Any], include_eps: bool) -> dict[str, Any]:
    """The request body for POST (with the enterprise project) or PUT (full state, without it)."""
    spec = normalize(props)
    body: dict[str, Any] = {
        "name": spec["name"],
        "description": spec["description"],
        "auth_type": spec["auth_type"],
        "grants": [{k: v for k, v in g.items() if k in GRANT_FIELDS} for g in spec["grants"]]
        if spec["auth_type"] == "INTERNAL"
        else [],
    }
    if include_eps:
        body["enterprise_project_id"] = spec["enterprise_project_id"]
    return body


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
        self._gate = gate_for(settings.identity())  # shared by every client of this credential
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
        """One logical call, ended by `retryDeadline` (or an enclosing limit: the CLI command, the
        lookup, the call that needed this token): a 2xx answer or one of this package's errors."""
        self._raise_if_rejected(operation)
        with time_limit(self.settings.retry_deadline) as end:
            return self._attempts(method, url, operation, params, json, auth, retry_post, end)

    def _raise_if_rejected(self, operation: str) -> None:
        rejected = self._gate.rejected
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
        end: float,
    ) -> requests.Response:
        """One HTTP exchange. Until the server has accepted one authenticated request, such
        requests go one at a time, so wrong credentials cost one rejected request, not one per
        thread (five bad signatures lock an access key)."""
        s = self.settings
        if isinstance(auth, authn.Authenticator):
            auth.prepare()

        def send() -> requests.Response:
            return transport.exchange(
                self._session,
                method,
                url,
                end=end,
                connect_timeout=s.connect_timeout,
                read_timeout=s.read_timeout,
                verify=not s.insecure,
                params=params,
                json=json,
                auth=auth,
            )

        if auth is None or self._gate.accepted.is_set():
            return send()
        if not self._gate.first_call.acquire(timeout=max(0.0, end - time.monotonic())):
            raise transport.NoAnswer("not sent: the first call of this run did not end in time", not_sent=True)
        try:
            self._raise_if_rejected(operation)
            response = send()
            status = response.status_code
            if status == 401 and not getattr(auth, "renewable", False):
                self._gate.rejected = AuthenticationError(operation, status, *_error_fields(response))
            elif status < 300 or status in (400, 403, 404):  # the credentials themselves were accepted
                self._gate.accepted.set()
            return response
        finally:
            self._gate.first_call.release()

    def _attempts(
        self,
        method: str,
        url: str,
        operation: str,
        params: Mapping[str, Any] | None,
        json: Any,
        auth: requests.auth.AuthBase | None,
        retry_post: bool,
        end: float,
    ) -> requests.Response:
        s = self.settings
        repeatable = method in REPEATABLE_METHODS or retry_post
        started = time.monotonic()
        attempts = error_retries = 0
        renewed = maybe_applied = False
        while True:
            self.calls["IAM" if "/v3" in url else method] += 1
            attempts += 1
            response: requests.Response | None = None
            failure: transport.NoAnswer | None = None
            try:
                response = self._request(method, url, operation, params, json, auth, end)
            except transport.NoAnswer as exc:
                failure = exc
                outcome = Outcome(not_sent=exc.not_sent, curable=exc.curable)
            except transport.BadAnswer as exc:
                raise ResponseError(f"{operation}: {exc}") from None
            else:
                header = response.headers.get("Retry-After")
                outcome = Outcome(response.status_code, retry_after=retry_after_seconds(header, time.time()))
            maybe_applied |= response is None and not outcome.not_sent
            can_renew = not renewed and isinstance(auth, authn.Authenticator) and auth.renewable
            decision = decide(
                outcome,
                repeatable=repeatable,
                error_retries=error_retries,
                max_retries=s.max_retries,
                time_left=end - time.monotonic(),
                can_renew=can_renew,
                backoff_delay=backoff(attempts - 1),
            )
            if decision.action == "done" and response is not None:
                return response
            if decision.action == "renew" and response is not None and isinstance(auth, authn.Authenticator):
                renewed = auth.renew(response.request)
                log.info("%s: token rejected, fetching a new one", operation)
                continue
            if decision.action == "fail":
                elapsed = time.monotonic() - started
                raise self._failure(operation, decision, outcome, response, failure, attempts, elapsed, maybe_applied)
            if response is not None:
                error_retries += 1
                log.info("%s: HTTP %s, retrying in %.1fs", operation, response.status_code, decision.delay)
            elif failure is not None:
                log.info("%s: %s, retrying in %.1fs", operation, failure.reason, decision.delay)
            time.sleep(decision.delay)

    def _failure(
        self,
        operation: str,
        decision: Decision,
        outcome: Outcome,
        response: requests.Response | None,
        failure: transport.NoAnswer | None,
        attempts: int,
        elapsed: float,
        maybe_applied: bool,
    ) -> Exception:
        """The one error a failed call raises, saying why it stopped."""
        limit = f"deadline {self.settings.retry_deadline:g}s: modelarts:retryDeadline or HW_MODELARTS_RETRY_DEADLINE"
        gave_up = f"gave up after {attempts} attempt{'s' if attempts > 1 else ''} in {elapsed:.1f}s ({limit})"
        if response is None:
            reason = failure.reason if failure is not None else "no answer"
            if decision.why == "deadline":
                reason = f"{reason}; {gave_up}"
            return TransportError(operation, reason, maybe_applied=maybe_applied)
        status = response.status_code
        if decision.why == "redirect":
            target = _redirect_target(response)
            return ResponseError(f"{operation} failed: HTTP {status} redirected to {target}, not followed")
        note = None
        if decision.why == "deadline":
            asked = outcome.retry_after
            wait = f"the server asked to wait {asked:g}s, longer than the time left; " if asked is not None else ""
            note = wait + gave_up
        error = api_error_for(operation, status, *_error_fields(response), note=note)
        if isinstance(error, AuthenticationError):
            self._gate.rejected = error  # never again in this process: no lock-out loop
        return error

    @staticmethod
    def _json(response: requests.Response, operation: str) -> dict[str, Any]:
        try:
            data = _json_body(response)
        except ValueError:
            kind = _printable(response.headers.get("Content-Type", "unknown").split(";")[0], 80)
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

    def create_workspace(self, body: Mapping[str, Any]) -> LiveWorkspace:
        """POST once. A lost answer raises TransportError(maybe_applied=True): look it up by name."""
        operation = f"create workspace {body.get('name')!r}"
        return parse(LiveWorkspace, self._call("POST", "/workspaces", operation, json=dict(body)), operation)

    def get_workspace(self, workspace_id: str) -> LiveWorkspace:
        operation = f"get workspace {workspace_id}"
        try:
            answer = self._call("GET", f"/workspaces/{quote(workspace_id, safe='')}", operation)
        except ApiError as exc:
            # Some regions answer a missing workspace with the generic parameter error.
            if exc.status == 400 and exc.error_code == AMBIGUOUS_NOT_FOUND_CODE and not self._listed(workspace_id):
                raise NotFoundError(exc.operation, exc.status, exc.error_code, exc.error_msg, exc.request_id) from None
            raise
        found = parse(LiveWorkspace, answer, operation)
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
