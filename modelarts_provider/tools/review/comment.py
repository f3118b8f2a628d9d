"""Posting the review on the pull request (GitHub) or merge request (GitLab): one comment per
stack, updated on every push instead of adding a new one, found again by a hidden marker.

Configured by the variables the CI systems set: GitHub Actions `GITHUB_TOKEN` (pass it into the
step's environment), `GITHUB_API_URL`, `GITHUB_REPOSITORY` and the pull request number from
`GITHUB_EVENT_PATH`; GitLab CI `CI_API_V4_URL`, `CI_PROJECT_ID`, `CI_MERGE_REQUEST_IID` and a
token with the `api` scope in `GITLAB_API_TOKEN` (GitLab's job token cannot write notes).
Every call ends by one deadline; failures are one line that never repeats the token.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from ...api.transport import BadAnswer, NoAnswer, exchange, new_session

GITHUB_LIMIT = 65536  # characters GitHub accepts in a comment body
BODY_LIMIT = 60000  # what we post, leaving room below GitHub's limit (GitLab allows 1,000,000)
PAGE_SIZE = 100
MAX_PAGES = 50  # 5000 comments: far more than any pull request has
DEADLINE = 60.0  # seconds for the whole posting, every call included
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0


class PostError(Exception):
    """The comment could not be posted; the message is one line without the token. `status`: the
    HTTP status of a refusal (0 when there was no answer)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Target:
    """Where the comments of one pull/merge request live, and how to write them."""

    system: str  # "GitHub" or "GitLab"
    comments_url: str  # list (GET) and create (POST)
    comment_url: Callable[[Any], str]  # one comment by id: edit
    edit_method: str
    headers: Mapping[str, str]
    list_params: Mapping[str, str] = field(default_factory=dict)  # oldest first


def _need(env: Mapping[str, str], name: str, why: str, *also: str) -> str:
    """The first non-empty of `name` and its alternative spellings `also`, or a PostError."""
    found = next((v for v in (env.get(n, "").strip() for n in (name, *also)) if v), "")
    if not found:
        raise PostError(f"{name} is not set: {why}")
    return found


def github(env: Mapping[str, str], number: int | None = None) -> Target:
    token = _need(env, "GITHUB_TOKEN", "pass `secrets.GITHUB_TOKEN` into the step's env", "GH_TOKEN")
    api = env.get("GITHUB_API_URL", "").strip() or "https://api.github.com"
    repo = _need(env, "GITHUB_REPOSITORY", "it names the repository (owner/name)")
    if number is None:
        number = _pull_request_number(env)
    base = f"{api.rstrip('/')}/repos/{repo}/issues"
    return Target(
        "GitHub",
        f"{base}/{number}/comments",
        lambda comment_id: f"{base}/comments/{comment_id}",
        "PATCH",
        {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        },
    )


def _pull_request_number(env: Mapping[str, str]) -> int:
    path = _need(env, "GITHUB_EVENT_PATH", "give the pull request with --pull-request N")
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
        number = event["pull_request"]["number"]
    except (OSError, ValueError, KeyError, TypeError):
        raise PostError(
            f"{path} holds no pull_request.number: run it for a pull_request event, or give --pull-request N"
        ) from None
    if not isinstance(number, int):
        raise PostError(f"{path}: pull_request.number is not a number")
    return number


def gitlab(env: Mapping[str, str], number: int | None = None) -> Target:
    token = _need(env, "GITLAB_API_TOKEN", "a project access token with the api scope (role Reporter)", "GITLAB_TOKEN")
    api = _need(env, "CI_API_V4_URL", "GitLab CI sets it in every job")
    project = _need(env, "CI_PROJECT_ID", "GitLab CI sets it in every job")
    iid = number if number is not None else _need(env, "CI_MERGE_REQUEST_IID", "run it in a merge request pipeline")
    base = f"{api.rstrip('/')}/projects/{quote(project, safe='')}/merge_requests/{iid}/notes"
    return Target(
        "GitLab",
        base,
        lambda note_id: f"{base}/{note_id}",
        "PUT",
        {"PRIVATE-TOKEN": token},
        {"sort": "asc", "order_by": "created_at"},  # GitLab lists the newest first by default
    )


