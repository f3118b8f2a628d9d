"""One logical API call, whoever it is for (IAM or ModelArts): sent over one keep-alive
session, repeated as `retrying` decides, guarded by the credential's gate, and ended by its
deadline (`retryDeadline`) with a 2xx answer or one of this package's errors."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from ..core import deadline
from ..core.errors import AuthenticationError, ResponseError, TransportError, api_error_for
from ..core.settings import Settings
from . import trace as api_trace
from . import transport
from .auth import Authenticator
from .gate import gate_for
from .retrying import Decision, Outcome, backoff, decide, retry_after_seconds
from .transport import new_session

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class CallRequest:
    """What one logical call sends, carried unchanged through its attempts."""

    method: str
    url: str
    operation: str
    params: Mapping[str, Any] | None
    json: Any
    auth: requests.auth.AuthBase | None
    retry_post: bool  # a POST that may be repeated (IAM's token requests)


class ApiCaller:
    """Sends calls for one set of settings. Safe to share between threads. Its owner (one
    `ModelArtsClient`, itself a context manager) closes it to release its connections."""

    def __init__(self, settings: Settings, session: requests.Session | None = None) -> None:
        self.settings = settings
        self.session = session or new_session()
        self._gate = gate_for(settings.identity())  # shared by every client of this credential
        self.calls: Counter[str] = Counter()

    def close(self) -> None:
        self.session.close()

    def send(
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
        call = CallRequest(method, url, operation, params, json, auth, retry_post)
        with deadline.time_limit(self.settings.retry_deadline, self._retry_deadline()) as end:
            return self._attempts(call, end)

    def _retry_deadline(self) -> str:
        return f"deadline {self.settings.retry_deadline:g}s: modelarts:retryDeadline or HW_MODELARTS_RETRY_DEADLINE"

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

    def _request(self, call: CallRequest, end: float) -> requests.Response:
        """One HTTP exchange. Until the server has accepted one authenticated request, such
        requests go one at a time, so wrong credentials cost one rejected request, not one per
        thread (five bad signatures lock an access key); once one is accepted, the requests that
        waited for it go out together, not one round trip after another."""
        s, auth = self.settings, call.auth
        if isinstance(auth, Authenticator):
            auth.prepare()

        def send() -> requests.Response:
            return transport.exchange(
                self.session,
                call.method,
                call.url,
                end=end,
                connect_timeout=s.connect_timeout,
                read_timeout=s.read_timeout,
                verify=not s.insecure,
                params=call.params,
                json=call.json,
                auth=auth,
            )

        if auth is None or self._gate.accepted.is_set():
            return send()
        if not self._gate.first_call.acquire(timeout=max(0.0, end - time.monotonic())):
            raise transport.NoAnswer("not sent: the first call of this run did not end in time", not_sent=True)
        if self._gate.accepted.is_set():  # accepted while this call waited: it goes alongside the others
            self._gate.first_call.release()
            return send()
        try:
            self._raise_if_rejected(call.operation)
            response = send()
            status = response.status_code
            if status == 401 and not getattr(auth, "renewable", False):
                self._gate.rejected = AuthenticationError(call.operation, status, *_error_fields(response))
            elif status < 300 or status in (400, 403, 404):  # the credentials themselves were accepted
                self._gate.accepted.set()
            return response
        finally:
            self._gate.first_call.release()

    def _attempts(self, call: CallRequest, end: float) -> requests.Response:
        s, operation, auth = self.settings, call.operation, call.auth
        repeatable = call.method in REPEATABLE_METHODS or call.retry_post
        started = time.monotonic()
        attempts = error_retries = 0
        renewed = maybe_applied = False
        while True:
            self.calls["IAM" if "/v3" in call.url else call.method] += 1
            attempts += 1
            response: requests.Response | None = None
            failure: transport.NoAnswer | None = None
            attempt_started = time.monotonic()
            try:
                response = self._request(call, end)
            except transport.NoAnswer as exc:
                failure = exc
                outcome = Outcome(not_sent=exc.not_sent, curable=exc.curable)
            except transport.BadAnswer as exc:
                self._trace(call, f"unusable answer ({exc})", None, attempt_started, attempts, "giving up")
                raise ResponseError(f"{operation}: {exc}") from None
            else:
                header = response.headers.get("Retry-After")
                outcome = Outcome(response.status_code, retry_after=retry_after_seconds(header, time.time()))
            maybe_applied |= response is None and not outcome.not_sent
            can_renew = not renewed and isinstance(auth, Authenticator) and auth.renewable
            decision = decide(
                outcome,
                repeatable=repeatable,
                error_retries=error_retries,
                max_retries=s.max_retries,
                time_left=end - time.monotonic(),
                can_renew=can_renew,
                backoff_delay=backoff(attempts - 1),
            )
            if s.debug:
                self._trace_attempt(call, response, failure, attempt_started, attempts, decision)
            if decision.action == "done" and response is not None:
                return response
            if decision.action == "renew" and response is not None and isinstance(auth, Authenticator):
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

    def _trace_attempt(
        self,
        call: CallRequest,
        response: requests.Response | None,
        failure: transport.NoAnswer | None,
        started: float,
        attempt: int,
        decision: Decision,
    ) -> None:
        """The debug line of one attempt: what came back and what happens next."""
        request_id: str | None = None
        if response is None:
            outcome = f"no answer ({failure.reason if failure is not None else 'unknown'})"
        elif response.status_code < 400:
            outcome = str(response.status_code)
            request_id = _printable(response.headers.get("X-Request-Id"), 128)
        else:
            code, _msg, request_id = _error_fields(response)
            outcome = f"{response.status_code} {code}" if code else str(response.status_code)
        then = {
            "done": None,
            "renew": "token rejected, fetching a new one",
            "fail": f"giving up ({decision.why})" if decision.why not in ("", "answer") else None,
        }.get(decision.action, f"retrying in {decision.delay:.1f}s")
        self._trace(call, outcome, request_id, started, attempt, then)

    def _trace(
        self, call: CallRequest, outcome: str, request_id: str | None, started: float, attempt: int, then: str | None
    ) -> None:
        if self.settings.debug:
            where = api_trace.target(call.url, call.params)
            elapsed = time.monotonic() - started
            api_trace.emit(api_trace.line(call.method, where, outcome, request_id, elapsed, attempt, then))

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
        bound = deadline.current()  # the call's own retryDeadline, or an enclosing limit that ends first
        if decision.why == "deadline":
            deadline.ran_out()
        limit = (bound.label if bound is not None else "") or self._retry_deadline()
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
    def json_object(response: requests.Response, operation: str) -> dict[str, Any]:
        try:
            data = _json_body(response)
        except ValueError:
            kind = _printable(response.headers.get("Content-Type", "unknown").split(";")[0], 80)
            raise ResponseError(f"{operation}: the answer is not JSON ({kind}, HTTP {response.status_code})") from None
        if not isinstance(data, dict):
            raise ResponseError(f"{operation}: expected a JSON object, got {type(data).__name__}")
        return data
