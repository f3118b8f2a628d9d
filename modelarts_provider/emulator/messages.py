"""Transport-neutral request and response values passed between the server and the routes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from .errors import BadParameter, ErrorAnswer


@dataclass(frozen=True)
class Request:
    """A request as received: raw path and query (needed for signature checks), lower-case headers."""

    method: str
    raw_path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def query_params(self) -> dict[str, str]:
        """First value of each query parameter, blank values kept."""
        params: dict[str, str] = {}
        for key, value in parse_qsl(self.query, keep_blank_values=True):
            params.setdefault(key, value)
        return params

    def json(self, error: Callable[[str], ErrorAnswer] = BadParameter) -> Any:
        """The decoded JSON body; None when there is no body. `error` is the answer to JSON that
        cannot be decoded (IAM and the admin endpoints have their own)."""
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise error("request body is not valid UTF-8 JSON") from None


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def error_response(error: ErrorAnswer, request_id: str) -> Response:
    """The answer to `error`, its body naming the request id the X-Request-Id header carries."""
    return Response(error.status, error.body(request_id), dict(error.headers))