def marker(stack: str) -> str:
    """The hidden first line that marks this tool's comment for one stack."""
    safe = re.sub(r"[^A-Za-z0-9_.\-/]", "_", stack)
    return f"<!-- modelarts-access-review stack={safe} -->"


def fenced(text: str, language: str = "") -> str:
    """`text` in a code fence longer than any run of backticks inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip()}\n{fence}"


def compose(stack: str, summary: str, raw: str | None, title: str = "pulumi preview --diff") -> str:
    """The comment: the marker, the summary, and the raw output folded below it (its end kept
    when it is too long: that is where Pulumi prints the totals and errors)."""
    head = f"{marker(stack)}\n{summary.rstrip()}\n"
    if raw is None:
        return head
    room = BODY_LIMIT - len(head) - 200
    note = ""
    if len(raw) > room:
        cut = len(raw) - max(room, 0)
        raw = raw[cut:]
        note = f"(the first {cut} characters are cut; the whole output is in the job log)\n\n"
    return f"{head}\n<details><summary>{title}</summary>\n\n{note}{fenced(raw, 'diff')}\n\n</details>\n"


class _Api:
    """Calls of one posting, under one deadline."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.end = time.monotonic() + DEADLINE
        self.session = new_session(pool_size=2)
        self.session.trust_env = True  # the CI runner's proxy and CA bundle settings apply here
        self.session.headers.update(target.headers)

    def call(self, method: str, url: str, body: Any = None, params: Mapping[str, Any] | None = None) -> Any:
        try:
            answer = exchange(
                self.session,
                method,
                url,
                end=self.end,
                connect_timeout=CONNECT_TIMEOUT,
                read_timeout=READ_TIMEOUT,
                verify=True,
                params=params,
                json=body,
            )
        except (NoAnswer, BadAnswer) as exc:
            raise PostError(f"{self.target.system} did not answer {method} {_path(url)}: {exc}") from None
        if answer.status_code >= 400:
            raise PostError(
                f"{self.target.system} refused {method} {_path(url)}: HTTP {answer.status_code}{_reason(answer)}",
                answer.status_code,
            )
        try:
            return answer.json() if answer.content else None
        except ValueError:
            raise PostError(
                f"{self.target.system} answered {method} {_path(url)} with something that is not JSON"
            ) from None


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[-1] if url.count("/") >= 3 else url


def _reason(answer: requests.Response) -> str:
    try:
        message = answer.json().get("message")
    except (ValueError, AttributeError):
        return ""
    if not isinstance(message, str):
        return ""
    return ": " + " ".join(message.split())[:200]


def _own(api: _Api, stack: str) -> Any:
    """The id of this tool's latest comment for the stack, or None."""
    found = None
    mark = marker(stack)
    for page in range(1, MAX_PAGES + 1):
        params = {**api.target.list_params, "per_page": PAGE_SIZE, "page": page}
        items = api.call("GET", api.target.comments_url, params=params)
        if not isinstance(items, list):
            raise PostError(f"{api.target.system} listed the comments as something else than a list")
        for item in items:
            if isinstance(item, Mapping) and isinstance(item.get("body"), str) and item["body"].startswith(mark):
                found = item.get("id")
        if len(items) < PAGE_SIZE:
            break
    return found


def post(target: Target, stack: str, body: str) -> str:
    """Create the stack's comment, or update the one posted before; "created" or "updated"."""
    if not body.startswith(marker(stack)):
        body = f"{marker(stack)}\n{body}"
    api = _Api(target)
    try:
        existing = _own(api, stack)
        if existing is not None:
            try:
                api.call(target.edit_method, target.comment_url(existing), {"body": body})
                return "updated"
            except PostError as exc:
                # someone else's comment that merely starts with the marker, or one deleted
                # meanwhile: ours is a new one
                if exc.status not in (403, 404):
                    raise
        api.call("POST", target.comments_url, {"body": body})
        return "created"
    finally:
        api.session.close()
