"""Every error answer of the emulator, each code defined once, in the way moto's exceptions are.

`ErrorAnswer` carries what the server turns into an answer (status, `error_code`, `error_msg`,
extra headers). Each error the emulator produces has its own class below holding its status and
code, so a component raises `WorkspaceNameExists()` instead of repeating a status and a code
string, and a test can catch the class it means. IAM's classes add IAM's own `{"error": {...}}`
object to the body, as the vendor's IAM pages show it.
"""

from __future__ import annotations

from typing import Any, ClassVar

AUTH_PREFIX = "Incorrect IAM authentication information: "


class ErrorAnswer(Exception):
    """An error answer: HTTP status, error code and message, extra headers.

    Not raised itself: the classes below fix the status and code of each error.
    """

    def __init__(self, status: int, error_code: str, error_msg: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {error_code}: {error_msg}")
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.headers = headers or {}

    def body(self, request_id: str) -> dict[str, Any]:
        """The JSON error body, carrying the same request id as the X-Request-Id header."""
        return {"error_code": self.error_code, "error_msg": self.error_msg, "request_id": request_id}


class CodedError(ErrorAnswer):
    """An error whose status and code are fixed by its class; `MESSAGE` is the message of the
    errors that always say the same, the others pass theirs."""

    STATUS: ClassVar[int]
    CODE: ClassVar[str]
    MESSAGE: ClassVar[str] = ""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(self.STATUS, self.CODE, self.MESSAGE if message is None else message)


# -- ModelArts -------------------------------------------------------------------------------------


class BadParameter(CodedError):
    """ModelArts' generic parameter error (some regions also use it for a missing workspace)."""

    STATUS, CODE = 400, "ModelArts.0104"


class WorkspaceNotFound(CodedError):
    STATUS, CODE = 400, "ModelArts.7005"

    def __init__(self, workspace_id: str) -> None:
        super().__init__(f"workspace not existed: {workspace_id[:64]}")


class WorkspaceNameExists(CodedError):
    """A workspace already has the name. Assumption taken-name-code (docs/emulator.md): no vendor
    source names this code; the emulator answers 7002 unless a test chooses another
    (`EmulatorConfig.taken_name_code`), so the provider is proven not to depend on it."""

    STATUS, CODE, MESSAGE = 400, "ModelArts.7002", "workspace name already exists"

    def __init__(self, code: str | None = None) -> None:
        ErrorAnswer.__init__(self, self.STATUS, code or self.CODE, self.MESSAGE)


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
    STATUS, CODE, MESSAGE = 403, "ModelArts.0210", "project id does not match the token"


class ActionDenied(CodedError):
    """The caller's policy does not allow the ModelArts action (least-privilege tests)."""

    STATUS, CODE = 403, "ModelArts.0112"

    def __init__(self, action: str) -> None:
        super().__init__(f"Policy doesn't allow {action} to be performed.")


class InternalError(CodedError):
    STATUS, CODE, MESSAGE = 500, "ModelArts.7001", "internal emulator error"


# -- API gateway -----------------------------------------------------------------------------------


class AuthenticationFailed(CodedError):
    """The gateway's authentication failure; `reason` never contains a credential."""

    STATUS, CODE = 401, "APIGW.0301"

    def __init__(self, reason: str) -> None:
        super().__init__(AUTH_PREFIX + reason)


class ApiNotFound(CodedError):
    STATUS, CODE, MESSAGE = 404, "APIGW.0101", "the API does not exist or has not been published"


class MethodNotAllowed(CodedError):
    STATUS, CODE = 405, "APIGW.0102"

    def __init__(self, method: str, allowed: str) -> None:
        super().__init__(f"method {method} not allowed here; allowed: {allowed}")


class MalformedRequest(CodedError):
    """The request cannot be read (bad Content-Length, bad chunking, a broken request line).

    `status` is 400 unless the reader knows better: 413 for a body over the limit, or whatever
    `http.server` chose when it refused the request line or headers."""

    STATUS, CODE = 400, "APIGW.0201"

    def __init__(self, message: str, status: int = 400) -> None:
        ErrorAnswer.__init__(self, status, self.CODE, message)


# -- IAM -------------------------------------------------------------------------------------------


class IamError(CodedError):
    """IAM's error shape: its own `{"error": {code, message[, title]}}` plus the common fields.

    `TITLE` None leaves the title out, as IAM's permission denial does."""

    TITLE: ClassVar[str | None]

    def body(self, request_id: str) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.status, "message": self.error_msg}
        if self.TITLE is not None:
            error["title"] = self.TITLE
        return {"error": error, **super().body(request_id)}


class IamBadRequest(IamError):
    STATUS, CODE, TITLE = 400, "IAM.0011", "Bad Request"


class IamWrongPassword(IamError):
    STATUS, CODE, TITLE = 401, "IAM.0004", "Unauthorized"
    MESSAGE = "The username or password is wrong."


class IamActionDenied(IamError):
    """The caller's policy does not allow the IAM action."""

    STATUS, CODE, TITLE = 403, "IAM.0003", None

    def __init__(self, action: str) -> None:
        super().__init__(f"Policy doesn't allow {action} to be performed.")


class AgencyNotFound(IamError):
    """The vendor page names no code for an unknown or untrusting agency: 404 in IAM's shape."""

    STATUS, CODE, TITLE = 404, "IAM.0023", "Not Found"
    MESSAGE = "The agency does not exist or does not trust this account."


# -- the emulator's own control endpoints (/_emulator/...) ----------------------------------------


class AdminBadRequest(CodedError):
    STATUS, CODE = 400, "Emulator.0400"


class AdminNotFound(CodedError):
    STATUS, CODE = 404, "Emulator.0404"

    def __init__(self, path: str) -> None:
        super().__init__(f"unknown admin endpoint {path}")


class AdminMethodNotAllowed(CodedError):
    STATUS, CODE = 405, "Emulator.0405"

    def __init__(self, method: str, path: str) -> None:
        super().__init__(f"method {method} not allowed on {path}")


# -- injected ---------------------------------------------------------------------------------------


class InjectedFault(ErrorAnswer):
    """A `status` fault's answer: status and code are the test's data (default 503 ModelArts.7001)."""

    def __init__(self, status: int, error_code: str, retry_after: float | None) -> None:
        headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
        super().__init__(status, error_code, f"emulated fault: HTTP {status}", headers)
