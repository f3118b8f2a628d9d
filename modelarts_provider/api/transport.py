"""One HTTP exchange that ends by a deadline whatever the server does: refuses, never answers,
answers a byte at a time, or sends an endless body.

`requests` bounds the connect and each single read (`recv`), not the whole answer: a server
that sends one byte every few seconds would keep a call alive for hours. So every exchange is
watched: when its deadline passes, a timer shuts the socket down, the blocked read returns, and
the exchange reports "no complete answer". The watch knows the connection because the session's
connection pools tell it which connection the exchange took and gave back, so it can never touch
a connection that another thread is using by then.
"""

from __future__ import annotations

import heapq
import itertools
import math
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from contextlib import suppress
from http.client import HTTPException
from typing import Any, TypeVar

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

from ..core.errors import ModelArtsError

USER_AGENT = "modelarts-provider (python-requests)"
MAX_ANSWER_BYTES = 32 * 1024 * 1024  # a list page of 1000 workspaces is well under 2 MiB
CHUNK = 64 * 1024
# The resolver says the name does not exist (a typo in an endpoint), as opposed to "try again".
UNKNOWN_HOST_ERRORS = frozenset(
    code for code in (getattr(socket, "EAI_NONAME", None), getattr(socket, "EAI_NODATA", None)) if code is not None
)
E = TypeVar("E", bound=BaseException)


class NoAnswer(Exception):
    """No usable answer. `not_sent`: the request certainly did not leave; `curable`: a repeat
    could succeed (a rejected TLS certificate will be rejected again)."""

    def __init__(self, reason: str, *, not_sent: bool, curable: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.not_sent = not_sent
        self.curable = curable


class BadAnswer(Exception):
    """An answer arrived but cannot be used: undecodable, or too large to read."""


# -- the watch ------------------------------------------------------------------------------------

_current = threading.local()


class _Watch:
    """Shuts down the connections of one exchange when its deadline passes, unless it ended."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connections: list[Any] = []
        self._ended = False
        self.fired = False

    def attach(self, connection: Any) -> None:
        with self._lock:
            self._connections.append(connection)

    def detach(self, connection: Any) -> None:
        with self._lock, suppress(ValueError):
            self._connections.remove(connection)

    def fire(self) -> None:
        with self._lock:
            if self._ended:
                return
            self.fired = True
            for connection in self._connections:
                sock = getattr(connection, "sock", None)
                if sock is not None:
                    with suppress(OSError):  # the plain socket's shutdown, also under TLS
                        socket.socket.shutdown(sock, socket.SHUT_RDWR)

    def end(self) -> None:
        with self._lock:
            self._ended = True
            self._connections.clear()

    @property
    def ended(self) -> bool:
        return self._ended


class _Watchdog:
    """One thread fires every exchange's watch when its deadline passes. A `threading.Timer`
    per exchange (a new thread per API call) cost a fifth of the native plugin's samples."""

    def __init__(self) -> None:
        self._wakeup = threading.Condition()
        self._due: list[tuple[float, int, _Watch]] = []  # a heap of (deadline, order, watch)
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._sleeping_until = -math.inf  # the deadline the thread sleeps toward (-inf: it is awake)

    def watch(self, deadline: float, watch: _Watch) -> None:
        """Fire `watch` at `deadline` (a `time.monotonic()` value) unless it has ended by then."""
        with self._wakeup:
            if len(self._due) >= PRUNE_AT and len(self._due) % PRUNE_AT == 0:
                self._due = [entry for entry in self._due if not entry[2].ended]  # ended watches wait for nothing
                heapq.heapify(self._due)
            heapq.heappush(self._due, (deadline, next(self._order), watch))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="modelarts-deadline-watch", daemon=True)
                self._thread.start()
            elif deadline < self._sleeping_until:  # sooner than the thread would wake up
                self._wakeup.notify()

    def _next_due(self) -> _Watch:
        """Wait until the earliest watch still running is due; call with the lock held."""
        while True:
            while self._due and self._due[0][2].ended:
                heapq.heappop(self._due)
            now = time.monotonic()
            if self._due and self._due[0][0] <= now:
                return heapq.heappop(self._due)[2]
            self._sleeping_until = self._due[0][0] if self._due else math.inf
            self._wakeup.wait(self._sleeping_until - now if self._due else None)
            self._sleeping_until = -math.inf

    def _run(self) -> None:
        while True:
            with self._wakeup:
                watch = self._next_due()
            watch.fire()  # outside the lock: it shuts sockets down


PRUNE_AT = 256  # pending entries at which ended watches are dropped from the heap
WATCH_FIRST = 1.0  # seconds a read may outlast the deadline, so the watch ends it (and says so)
_WATCHDOG = _Watchdog()


class _WatchedPool(HTTPConnectionPool):
    """Tells the exchange running in this thread which connection it holds, and when it gave it back."""

    def _get_conn(self, timeout: float | None = None) -> HTTPConnection:
        connection = super()._get_conn(timeout)
        watch: _Watch | None = getattr(_current, "watch", None)
        if watch is not None:
            watch.attach(connection)
        return connection  # type: ignore[return-value]

    def _put_conn(self, conn: Any) -> None:
        watch: _Watch | None = getattr(_current, "watch", None)
        if watch is not None and conn is not None:
            watch.detach(conn)
        super()._put_conn(conn)


