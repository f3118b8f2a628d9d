"""Property-based tests (hypothesis) of the code that builds requests and reads answers.

Answers: every client operation and the provider's read get arbitrary statuses (redirects
included), content types, `Retry-After` and `Location` headers and bodies (workspace-shaped JSON
with missing, null, mistyped and extra fields, other JSON, JSON nested too deep, HTML error pages,
empty and binary bodies), and arbitrary deliveries (a byte at a time, silence, cut short, endless,
not HTTP), from a real server on 127.0.0.1. Each call ends by its deadline and either returns a
well-typed result about what was asked for, or raises one of this package's errors with a
bounded one-line message: never another exception, never a wrong id in the state.

Requests: for arbitrary inputs, check never raises, normalisation is stable, and whatever check
accepts, the API (the emulator's validation) accepts too: preview is at least as strict.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from modelarts_provider.api.client import ModelArtsClient
from modelarts_provider.api.gate import forget_all
from modelarts_provider.api.models import LiveWorkspace, WorkspaceSummary
from modelarts_provider.core.errors import ModelArtsError
from modelarts_provider.core.settings import resolve
from modelarts_provider.domain.workspace import canonical, spec
from modelarts_provider.domain.workspace.body import workspace_body
from modelarts_provider.dynamic.base import forget_clients
from modelarts_provider.dynamic.workspace_provider import WorkspaceProvider
from modelarts_provider.emulator.bodies import new_workspace
from modelarts_provider.emulator.config import EmulatorConfig
from modelarts_provider.emulator.errors import ErrorAnswer
from modelarts_provider.emulator.iam import UserDirectory
from modelarts_provider.emulator.store import WorkspaceStore
from tests.rawhttp import RawServer, Reply
from tests.rawhttp import answer as raw_answer

WORKSPACE_ID = "0123456789abcdef0123456789abcdef"
PROJECT_ID = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- answers ------------------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)
plausible = {
    "id": st.one_of(st.just(WORKSPACE_ID), st.from_regex(r"[0-9a-f]{32}", fullmatch=True), json_values),
    "name": st.one_of(st.from_regex(r"[a-z][a-z0-9-]{3,20}", fullmatch=True), json_values),
    "status": st.one_of(
        st.sampled_from(["NORMAL", "normal", "DELETING", "CREATE_FAILED", "DELETE_FAILED"]), json_values
    ),
    "auth_type": st.one_of(st.sampled_from(["public", "PRIVATE", "Internal"]), json_values),
    "create_time": st.one_of(st.integers(0, 2**41), st.text(max_size=14), json_values),
    "grants": st.one_of(
        st.lists(
            st.fixed_dictionaries(
                {}, optional={"user_id": json_values, "user_name": json_values, "user_type": json_values}
            ),
            max_size=3,
        ),
        json_values,
    ),
}
workspace_like = st.fixed_dictionaries(
    {},
    optional={
        **plausible,
        "description": json_values,
        "owner": json_values,
        "update_time": json_values,
        "enterprise_project_id": json_values,
        "status_info": json_values,
        "surprise": json_values,
    },
)
page_like = st.fixed_dictionaries(
    {},
    optional={
        "total_count": st.one_of(st.integers(-1, 10**12), json_values),
        "count": json_values,
        "workspaces": st.one_of(st.lists(workspace_like, max_size=3), json_values),
    },
)
HTML = (
    b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>" + b"x" * 3000 + b"</body></html>"
)
DEEP = b"[" * 100_000 + b"]" * 100_000  # valid JSON that Python's parser cannot nest that deep
bodies = st.one_of(
    workspace_like.map(lambda d: json.dumps(d).encode()),
    page_like.map(lambda d: json.dumps(d).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.sampled_from([HTML, DEEP, b"", b"null", b"{", b'{"error_code": 42}', b"\xff\xfe\x00garbage"]),
    st.binary(max_size=40),
)
STATUSES = [200, 201, 204, 300, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504, 599]
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=x-unknown",
    "text/html",
    "text/plain",
    "",
]
RETRY_AFTER = ["0", "0.05", "soon", "-1", "nan", "1e999", "999999", "Wed, 21 Oct 2015 07:28:00 GMT",
               "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 99 Foo 2020 99:99:99 GMT", " 0 ", "1_0"]  # fmt: skip
LOCATIONS = ["https://elsewhere.example/v1/x", "/v2/moved", "//other.example/", "http://[bad", "", "\t"]
headers = st.fixed_dictionaries(
    {}, optional={"Retry-After": st.sampled_from(RETRY_AFTER), "Location": st.sampled_from(LOCATIONS)}
)
answers = st.tuples(st.sampled_from(STATUSES), st.sampled_from(CONTENT_TYPES), bodies, headers)
Answer = tuple[int, str, bytes, dict[str, str]]
DEADLINE = 2.0  # modelarts:retryDeadline of the fuzzed clients
SLACK = 2.0  # a correctness bound: every call ends by its deadline, give or take thread wake-ups


@pytest.fixture(scope="module")
def server() -> Iterator[RawServer]:
    """One loopback server for every example: each example tells it what to answer."""
    with RawServer() as raw:
        yield raw


def reply(answer: Answer) -> Reply:
    status, content_type, body, extra = answer
    head = {"X-Request-Id": "req-1", **extra}
    if content_type:
        head["Content-Type"] = content_type
    data = raw_answer(status, body, head)
    if not content_type:
        data = data.replace(b"Content-Type: application/json\r\n", b"")
    return Reply(data)


def fuzzed_client(server: RawServer, method: str = "token") -> ModelArtsClient:
    explicit: dict[str, Any] = {
        "region": "cn-north-4",
        "project_id": PROJECT_ID,
        "modelarts_endpoint": server.url,
        "auth_url": server.url,
        "max_retries": 1,
        "read_timeout": 1.0,
        "retry_deadline": DEADLINE,
    }
    if method == "token":
        explicit["token"] = "fuzz-token"
    elif method == "agency":  # temporary credentials of an agency, asked for with AK/SK
        explicit.update(access_key="AK", secret_key="fuzz-password", assume_role_agency="a", assume_role_domain="d")
    else:
        explicit.update(user_name="u", password="fuzz-password", domain_name="d")
    forget_all()  # each example is a new run: an earlier example's 401 must not stop this one
    return ModelArtsClient(resolve(explicit=explicit, environ={}))


def assert_clear(exc: ModelArtsError) -> None:
    text = str(exc)
    assert text and "\n" not in text and len(text) < 1200
    assert "<html" not in text and "fuzz-token" not in text and "fuzz-password" not in text


def call(operation: str, client: ModelArtsClient) -> Any:
    if operation == "get":
        return client.get_workspace(WORKSPACE_ID)
    if operation == "list":
        return client.list_workspaces()
    if operation == "create":
        return client.create_workspace({"name": "fuzzed"})
    if operation == "update":
        return client.update_workspace(WORKSPACE_ID, {"name": "fuzzed"})
    if operation == "delete":
        return client.delete_workspace(WORKSPACE_ID)
    return client.get_maas_workspaces()


def outcome(action: Callable[[], Any]) -> tuple[Any, ModelArtsError | None]:
    """The result or the package error, within the deadline; any other exception fails the test."""
    start = time.monotonic()
    try:
        return action(), None
    except ModelArtsError as exc:
        assert_clear(exc)
        return None, exc
    finally:
        assert time.monotonic() - start < DEADLINE + SLACK


@FUZZ
@given(answer=answers, operation=st.sampled_from(["get", "list", "create", "update", "delete", "maas"]))
def test_any_answer_is_a_result_or_a_clear_error(server: RawServer, answer: Answer, operation: str) -> None:
    server.respond(reply(answer))
    result, error = outcome(lambda: call(operation, fuzzed_client(server)))
    if error is not None:
        if 300 <= answer[0] < 400:
            assert "not followed" in str(error)
        return
    assert answer[0] < 300
    if operation == "get":
        assert isinstance(result, LiveWorkspace) and result.id == WORKSPACE_ID
        assert all(isinstance(g.user_name, (str, type(None))) for g in result.grants)
    elif operation == "list":
        assert all(isinstance(w, WorkspaceSummary) and w.id and w.name for w in result)
    elif operation == "create":
        assert isinstance(result, LiveWorkspace) and result.id and result.name
        assert isinstance(result.status, str) and isinstance(result.create_time, (int, type(None)))


@FUZZ
@given(answer=answers, method=st.sampled_from(["password", "agency"]))
def test_any_iam_answer_is_a_credential_or_a_clear_error(server: RawServer, answer: Answer, method: str) -> None:
    """The password token request, or the agency's temporary credentials, get the odd answer
    (the workspace call after it too)."""
    from modelarts_provider.api.auth import CREDENTIALS, TOKENS

    TOKENS.clear()
    CREDENTIALS.clear()
    server.respond(reply(answer))
    try:
        outcome(lambda: fuzzed_client(server, method=method).list_workspaces())
    finally:
        TOKENS.clear()
        CREDENTIALS.clear()


# the workspace asked for, with any name and odd other fields, or with well-typed ones (which every
# client accepts), so the state checks below run often
well_typed = st.fixed_dictionaries(
    {},
    optional={
        "description": st.text(max_size=30),
        "auth_type": st.sampled_from(["PUBLIC", "PRIVATE", "INTERNAL", "public"]),
        "enterprise_project_id": st.sampled_from(["0", "a1b2c3d4-0000-4000-8000-1234567890ab"]),
        "create_time": st.integers(0, 2**41),
        "grants": st.lists(
            st.fixed_dictionaries(
                {"user_id": st.from_regex(r"[0-9a-f]{32}", fullmatch=True)},
                optional={"user_name": st.text(min_size=1, max_size=12)},
            ),
            max_size=3,
        ),
    },
)
found = st.tuples(
    st.one_of(workspace_like, well_typed),
    st.text(min_size=1, max_size=70),
    st.sampled_from(["NORMAL", "CREATE_FAILED"]),
).map(
    lambda d: (
        200,
        "application/json",
        json.dumps({**d[0], "id": WORKSPACE_ID, "name": d[1], "status": d[2]}).encode(),
        {},
    )
)


def fuzzed_provider(server: RawServer) -> WorkspaceProvider:
    """A provider configured as the engine configures one, from stack config only, that reaches
    the loopback server: token auth with a project id, so the workspace GET is its only call."""
    provider = WorkspaceProvider()
    config = {
        "huaweicloud:region": "cn-north-4",
        "huaweicloud:projectId": PROJECT_ID,
        "huaweicloud:authUrl": server.url,
        "huaweicloud:maxRetries": "1",
        "modelarts:endpoint": server.url,
        "modelarts:readTimeout": "1",
        "modelarts:retryDeadline": str(DEADLINE),
    }
    provider.configure(ConfigureRequest(Config(config, "fuzz")))
    forget_all()  # each example is a new run: an earlier example's 401 must not stop this one
    forget_clients()
    return provider


@pytest.fixture(scope="module")
def no_hw_environment() -> Iterator[None]:
    """No `HW_*` variable of the machine running the tests reaches the fuzzed provider; the token
    comes from the environment, where users keep credentials."""
    with pytest.MonkeyPatch.context() as patch:
        for key in [k for k in os.environ if k.startswith("HW_")]:
            patch.delenv(key)
        patch.setenv("HW_AUTH_TOKEN", "fuzz-token")
        yield


def test_read_never_puts_a_wrong_workspace_in_the_state(server: RawServer, no_hw_environment: None) -> None:
    """Whatever the server answers, read gives the workspace asked for (with the live values, so
    drift shows), reports it gone, or raises a clear error; the served workspace is read as served."""
    judged: list[str] = []

    @FUZZ
    @given(answer=st.one_of(answers, found))
    def read_any_answer(answer: Answer) -> None:
        server.respond(reply(answer))
        result, error = outcome(lambda: fuzzed_provider(server).read(WORKSPACE_ID, {"name": "declared"}))
        assert [seen.path for seen in server.seen][-1:] == [f"/v1/{PROJECT_ID}/workspaces/{WORKSPACE_ID}"]
        if error is not None:
            return
        assert result.id in ("", WORKSPACE_ID)  # gone, or the workspace asked for
        if not result.id:
            assert answer[0] == 404, answer  # only a 404 means gone
            return
        judged.append(answer[2].decode())
        outs = result.outs or {}
        assert outs["workspace_id"] == WORKSPACE_ID and isinstance(outs["name"], str)
        served = json.loads(answer[2])
        # the status as served, in the one case the model keeps (absent: empty)
        assert outs["name"] == served["name"] and outs["status"] == str(served.get("status", "")).upper()
        inputs = result.inputs or {}
        same = ("name", "description", "auth_type", "enterprise_project_id")
        assert {k: inputs[k] for k in same} == {k: outs[k] for k in same}  # the live values, so drift shows
        # whatever the server holds, the next check reports a rule, never a wrong type or an unknown field
        wrong_type = ("must be a string", "must be a list", "must be an object", "must be a number", "is not a")
        assert not [f for f in spec.validate(inputs) if f.reason.startswith(wrong_type)]

    read_any_answer()
    assert len(judged) >= 20, f"only {len(judged)} examples reached the checks of a found workspace"


PAGE = json.dumps({"total_count": 1, "workspaces": [{"id": WORKSPACE_ID, "name": "fine"}]}).encode()
DELIVERIES = {
    "a byte at a time": Reply(raw_answer(200, PAGE), pause=0.05),  # each read is quick, the whole is not
    "never answers": Reply(silent=True),
    "cut short": Reply(raw_answer(200, PAGE)[:-5]),  # Content-Length promises more than comes
    "ends at close": Reply(raw_answer(200, PAGE, length=False)),  # no length: a result
    "endless body": Reply(raw_answer(200, b"", length=False), endless=True),
    "broken chunks": Reply(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
    "not HTTP": Reply(b"SMTP ready\r\n\r\n"),
    "header too long": Reply(b"HTTP/1.1 200 OK\r\nX: " + b"y" * 70_000 + b"\r\n\r\n"),
    "closes at once": Reply(b""),
    "gzip that is not": Reply(raw_answer(200, PAGE, {"Content-Encoding": "gzip"})),
}


@pytest.mark.parametrize(
    ("delivery", "operation"),
    [*((name, "list") for name in DELIVERIES), ("a byte at a time", "create"), ("never answers", "create")],
)
def test_any_delivery_ends_by_the_deadline(server: RawServer, delivery: str, operation: str) -> None:
    """However the bytes come (or do not), each call ends by its deadline: a result or one error."""
    server.respond(DELIVERIES[delivery])
    result, error = outcome(lambda: call(operation, fuzzed_client(server)))
    assert (error is None) == (delivery == "ends at close"), error
    if delivery == "ends at close":
        assert [w.name for w in result] == ["fine"]


def test_an_api_that_ignores_offset_is_an_error_not_an_endless_loop(server: RawServer) -> None:
    page = {"total_count": 10**9, "count": 1, "workspaces": [{"id": WORKSPACE_ID, "name": "same-every-time"}]}
    server.respond(Reply(raw_answer(200, json.dumps(page).encode())))
    try:
        fuzzed_client(server).list_workspaces()
    except ModelArtsError as exc:
        assert "already listed" in str(exc)
    else:
        raise AssertionError("expected an error")


# -- requests -------------------------------------------------------------------------------------------

names = st.one_of(st.from_regex(r"[A-Za-z0-9_\-]{4,64}", fullmatch=True), st.text(max_size=70), json_values)
grant_values = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "user_id": st.one_of(st.from_regex(r"[0-9a-f]{32}", fullmatch=True), json_values),
            "user_name": st.one_of(st.sampled_from(["alice", "bob", ""]), json_values),
            "user_type": st.one_of(st.sampled_from(["IAM", "federate", "AGENCY", "robot"]), json_values),
            "role": json_values,
        },
    ),
    json_values,
)
inputs = st.fixed_dictionaries(
    {},
    optional={
        "name": names,
        "description": st.one_of(st.text(max_size=300), json_values),
        "auth_type": st.one_of(st.sampled_from(["PUBLIC", "private", "Internal", "other"]), json_values),
        "grants": st.one_of(st.lists(grant_values, max_size=4), json_values),
        "enterprise_project_id": st.one_of(st.just("0"), st.uuids().map(str), st.text(max_size=10), json_values),
        "create_timeout": st.one_of(st.floats(-10, 10**6, allow_nan=False), json_values),
        "delete_timeout": st.one_of(st.integers(-10, 10**6), json_values),
        "adopt_by_name": st.one_of(st.booleans(), json_values),
        "colour": json_values,
    },
)


def emulator_store() -> WorkspaceStore:
    lock = threading.RLock()
    return WorkspaceStore(EmulatorConfig(), lock, UserDirectory(lock))


@settings(max_examples=400, deadline=None)
@given(props=inputs)
def test_what_check_accepts_the_api_accepts(props: dict[str, Any]) -> None:
    failures = spec.validate(props)  # never raises, whatever the input
    assert all(f.property and f.reason for f in failures)
    if failures:
        return
    normal = canonical.normalize(props)
    assert canonical.normalize(normal) == normal
    assert canonical.changed_fields(normal, props) == []
    assert spec.validate(normal) == []
    try:
        emulator_store().create(new_workspace(workspace_body(props, include_eps=True)), "owner", lambda: False)
    except ErrorAnswer as exc:
        raise AssertionError(f"check accepted {props!r} but the API rejects it: {exc.error_msg}") from None
