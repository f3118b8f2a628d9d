"""Posting the review: `review --post github|gitlab` against a comment API served on 127.0.0.1
(the GitHub issue-comment and GitLab merge-request-note endpoints, paged as they page): one
comment per stack, updated on every run, others' comments untouched, the raw diff folded below
the summary, and failures as one line that never repeats the token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from modelarts_provider.tools.cli import run
from modelarts_provider.tools.review import comment
from tests.comment_api import GITHUB_TOKEN, GITLAB_TOKEN, CommentApi, ci_variables, serve
from tests.e2e.review_scenario import FIXTURES


@pytest.fixture
def api() -> Iterator[CommentApi]:
    with serve() as state:
        yield state


@pytest.fixture
def ci_env(api: CommentApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The variables GitHub Actions and GitLab CI set, pointing at the local comment API."""
    for key in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(key, raising=False)
    for key, value in ci_variables(api, tmp_path).items():
        monkeypatch.setenv(key, value)


def review(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(["review", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("system", ["github", "gitlab"])
@pytest.mark.usefixtures("ci_env")
def test_one_comment_per_stack_updated_on_each_push(
    system: str, api: CommentApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(120):  # more than one page of comments before ours
        api.seed(f"comment {n}")
    api.seed(comment.marker("staging") + "\nthe review of another stack")
    raw = tmp_path / "preview.txt"
    raw.write_text(
        "Previewing update (prod):\n  ~ pulumi-python:dynamic/modelarts:Workspace team update [diff: ~grants]\n"
    )

    code, out, err = review([str(FIXTURES / "dynamic-changes.json"), "--post", system, "--raw", str(raw)], capsys)
    assert code == 0 and err == f"{'GitHub' if system == 'github' else 'GitLab'} comment created\n"
    ours = api.comments[-1]
    assert ours["body"].startswith(comment.marker("prod") + "\n" + out.rstrip())
    assert "<details><summary>pulumi preview --diff</summary>" in ours["body"]
    assert "```diff\nPreviewing update (prod):" in ours["body"]

    code, _, err = review([str(FIXTURES / "dynamic-empty.json"), "--post", system, "--exit-code"], capsys)
    assert code == 0 and err.endswith("comment updated\n")
    assert len(api.comments) == 122 and api.comments[-1]["id"] == ours["id"]
    assert "No access changes." in api.comments[-1]["body"] and "<details>" not in api.comments[-1]["body"]
    assert api.comments[-2]["body"].endswith("the review of another stack")  # another stack's is left alone
    edits = [m for m, _ in api.requests if m in ("PATCH", "PUT")]
    assert edits == (["PATCH"] if system == "github" else ["PUT"])


@pytest.mark.usefixtures("ci_env")
def test_an_unreadable_preview_is_said_on_the_request(
    api: CommentApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "preview.json"
    broken.write_text("")
    code, out, err = review([str(broken), "--post", "github"], capsys)
    assert code == 1 and out == ""
    assert err.startswith("error: the input is empty") and err.endswith("GitHub comment created\n")
    assert "⛔ No review: `the input is empty: pipe `" not in api.comments[-1]["body"]  # the message is one code span
    assert "No review:" in api.comments[-1]["body"] and "See the job log." in api.comments[-1]["body"]


@pytest.mark.parametrize("system", ["github", "gitlab"])
@pytest.mark.usefixtures("ci_env")
def test_a_refused_post_is_one_line_without_the_token(
    system: str, api: CommentApi, capsys: pytest.CaptureFixture[str]
) -> None:
    api.fail_with = 403
    code, out, err = review([str(FIXTURES / "native-changes.json"), "--post", system, "--exit-code"], capsys)
    assert code == 1 and "Access widens" in out  # the summary is still in the log
    listing = (
        "/api/v3/repos/org/ml/issues/7/comments" if system == "github" else "/api/v4/projects/42/merge_requests/7/notes"
    )
    name = "GitHub" if system == "github" else "GitLab"
    assert err == (
        f"error: the review was not posted: {name} refused GET {listing}: HTTP 403: Resource not accessible by "
        "integration second line\n"
    )
    assert GITHUB_TOKEN not in err and GITLAB_TOKEN not in err


@pytest.mark.usefixtures("ci_env")
def test_missing_settings_are_named(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    preview = str(FIXTURES / "dynamic-empty.json")
    monkeypatch.delenv("GITHUB_TOKEN")
    assert review([preview, "--post", "github"], capsys)[2] == (
        "error: the review was not posted: GITHUB_TOKEN is not set: pass `secrets.GITHUB_TOKEN` into the step's env\n"
    )
    monkeypatch.delenv("CI_MERGE_REQUEST_IID")
    assert review([preview, "--post", "gitlab"], capsys)[2] == (
        "error: the review was not posted: CI_MERGE_REQUEST_IID is not set: run it in a merge request pipeline\n"
    )
    monkeypatch.setenv("GITHUB_TOKEN", GITHUB_TOKEN)
    monkeypatch.setenv("GITHUB_EVENT_PATH", "/nonexistent/event.json")
    assert "holds no pull_request.number" in review([preview, "--post", "github"], capsys)[2]


def test_an_unreachable_api_ends_in_bounded_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A comment API that accepts the connection and never answers: one line, by the deadline."""
    import socket
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    monkeypatch.setattr(comment, "DEADLINE", 1.0)
    env = {
        "GITHUB_TOKEN": GITHUB_TOKEN,
        "GITHUB_API_URL": f"http://127.0.0.1:{listener.getsockname()[1]}",
        "GITHUB_REPOSITORY": "o/r",
    }
    started = time.monotonic()
    try:
        with pytest.raises(comment.PostError, match=r"^GitHub did not answer GET /repos/o/r/issues/3/comments: "):
            comment.post(comment.github(env, 3), "prod", "body")
    finally:
        listener.close()
    assert time.monotonic() - started < 10


def test_compose_folds_the_raw_diff_and_keeps_its_end() -> None:
    raw = "x" * 100_000 + "\nline with ``` fences\nResources:\n    ~ 2 to update\n"
    body = comment.compose("prod", "### summary\n", raw)
    assert len(body) <= comment.BODY_LIMIT < comment.GITHUB_LIMIT
    assert body.startswith(comment.marker("prod") + "\n### summary\n")
    assert "````diff\n" in body and body.rstrip().endswith("</details>")  # a fence longer than any inside
    assert "~ 2 to update" in body and "characters are cut; the whole output is in the job log" in body
    assert comment.marker("feature/x y") == "<!-- modelarts-access-review stack=feature/x_y -->"


@pytest.mark.parametrize("system", ["github", "gitlab"])
@pytest.mark.usefixtures("ci_env")
def test_a_planted_marker_gets_a_comment_of_our_own(
    system: str, api: CommentApi, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone else's comment that starts with the marker cannot be edited: a new one is posted,
    and the next run updates that one (the newest of ours, whatever order the API lists in)."""
    api.seed(comment.marker("prod") + "\nplanted")
    preview = str(FIXTURES / "dynamic-changes.json")
    assert review([preview, "--post", system], capsys)[2].endswith("comment created\n")
    assert review([preview, "--post", system], capsys)[2].endswith("comment updated\n")
    assert [c["body"].endswith("planted") for c in api.comments] == [True, False]
