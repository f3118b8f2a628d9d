"""`Emulator`: the Python face of the emulator for tests and the CLI."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from .admin import set_policy
from .config import EmulatorConfig
from .faults import Fault
from .server import EmulatorHTTPServer
from .state import State


def _stderr_log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class Emulator:
    """A ModelArts + IAM emulator serving on 127.0.0.1 from daemon threads.

    State (workspaces, tokens, faults, counters) lives in the object, so it survives a
    stop()/start() cycle; the port does not (port 0 picks a new free one).
    """

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self._state = State(config or EmulatorConfig())
        if self.config.loss > 0:  # random loss from the first request on
            loss = Fault(kind="loss", probability=self.config.loss, seed=self.config.loss_seed, count=None)
            self._state.faults.add(loss)
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lifecycle = threading.Lock()

    @property
    def config(self) -> EmulatorConfig:
        """The live configuration: change latency, delete_duration or token_lifetime at runtime."""
        return self._state.config

    @property
    def url(self) -> str:
        """`http://HOST:PORT` without a trailing slash; IAM and ModelArts share it."""
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Emulator:
        with self._lifecycle:
            if self._server is None:
                log = _stderr_log if self.config.verbose else None
                server = EmulatorHTTPServer((self.config.host, self.config.port), self._state, log)
                thread = threading.Thread(
                    target=server.serve_forever, args=(0.01,), name="modelarts-emulator", daemon=True
                )
                thread.start()
                self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop serving, close idle keep-alive connections and the listening socket."""
        with self._lifecycle:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- faults and counters ---------------------------------------------------------------

    def add_fault(self, fault: Fault) -> None:
        self._state.faults.add(fault)

    def clear_faults(self) -> None:
        self._state.faults.clear()

    def faults(self) -> list[Fault]:
        """Faults not yet used up, in firing order."""
        return self._state.faults.pending()

    def counts(self) -> dict[str, int]:
        """Requests by kind: IAM, POST, GET, PUT, DELETE, and total."""
        return self._state.counters.kinds()

    def route_counts(self) -> dict[str, int]:
        """Requests by `METHOD /path/{template}`."""
        return self._state.counters.routes()

    def reset_counts(self) -> None:
        self._state.counters.reset()

    def deletions(self) -> list[dict[str, Any]]:
        """Deletion timelines (accepted, gone, noticed, notice_lag) since the last reset."""
        return self._state.store.deletions()

    def reset_deletions(self) -> None:
        self._state.store.reset_deletions()

    def connections(self) -> int:
        """TCP connections accepted since the last `reset_counts()` (keep-alive checks)."""
        return self._state.counters.connections()

    # -- tokens and workspaces -------------------------------------------------------------

    def expire_tokens(self) -> None:
        """Every token issued so far becomes expired (token renewal tests)."""
        self._state.iam.expire_tokens()

    def issue_token(self) -> str:
        """A valid project-scoped token, without an IAM call (not counted)."""
        return self._state.iam.issue_project_token()

    def issued_tokens(self) -> list[str]:
        """Token values issued so far (secret-leak tests search for them)."""
        return self._state.iam.issued()

    def temporary_credentials(self) -> list[str]:
        """Temporary access keys, secret keys and security tokens issued (secret-leak tests)."""
        return self._state.iam.temporary_keys()

    def restrict(self, principal: str, actions: Iterable[str] | None) -> None:
        """Allow `principal` (access key, IAM user name or agency name) only `actions`, like an
        IAM policy; None lifts the restriction."""
        set_policy(self._state, principal, actions)

    def workspaces(self) -> list[dict[str, Any]]:
        """Every workspace, default included, with grants and status."""
        return self._state.store.snapshot()

    def put_workspace_raw(self, workspace_id: str, **fields: Any) -> dict[str, Any]:
        """Change (or create) a workspace out of band, bypassing validation (drift tests)."""
        return self._state.store.put_raw(workspace_id, fields)

    def remove_workspace_raw(self, workspace_id: str) -> bool:
        """Delete a workspace immediately; False if it did not exist."""
        return self._state.store.remove_raw(workspace_id)

    # -- quotas ------------------------------------------------------------------------------

    def workspace_quotas(self, workspace_id: str) -> dict[str, dict[str, Any]]:
        """Every quota item of a workspace by resource, as `GET .../quotas` answers (not counted)."""
        return {item["resource"]: item for item in self._state.quotas.get(workspace_id)["quotas"]}

    def put_quota_raw(
        self, workspace_id: str, resource: str, quota: int | None = None, used: int | None = None
    ) -> dict[str, Any]:
        """Change a quota (as a console edit would) or its usage, bypassing the rules."""
        return self._state.quotas.put_raw(workspace_id, resource, quota, used)
