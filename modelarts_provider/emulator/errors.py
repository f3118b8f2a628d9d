"""The one exception the emulator's components raise to produce an HTTP error answer."""

from __future__ import annotations

from typing import Any

AUTH_PREFIX = "Incorrect IAM authentication information: "


class ApiError(Exception):
    """An error answer: HTTP status, vendor error code and message, optional extras.

    `body_extra` lets IAM add its own `{"error": {...}}` shape next to the common fields.
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


def bad_param(message: str) -> ApiError:
    """ModelArts' generic parameter error."""
    return ApiError(400, "ModelArts.0104", message)


def unauthorized(reason: str) -> ApiError:
    """The API gateway's authentication failure; `reason` never contains a credential."""
    return ApiError(401, "APIGW.0301", AUTH_PREFIX + reason)
