"""The HTTP transport: a threading HTTP/1.1 server with keep-alive, JSON in and out.

Faults that concern the connection (latency, status, drop, lost_response, loss) are applied
here, after routing and counting, because only this layer can withhold a response or close the
socket.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import admin, routes
from .errors import ErrorAnswer, InjectedFault, InternalError, MalformedRequest
from .faults import TRANSPORT_KINDS
from .messages import Request, Response, error_response
from .state import State

MAX_BODY = 8 * 1024 * 1024
Logger = Callable[[str], None]


class EmulatorHTTPServer(ThreadingHTTPServer):
    """Tracks open connections so stop() can close idle keep-alive sockets too."""

    daemon_threads = True
    request_queue_size = 128  # tests open 32+ connections at once

    def __init__(self, address: tuple[str, int], state: State, log: Logger | None) -> None:
        super().__init__(address, RequestHandler)
        self.state = state
        self.log = log
        self._conn_lock = threading.Lock()
        self._open: set[socket.socket] = set()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conn_lock:
            self._open.add(request)
        self.state.counters.connection()
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conn_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-response is normal; only say more when verbose."""
        if self.log is not None:
            self.log(f"connection error: {traceback.format_exc().rstrip()}")

    def close_connections(self) -> None:
        """Wake every handler blocked on a keep-alive socket so it ends."""
        with self._conn_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _printable(text: str, limit: int = 200) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text[:limit])


class RequestHandler(BaseHTTPRequestHandler):
    """One instance per connection; each request goes through `_dispatch`."""

    protocol_version = "HTTP/1.1"
    server_version = "ModelArtsEmulator/1.0"
    # Headers and body are two writes; without TCP_NODELAY each keep-alive response would
    # stall ~40 ms on Nagle + delayed ACK.
    disable_nagle_algorithm = True
    server: EmulatorHTTPServer

    def version_string(self) -> str:
        return self.server_version

    # BaseHTTPRequestHandler looks these names up; every method takes the same path.
    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: the default log would go to stderr for every request."""

    def _log(self, status: str) -> None:
        if self.server.log is not None:
            # Protocol errors can happen before the request line was parsed.
            path = _printable(getattr(self, "path", "").partition("?")[0])
            self.server.log(f"{self.command or '-'} {path or '-'} {status}")

    # -- body and response ---------------------------------------------------------------

    def _read_body(self) -> bytes:
        """The request body; raises ErrorAnswer (and marks the connection to close) if unreadable."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        raw = self.headers.get("Content-Length")
        if raw is None:
            return b""
        if not raw.strip().isdigit():
            self.close_connection = True
            raise MalformedRequest("invalid Content-Length")
        length = int(raw)
        if length > MAX_BODY:
            self.close_connection = True
            raise MalformedRequest("request body too large", 413)
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024).split(b";")[0].strip()
            try:
                size = int(line, 16)
            except ValueError:
                self.close_connection = True
                raise MalformedRequest("invalid chunked body") from None
            if size == 0:
                while self.rfile.readline(1024).strip():
                    pass  # trailers
                return b"".join(parts)
            total += size
            if total > MAX_BODY:
                self.close_connection = True
                raise MalformedRequest("request body too large", 413)
            parts.append(self.rfile.read(size))
            self.rfile.readline(8)

    def _send(self, response: Response, request_id: str) -> None:
        payload = json.dumps(response.body, ensure_ascii=False).encode("utf-8")
        self.send_response(response.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Request-Id", request_id)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        self._log(str(response.status))

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Protocol-level errors (bad request line, unsupported method) as JSON too."""
        self.close_connection = True
        request_id = uuid.uuid4().hex
        error = MalformedRequest(message or "bad request", code)  # the status http.server picked
        with contextlib.suppress(OSError):
            self._send(error_response(error, request_id), request_id)

    # -- the request pipeline --------------------------------------------------------------

    def _dispatch(self) -> None:
        request_id = uuid.uuid4().hex
        state = self.server.state
        try:
            body = self._read_body()
        except ErrorAnswer as error:
            self._send(error_response(error, request_id), request_id)
            return
        raw_path, _, query = self.path.partition("?")
        query = query.partition("#")[0]
        request = Request(
            method=self.command,
            raw_path=raw_path,
            query=query,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )
        if raw_path.startswith(admin.PREFIX):
            self._send(self._answer(lambda: admin.handle(state, request), request_id), request_id)
            return

        found = routes.match(request.method, raw_path)
        state.counters.record(routes.count_kind(request.method, raw_path), found.count_key)
        if state.config.latency > 0:
            time.sleep(state.config.latency)
        fault = state.faults.take(TRANSPORT_KINDS, request.method, raw_path)
        if fault is not None and fault.kind == "latency":
            time.sleep(fault.seconds)
        elif fault is not None and fault.kind == "status":
            answer = InjectedFault(fault.status, fault.error_code, fault.retry_after)
            self._send(error_response(answer, request_id), request_id)
            return
        elif fault is not None and fault.kind == "drop":
            self.close_connection = True
            self._log("dropped")
            return

        def run() -> Response:
            if found.handler is None:
                assert found.error is not None
                raise found.error
            return found.handler(state, request, found.params)

        response = self._answer(run, request_id)
        if fault is not None and fault.kind == "lost_response":
            self.close_connection = True
            self._log(f"{response.status} (response lost)")
            return
        self._send(response, request_id)

    def _answer(self, action: Callable[[], Response], request_id: str) -> Response:
        try:
            return action()
        except ErrorAnswer as error:
            return error_response(error, request_id)
        except Exception:  # a bug must answer 500, not kill the connection
            if self.server.log is not None:
                self.server.log(traceback.format_exc().rstrip())
            return error_response(InternalError(), request_id)
