"""A loopback HTTP server that answers exactly the bytes a test gives it, as slowly as it is told,
or never: for the answers a real server (or a broken proxy in front of one) can give and the
emulator does not (garbage status lines, one byte at a time, silence, endless bodies, redirects).

It records every request it reads (method, path, headers), so tests can also check what the
client sends.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import TracebackType


@dataclass(frozen=True)
class Reply:
    """What the server does with one request."""

    data: bytes = b""  # sent as is (status line, headers, body)
    pause: float = 0.0  # seconds between two bytes: > 0 sends one byte at a time
    silent: bool = False  # never answer (until the client gives up)
    endless: bool = False  # after `data`, send body bytes until the client gives up
    close: bool = True  # close the connection after the reply


def answer(
    status: int = 200,
    body: bytes = b"{}",
    headers: dict[str, str] | None = None,
    reason: str = "X",
    length: bool = True,
) -> bytes:
    """The bytes of an HTTP/1.1 answer; `length` False leaves out Content-Length (body ends at close).
    It says `Connection: close`, as the server closes after each reply."""
    lines = [f"HTTP/1.1 {status} {reason}"]
    merged = {"Content-Type": "application/json", "Connection": "close", **(headers or {})}
    if length:
        merged["Content-Length"] = str(len(body))
    lines += [f"{name}: {value}" for name, value in merged.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)


class RawServer:
    """Serves `replies` in order to successive requests; the last one repeats."""

    def __init__(self, *replies: Reply) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._replies: list[Reply] = list(replies) or [Reply(answer())]
        self._open: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self.seen: list[Seen] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def respond(self, *replies: Reply) -> None:
        with self._lock:
            self._replies = list(replies)
            self.seen.clear()

    def _next(self) -> Reply:
        with self._lock:
            return self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self._open.add(conn)
            worker = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(worker)
            worker.start()

    def _read_request(self, conn: socket.socket, buffer: bytearray) -> Seen | None:
        while b"\r\n\r\n" not in buffer:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            buffer += chunk
        head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0)
        while len(rest) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            rest += chunk
        buffer[:] = rest[length:]
        method, path, *_ = [*request_line.split(" "), "", ""]
        return Seen(method, path, headers)

    def _serve(self, conn: socket.socket) -> None:
        buffer = bytearray()
        try:
            while not self._stopping.is_set():
                seen = self._read_request(conn, buffer)
                if seen is None:
                    return
                reply = self._next()
                with self._lock:
                    self.seen.append(seen)
                if not self._send(conn, reply) or reply.close:
                    return
        except OSError:
            return
        finally:
            with self._lock:
                self._open.discard(conn)
            with contextlib.suppress(OSError):
                conn.close()

    def _send(self, conn: socket.socket, reply: Reply) -> bool:
        """False when the connection is done for (silence ended, the client went away)."""
        if reply.silent:
            conn.settimeout(0.1)
            while not self._stopping.is_set():  # until the client closes its end
                with contextlib.suppress(TimeoutError):
                    if not conn.recv(1024):
                        return False
            return False
        if reply.pause > 0:
            for byte in reply.data:
                if self._stopping.wait(reply.pause):
                    return False
                conn.sendall(bytes([byte]))
        else:
            conn.sendall(reply.data)
        while reply.endless and not self._stopping.is_set():
            conn.sendall(b"x" * 65536)
        return True

    def stop(self) -> None:
        self._stopping.set()
        self._accepting.join(timeout=5)
        self._listener.close()
        with self._lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for worker in self._threads:
            worker.join(timeout=5)

    def __enter__(self) -> RawServer:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


@contextlib.contextmanager
def timed() -> Iterator[list[float]]:
    """Yields a list that holds the seconds the block took, once it ended."""
    took: list[float] = []
    start = time.monotonic()
    try:
        yield took
    finally:
        took.append(time.monotonic() - start)
