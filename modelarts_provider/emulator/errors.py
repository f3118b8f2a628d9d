"""The error answers of the emulated ModelArts and API gateway, each code defined once.

`ErrorAnswer` carries what the server turns into an answer (status, `error_code`, `error_msg`,
extra headers and body fields). Each vendor error the emulator produces has its own class below,
holding its status and code, so a component raises `WorkspaceNameExists()` instead of repeating
a status and a code string, and a test can catch the class it means.
"""

from __future__ import annotations

from typing import Any, ClassVar

AUTH_PREFIX = "Incorrect IAM authentication information: "


class ErrorAnswer(Exception):
    """An error answer: HTTP status, vendor error code and message, optional extras.

    Raised directly only where the status and code are data (an injected fault, IAM's own body
    shape); `body_extra` lets IAM add its `{"error": {...}}` next to the common fields.
    """

    def __init__(
        self,
        status: int,
        error_code: str,
        error_msg: str,
        headers: dict[str, str] | None = None,
        body_extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {error_code}: {error_msg}")
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.headers = headers or {}
        self.body_extra = body_extra or {}

    def body(self, request_id: str) -> dict[str, Any]:
        """The JSON error body, carrying the same request id as the X-Request-Id header."""
        body: dict[str, Any] = dict(self.body_extra)
        body.update(error_code=self.error_code, error_msg=self.error_msg, request_id=request_id)
        return body


class CodedError(ErrorAnswer):
    """An error whose status and code are fixed by its class; only the message varies."""

    STATUS: ClassVar[int]
    CODE: ClassVar[str]

    def __init__(self, message: str) -> None:
        super().__init__(self.STATUS, self.CODE, message)


# -- ModelArts -------------------------------------------------------------------------------------


class BadParameter(CodedError):
    """ModelArts' generic parameter error (some regions also use it for a missing workspace)."""

    STATUS, CODE = 400, "ModelArts.0104"


class WorkspaceNotFound(CodedError):
    STATUS, CODE = 400, "ModelArts.7005"

    def __init__(self, workspace_id: str) -> None:
        super().__init__(f"workspace not existed: {workspace_id[:64]}")


class WorkspaceNameExists(CodedError):
    STATUS, CODE = 400, "ModelArts.7002"

    def __init__(self) -> None:
        super().__init__("workspace name already exists")


class WorkspaceStatusAbnormal(CodedError):
    """The workspace's status forbids the action (e.g. it is already being deleted)."""

    STATUS, CODE = 400, "ModelArts.7004"

    def __init__(self, status: str) -> None:
        super().__init__(f"workspace status abnormal: {status}")


class WorkspaceLimitExceeded(CodedError):
    STATUS, CODE = 400, "ModelArts.7006"

    def __init__(self, limit: int) -> None:
        super().__init__(f"workspace number over limit ({limit})")


class DefaultWorkspaceProtected(CodedError):
    STATUS, CODE = 400, "ModelArts.3566"

    def __init__(self, action: str) -> None:
        super().__init__(f"the default workspace cannot be {action}")


class ProjectMismatch(CodedError):
    STATUS, CODE = 403, "ModelArts.0210"

    def __init__(self) -> None:
        super().__init__("project id does not match the token")


class InternalError(CodedError):
    STATUS, CODE = 500, "ModelArts.7001"

    def __init__(self) -> None:
        super().__init__("internal emulator error")


# -- API gateway -----------------------------------------------------------------------------------


class AuthenticationFailed(CodedError):
    """The gateway's authentication failure; `reason` never contains a credential."""

    STATUS, CODE = 401, "APIGW.0301"

    def __init__(self, reason: str) -> None:
        super().__init__(AUTH_PREFIX + reason)


class ApiNotFound(CodedError):
    STATUS, CODE = 404, "APIGW.0101"

    def __init__(self) -> None:
        super().__init__("the API does not exist or has not been published")


class MethodNotAllowed(CodedError):
    STATUS, CODE = 405, "APIGW.0102"

    def __init__(self, method: str, allowed: str) -> None:
        super().__init__(f"method {method} not allowed here; allowed: {allowed}")


class MalformedRequest(CodedError):
    """The request cannot be read (bad Content-Length, bad chunking, a broken request line)."""

    STATUS, CODE = 400, "APIGW.0201"


class RequestTooLarge(CodedError):
    STATUS, CODE = 413, MalformedRequest.CODE

    def __init__(self) -> None:
        super().__init__("request body too large")


def bad_param(message: str) -> ErrorAnswer:
    """Short name for `BadParameter`, as the request parsers pass it around (`Request.json`)."""
    return BadParameter(message)


def unauthorized(reason: str) -> ErrorAnswer:
    """Short name for `AuthenticationFailed`, used by the authentication components."""
    return AuthenticationFailed(reason)
