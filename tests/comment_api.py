"""A comment API on 127.0.0.1 standing in for GitHub's issue comments and GitLab's merge request
notes (paged as they page, tokens checked as they check), for the tests of posting the review."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

GITHUB_TOKEN = "ghs_token-Qx81"
GITLAB_TOKEN = "glpat-token-Zz42"


@dataclass
class CommentApi:
    """Comments of one pull request (GitHub) and one merge request (GitLab), in memory."""

    url: str = ""
    comments: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    fail_with: int = 0
    next_id: int = 100

    def seed(self, body: str, author: str = "someone") -> None:
        self.next_id += 1
        self.comments.append({"id": self.next_id, "body": body, "user": {"login": author}})


def _handler(api: CommentApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorized(self) -> bool:
            path = urlsplit(self.path).path
            if path.startswith("/api/v3/"):
                ok = self.headers.get("Authorization") == f"Bearer {GITHUB_TOKEN}"
            else:
                ok = self.headers.get("PRIVATE-TOKEN") == GITLAB_TOKEN
            if not ok:
                self._answer(401, {"message": "Bad credentials"})
            elif api.fail_with:
                self._answer(api.fail_with, {"message": "Resource not accessible by integration\nsecond line"})
                return False
            return ok

        def _body(self) -> str:
            length = int(self.headers.get("Content-Length", "0"))
            return str(json.loads(self.rfile.read(length))["body"])

        def _route(self, method: str) -> None:
            parts = urlsplit(self.path)
            api.requests.append((method, parts.path))
            if not self._authorized():
                return
            listing = parts.path in (
                "/api/v3/repos/org/ml/issues/7/comments",
                "/api/v4/projects/42/merge_requests/7/notes",
            )
            if method == "GET" and listing:
                query = parse_qs(parts.query)
                size, page = int(query["per_page"][0]), int(query["page"][0])
                newest_first = parts.path.startswith("/api/v4/") and query.get("sort") != ["asc"]  # GitLab's default
                listed = list(reversed(api.comments)) if newest_first else api.comments
                self._answer(200, listed[(page - 1) * size : page * size])
            elif method == "POST" and listing:
                api.next_id += 1
                api.comments.append({"id": api.next_id, "body": self._body(), "user": {"login": "bot"}})
                self._answer(201, api.comments[-1])
            elif method in ("PATCH", "PUT"):
                wanted = int(parts.path.rsplit("/", 1)[-1])
                for item in api.comments:
                    if item["id"] == wanted and item["user"]["login"] != "bot":  # only its own
                        self._answer(403, {"message": "Must have admin rights to Repository."})
                        return
                    if item["id"] == wanted:
                        item["body"] = self._body()
                        self._answer(200, item)
                        return
                self._answer(404, {"message": "Not Found"})
            else:
                self._answer(404, {"message": "Not Found"})

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def do_PATCH(self) -> None:
            self._route("PATCH")

        def do_PUT(self) -> None:
            self._route("PUT")

    return Handler


@contextmanager
def serve() -> Iterator[CommentApi]:
    """The comment API on a free port of 127.0.0.1 while the block runs."""
    state = CommentApi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def ci_variables(api: CommentApi, tmp_path: Path) -> dict[str, str]:
    """What GitHub Actions and GitLab CI set in a pull/merge request job, pointing at `api`
    (pull request and merge request 7)."""
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}))
    return {
        "GITHUB_TOKEN": GITHUB_TOKEN,
        "GITHUB_API_URL": f"{api.url}/api/v3",
        "GITHUB_REPOSITORY": "org/ml",
        "GITHUB_EVENT_PATH": str(event),
        "GITLAB_API_TOKEN": GITLAB_TOKEN,
        "CI_API_V4_URL": f"{api.url}/api/v4",
        "CI_PROJECT_ID": "42",
        "CI_MERGE_REQUEST_IID": "7",
        "NO_PROXY": "127.0.0.1",
    }
