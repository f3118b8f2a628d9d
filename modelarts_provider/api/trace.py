"""The debug switch's output (`modelarts:debug` / `HW_MODELARTS_DEBUG`): one stderr line per
attempt of an API call, so a user meeting the real service for the first time sees what was
sent and what came back. Built only from the method, the path and query, the status, ModelArts'
error code and request id, the duration and the retry decision: never a header (tokens,
signatures, security tokens) or a body (passwords, keys)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

PREFIX = "modelarts-debug:"
_lock = threading.Lock()  # calls run on several threads: whole lines, never interleaved
# Where the lines go instead of stderr: the native plugin's stderr is hidden by the Pulumi
# engine (it shows a resource plugin's output only in its own debug logs), so the plugin sends
# them to the engine's log, which `pulumi up` prints.
_sink: Callable[[str], None] | None = None


def send_to(sink: Callable[[str], None] | None) -> None:
    """Send the lines to `sink` (None: back to stderr)."""
    global _sink
    _sink = sink


def target(url: str, params: Mapping[str, Any] | None) -> str:
    """The path and query of a call, without scheme and host."""
    path = urlsplit(url).path or "/"
    if not params:
        return path
    query = {k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items() if v is not None}
    return f"{path}?{urlencode(sorted(query.items()))}" if query else path


def line(
    method: str,
    where: str,
    outcome: str,
    request_id: str | None,
    seconds: float,
    attempt: int,
    then: str | None,
) -> str:
    """`modelarts-debug: GET /v1/P/workspaces/ID -> 200 request_id=R 0.031s attempt 1`, and what
    happens next when the attempt is not the last (`retrying in 0.4s`)."""
    rid = f" request_id={request_id}" if request_id else ""
    after = f"; {then}" if then else ""
    return f"{PREFIX} {method} {where} -> {outcome}{rid} {seconds:.3f}s attempt {attempt}{after}"


def emit(text: str) -> None:
    sink = _sink
    if sink is not None:
        sink(text)
        return
    with _lock:
        print(text, file=sys.stderr, flush=True)
