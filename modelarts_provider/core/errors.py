"""One small exception hierarchy, so callers can tell "fix your input" from "try again later".

Messages are built only from the operation, the HTTP status and ModelArts' own error fields:
never from request headers or bodies, so no credential can leak through an exception.
"""

from __future__ import annotations

from . import error_codes


class ModelArtsError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigurationError(ModelArtsError):
    """Settings are missing or contradictory; the message says which setting to fix."""


class InputError(ModelArtsError):
    """An argument breaks a documented rule (checked before any request); the message names
    the argument and the rule."""


class ApiError(ModelArtsError):
    """ModelArts (or IAM) answered with an error status."""

    def __init__(
        self,
        operation: str,
        status: int,
        error_code: str | None = None,
        error_msg: str | None = None,
        request_id: str | None = None,
        note: str | None = None,
    ) -> None:
        self.operation = operation
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.note = note  # why the client stopped retrying, when that is not obvious
        super().__init__(self._describe())

    def _describe(self) -> str:
        code = f" {self.error_code}" if self.error_code else ""
        msg = f": {self.error_msg}" if self.error_msg else ""
        rid = f" (request id {self.request_id})" if self.request_id else ""
        note = f"; {self.note}" if self.note else ""
        return f"{self.operation} failed with HTTP {self.status}{code}{msg}{rid}{note}{self.hint()}"

    def hint(self) -> str:
        return ""

    def __reduce__(self) -> tuple[object, ...]:
        args = (self.operation, self.status, self.error_code, self.error_msg, self.request_id, self.note)
        return (type(self), args)


class NotFoundError(ApiError):
    """The workspace does not exist (HTTP 404, or 400 with ModelArts.7005/0102)."""


class AuthenticationError(ApiError):
    """Credentials were rejected; retrying would only lock the key."""

    def hint(self) -> str:
        return "; check the access key/secret key, token or user name/password/domain settings"


class PermissionDeniedError(ApiError):
    """The credentials are valid but not allowed to do this."""

    def hint(self) -> str:
        if self.error_code == error_codes.PROJECT_MISMATCH:
            return "; the project id does not belong to these credentials: check huaweicloud:projectId (HW_PROJECT_ID)"
        return "; the IAM policy of these credentials does not allow it (policies per job: docs/configuration.md)"


class ThrottledError(ApiError):
    """Too many requests (HTTP 429) after the allowed retries, or with no time left to wait."""


class ServerError(ApiError):
    """ModelArts failed on its side (HTTP 5xx) after the allowed retries, or with no time left."""


class TransportError(ModelArtsError):
    """No usable answer within the deadline: connection refused or dropped, timeouts, an answer
    that never completed.

    `maybe_applied` is true when the request may have reached the server, so the caller must
    check the outcome before repeating a non-idempotent call.
    """

    def __init__(self, operation: str, reason: str, maybe_applied: bool) -> None:
        self.operation = operation
        self.reason = reason
        self.maybe_applied = maybe_applied
        super().__init__(f"{operation} failed: {reason}")

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.operation, self.reason, self.maybe_applied))


class ResponseError(ModelArtsError):
    """The answer could not be used: not JSON, missing fields we rely on, too large, or a
    redirect (never followed: it would carry the credentials elsewhere)."""


class WorkspaceStateError(ModelArtsError):
    """A workspace ended in a failed state, or did not reach the wanted state in time."""


def api_error_for(
    operation: str,
    status: int,
    error_code: str | None,
    error_msg: str | None,
    request_id: str | None,
    note: str | None = None,
) -> ApiError:
    """Pick the exception class from the status and ModelArts' error code."""
    cls: type[ApiError]
    if status == 404 or (status == 400 and error_code in error_codes.NOT_FOUND):
        cls = NotFoundError
    elif status == 401:
        cls = AuthenticationError
    elif status == 403:
        cls = PermissionDeniedError
    elif status == 429:
        cls = ThrottledError
    elif status >= 500:
        cls = ServerError
    else:
        cls = ApiError
    return cls(operation, status, error_code, error_msg, request_id, note)