class _WatchedHTTPSPool(_WatchedPool, HTTPSConnectionPool):
    pass


class _WatchedAdapter(HTTPAdapter):
    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedPool, "https": _WatchedHTTPSPool}


class _Session(requests.Session):
    def get_redirect_target(self, resp: requests.Response) -> str | None:
        """Never a redirect target: the client reports a 3xx itself, and `requests` would
        otherwise parse `Location` even when not following it (raising on a malformed one)."""
        return None


def new_session(pool_size: int = 32) -> requests.Session:
    """One session per client: pooled keep-alive connections, no hidden urllib3 retries, no
    environment (proxies, netrc), JSON on every request (some ModelArts pages require the header)."""
    session = _Session()
    adapter = _WatchedAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Content-Type"] = "application/json"
    session.trust_env = False
    return session


# -- one exchange ---------------------------------------------------------------------------------


def _cause(exc: BaseException, kind: type[E]) -> E | None:
    """The first `kind` in the chain of wrapped causes (requests wraps urllib3 wraps socket/ssl)."""
    seen: set[int] = set()
    pending: list[Any] = [exc]
    while pending:
        item = pending.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, kind):
            return item
        pending += [getattr(item, "reason", None), item.__cause__, item.__context__, *item.args]
    return None


def _no_answer(exc: Exception, host: str) -> NoAnswer:
    """Classify a failed exchange: did the request leave, and can a repeat help?"""
    reason = f"{type(exc).__name__} talking to {host}"
    unknown_host = _cause(exc, socket.gaierror)
    if unknown_host is not None and unknown_host.errno in UNKNOWN_HOST_ERRORS:
        return NoAnswer(f"{reason}: no such host", not_sent=True, curable=False)
    if isinstance(exc, ValueError) and not isinstance(exc, requests.RequestException):
        # http.client refusing our own request (a header value with a line break): not sent, and
        # it would be refused again
        return NoAnswer(f"{reason}: the request could not be sent", not_sent=True, curable=False)
    if _cause(exc, ssl.SSLCertVerificationError) is not None:
        return NoAnswer(f"{reason}: the TLS certificate was not accepted", not_sent=True, curable=False)
    if isinstance(exc, requests.exceptions.ConnectTimeout) or _cause(exc, NewConnectionError) is not None:
        return NoAnswer(reason, not_sent=True)
    return NoAnswer(reason, not_sent=False)


def _read_body(response: requests.Response) -> bytes:
    if response.raw is None:  # an adapter that answers without a socket (tests of code above this one)
        return response.content or b""
    body = bytearray()
    for chunk in response.iter_content(CHUNK):
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            response.close()
            raise BadAnswer(f"the answer is larger than {MAX_ANSWER_BYTES // 2**20} MiB; not read further")
    return bytes(body)


def exchange(
    session: requests.Session,
    method: str,
    url: str,
    *,
    end: float,
    connect_timeout: float,
    read_timeout: float,
    verify: bool,
    params: Mapping[str, Any] | None = None,
    json: Any = None,
    auth: requests.auth.AuthBase | None = None,
) -> requests.Response:
    """Send one request and read the whole answer by `end` (a `time.monotonic()` value).

    Returns the response with its body read (any status); raises NoAnswer, or BadAnswer for an
    answer that cannot be decoded or is too large. Authentication runs first, outside the
    watch: a token it has to fetch is an API call of its own, with its own deadline.
    """
    host = url.split("/")[2] if url.count("/") >= 2 else url
    try:
        prepared = session.prepare_request(requests.Request(method, url, params=params, json=json, auth=auth))
    except ModelArtsError:
        raise  # from the token request that signing needed: already one clear error
    except (requests.RequestException, ValueError) as exc:  # its text may quote a header: never shown
        reason = f"cannot build a request to {host} ({type(exc).__name__})"
        raise NoAnswer(reason, not_sent=True, curable=False) from None
    left = end - time.monotonic()
    if left <= 0:
        raise NoAnswer("not sent: no time left before the deadline", not_sent=True)
    watch = _Watch()
    outer = getattr(_current, "watch", None)
    _current.watch = watch
    _WATCHDOG.watch(time.monotonic() + left, watch)
    try:
        response = session.send(
            prepared,
            stream=True,
            # the read timeout is never the first to end a call at its deadline: the watch is
            timeout=(min(connect_timeout, left), min(read_timeout, left + WATCH_FIRST)),
            verify=verify,
            allow_redirects=False,
        )
        content = _read_body(response)
    except requests.exceptions.ContentDecodingError:
        raise BadAnswer(f"the answer from {host} could not be decoded") from None
    except (requests.RequestException, urllib3.exceptions.HTTPError, HTTPException, OSError, ValueError) as exc:
        failure = _no_answer(exc, host)
        if watch.fired and not failure.not_sent:  # a connection the deadline cut before it was made sent nothing
            raise NoAnswer(f"no complete answer from {host} within the deadline", not_sent=False) from None
        raise failure from None
    finally:
        watch.end()
        _current.watch = outer
    if watch.fired:  # an answer cut short may still look complete (a body that ends at close)
        raise NoAnswer(f"no complete answer from {host} within the deadline", not_sent=False)
    response._content = content
    return response
