"""Fault handling that the end-to-end tests cannot provoke deterministically: many threads meeting
wrong credentials at once, a create whose first request lands only after the look-up missed it,
answers about another workspace than the one asked for, and the deadline that ends every call,
CLI command and lookup whatever the server does (throttles for days, never answers, answers a
byte at a time, loses requests at random)."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from modelarts_provider.api.client import ModelArtsClient
from modelarts_provider.api.models import WorkspaceSummary
from modelarts_provider.core import deadline
from modelarts_provider.core.errors import (
    AuthenticationError,
    ModelArtsError,
    ResponseError,
    ThrottledError,
    TransportError,
)
from modelarts_provider.core.settings import Settings, resolve
from modelarts_provider.dynamic.workspace_provider import WorkspaceProvider
from modelarts_provider.emulator import Emulator, EmulatorConfig, Fault
from modelarts_provider.tools.cli import run
from tests.conftest import settings_for
from tests.rawhttp import RawServer, Reply, answer, timed
from tests.test_provider import checked, engine_provider, stack_config

SLACK = 2.0  # seconds allowed past a deadline: a correctness bound, not a speed target

THREADS = 16


def in_parallel(client: ModelArtsClient, calls: int = THREADS) -> list[BaseException | None]:
    """Every thread lists workspaces at once, like the engine's parallel resource operations."""

    def one(_: int) -> BaseException | None:
        try:
            client.list_workspaces()
        except ModelArtsError as exc:
            return exc
        return None

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(one, range(calls)))


@pytest.mark.parametrize(
    ("method", "bad"),
    [
        ("aksk", {"secret_key": "wrong-secret-key"}),
        ("aksk", {"secret_key": "wrong-secret-key", "project_id": EmulatorConfig().project_id}),
        ("password", {"password": "wrong-password"}),
        ("token", {"token": "not-a-token", "project_id": EmulatorConfig().project_id}),
    ],
)
def test_wrong_credentials_cost_one_request_however_many_threads(
    emulator: Emulator, method: str, bad: dict[str, Any]
) -> None:
    """Five bad signatures lock an access key: 16 parallel calls must send exactly one."""
    client = ModelArtsClient(settings_for(emulator, method, **bad))
    errors = in_parallel(client)
    assert all(isinstance(e, AuthenticationError) and e.status == 401 for e in errors)
    assert emulator.counts()["total"] == 1
    later = [str(e) for e in errors if "not sent, because the credentials were rejected" in str(e)]
    assert len(later) == THREADS - 1
    for text in map(str, errors):
        assert "check the access key/secret key" in text and "wrong-" not in text and "not-a-token" not in text
    # the key is not locked: the right credentials still work
    assert ModelArtsClient(settings_for(emulator, method if method != "token" else "aksk")).list_workspaces()


def test_first_call_faults_do_not_block_the_others(emulator: Emulator) -> None:
    """Calls wait for the first accepted one only while it is on the wire, not while it backs off:
    three 503s are spread over the threads instead of all landing on the first call."""
    emulator.add_fault(Fault(kind="status", status=503, method="GET", path="^/v1/", count=3))
    client = ModelArtsClient(settings_for(emulator, max_retries=1, project_id=emulator.config.project_id))
    assert in_parallel(client, 8) == [None] * 8
    assert emulator.counts()["GET"] == 8 + 3


def test_calls_that_waited_for_the_first_accepted_one_then_go_together() -> None:
    """The gate holds the other threads only until the first call is accepted; after that they
    are on the wire at the same time. The server answers the first call late (so the others
    queue at the gate) and each later call only once all of them have arrived: one at a time,
    the first of them would wait in vain and get a 500."""
    waiting = 7
    together = threading.Barrier(waiting, timeout=10)
    first = threading.Lock()
    page = json.dumps({"workspaces": [], "total_count": 0}).encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if first.acquire(blocking=False):
                time.sleep(0.5)  # the other threads reach the gate meanwhile
                status = 200
            else:
                try:
                    together.wait()
                    status = 200
                except threading.BrokenBarrierError:
                    status = 500
            body = page if status == 200 else b"{}"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        settings = resolve(
            explicit={
                "region": "cn-north-4",
                "modelarts_endpoint": url,
                "auth_url": url + "/v3",
                "access_key": "AK-OF-THE-GATE-TEST",
                "secret_key": "secret-of-the-gate-test",
                "project_id": "0123456789abcdef0123456789abcdef",
                "max_retries": 0,
            },
            config={},
            environ={},
        )
        client = ModelArtsClient(settings)
        assert in_parallel(client, waiting + 1) == [None] * (waiting + 1)
    finally:
        server.shutdown()
        server.server_close()


def test_a_post_that_lands_after_the_look_up_is_adopted_not_duplicated(emulator: Emulator) -> None:
    """The answer to the first POST is lost and the look-up by name misses it (a slow request or
    a lagging list), so the provider posts again and meets "name exists": that is its own."""
    provider: WorkspaceProvider = engine_provider(stack_config(emulator))
    api = provider._client()
    real_find = api.find_by_name
    misses = [1]

    def lagging_find(name: str) -> list[WorkspaceSummary]:
        if misses[0]:
            misses[0] -= 1
            return []
        return real_find(name)

    api.find_by_name = lagging_find  # type: ignore[method-assign]
    emulator.add_fault(Fault(kind="lost_response", method="POST"))
    created = provider.create(checked(provider, name="landed-late"))
    named = [w for w in emulator.workspaces() if w["name"] == "landed-late"]
    assert [w["id"] for w in named] == [created.id]
    assert emulator.counts()["POST"] == 2  # the lost one, and the one rejected as a duplicate


# The taken-name code no vendor source names (assumption taken-name-code): the emulator's 7002,
# the generic parameter error, and a code nobody knows. The provider must not depend on it.
TAKEN_NAME_CODES = [None, "ModelArts.0104", "ModelArts.9999"]


@pytest.mark.parametrize("code", TAKEN_NAME_CODES)
def test_a_name_released_between_the_refusal_and_the_look_up_is_posted_again(
    emulator: Emulator, code: str | None
) -> None:
    """The POST meets "name exists" while a workspace being deleted holds the name, and that one
    is gone by the time the provider looks it up: the name is free, so it posts again (CI saw
    the raw 7002 error reach the user once), whatever code the refusal carried."""
    emulator.config.taken_name_code = code
    provider: WorkspaceProvider = engine_provider(stack_config(emulator))
    api = provider._client()
    holder = api.create_workspace({"name": "released-late"}).id
    emulator.put_workspace_raw(holder, status="DELETING")
    real_find = api.find_by_name

    def holder_gone_first(name: str) -> list[WorkspaceSummary]:
        emulator.remove_workspace_raw(holder)  # the delete ends between the refusal and the look-up
        return real_find(name)

    api.find_by_name = holder_gone_first  # type: ignore[method-assign]
    emulator.reset_counts()
    created = provider.create(checked(provider, name="released-late"))
    assert [w["id"] for w in emulator.workspaces() if w["name"] == "released-late"] == [created.id]
    assert emulator.counts()["POST"] == 2  # refused while held, accepted once free


@pytest.mark.parametrize("code", TAKEN_NAME_CODES)
def test_name_conflict_without_an_earlier_attempt_is_still_an_error(emulator: Emulator, code: str | None) -> None:
    emulator.config.taken_name_code = code
    provider: WorkspaceProvider = engine_provider(stack_config(emulator))
    provider._client().create_workspace({"name": "someone-elses"})
    emulator.reset_counts()
    with pytest.raises(ModelArtsError, match=r"already exists .*, or set adopt_by_name=True \(or adopt_id\)"):
        provider.create(checked(provider, name="someone-elses"))
    assert emulator.counts()["POST"] == 1


@pytest.mark.parametrize("code", TAKEN_NAME_CODES)
def test_a_lost_create_is_adopted_not_duplicated_whatever_the_taken_name_code(
    emulator: Emulator, code: str | None
) -> None:
    """The first POST lands but its answer is lost; the look-up misses it (a lagging list), so the
    provider posts again and meets the taken name: it adopts its own workspace."""
    emulator.config.taken_name_code = code
    provider: WorkspaceProvider = engine_provider(stack_config(emulator))
    api = provider._client()
    real_find = api.find_by_name
    looked = []

    def lagging_find(name: str) -> list[WorkspaceSummary]:
        looked.append(name)
        return [] if len(looked) == 1 else real_find(name)

    api.find_by_name = lagging_find  # type: ignore[method-assign]
    emulator.add_fault(Fault(kind="lost_response", method="POST"))
    created = provider.create(checked(provider, name="lost-then-taken"))
    assert [w["id"] for w in emulator.workspaces() if w["name"] == "lost-then-taken"] == [created.id]


def test_a_refusal_that_is_no_taken_name_is_not_posted_again(emulator: Emulator) -> None:
    """A documented code with another meaning (7006: too many workspaces) is reported at once."""
    provider: WorkspaceProvider = engine_provider(stack_config(emulator))
    emulator.add_fault(Fault("status", method="POST", status=400, error_code="ModelArts.7006", count=None))
    emulator.reset_counts()
    with pytest.raises(ModelArtsError, match=r"ModelArts\.7006"):
        provider.create(checked(provider, name="over-the-limit"))
    assert emulator.counts()["POST"] == 1


def test_an_unknown_refusal_with_no_holder_is_posted_once_more_then_reported(emulator: Emulator) -> None:
    """A 400 whose code says nothing the provider knows, with no workspace of that name: it may
    be a taken name whose holder just went, so it is posted once more, and then reported."""
    provider: WorkspaceProvider = engine_provider(stack_config(emulator))
    emulator.add_fault(Fault("status", method="POST", status=400, error_code="ModelArts.0104", count=None))
    emulator.reset_counts()
    with pytest.raises(ModelArtsError, match=r"ModelArts\.0104"):
        provider.create(checked(provider, name="refused-twice"))
    assert emulator.counts()["POST"] == 2


def test_an_answer_about_another_workspace_is_an_error(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator))
    made = client.create_workspace({"name": "asked-for"})
    other = client.create_workspace({"name": "answered"})

    def confused(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {"id": other.id, "name": "answered", "status": "NORMAL"}

    client._call = confused  # type: ignore[method-assign]
    with pytest.raises(ResponseError, match="another workspace"):
        client.get_workspace(made.id)


def test_a_5xx_burst_on_create_is_waited_out_within_max_retries(emulator: Emulator) -> None:
    """Re-POSTs after an unknown outcome back off like other retries (max_retries + 1 attempts):
    5 answers of 503 in a row are outlasted; an endless one is a clear error after 4 attempts (the
    floor) when maxRetries is 2."""
    provider: WorkspaceProvider = engine_provider(stack_config(emulator))
    emulator.add_fault(Fault(kind="status", status=503, method="POST", count=5))
    created = provider.create(checked(provider, name="after-the-burst"))
    assert [w["id"] for w in emulator.workspaces() if w["name"] == "after-the-burst"] == [created.id]
    assert emulator.counts()["POST"] == 6

    strict = engine_provider({**stack_config(emulator), "huaweicloud:maxRetries": "2"})
    emulator.add_fault(Fault(kind="status", status=503, method="POST", count=None))
    emulator.reset_counts()
    with pytest.raises(ModelArtsError, match="HTTP 503"):
        strict.create(checked(strict, name="burst-too-long"))
    emulator.clear_faults()
    assert emulator.counts()["POST"] == 4
    assert "burst-too-long" not in {w["name"] for w in emulator.workspaces()}


# -- every call ends by its deadline ------------------------------------------------------------------


def test_retry_after_beyond_the_deadline_ends_the_call_at_once(emulator: Emulator) -> None:
    """`Retry-After: 999999` is not waited for (nor capped and waited in part): the call ends now
    and says why; one that fits in the deadline is honoured."""
    emulator.add_fault(Fault(kind="status", status=429, error_code="ModelArts.2799", retry_after=999999, count=None))
    client = ModelArtsClient(settings_for(emulator, project_id=emulator.config.project_id))
    with timed() as took, pytest.raises(ThrottledError) as info:
        client.list_workspaces()
    assert took[0] < SLACK and emulator.counts()["GET"] == 1
    assert "HTTP 429 ModelArts.2799" in str(info.value)
    assert "the server asked to wait 999999s, longer than the time left" in str(info.value)


@pytest.mark.parametrize("method", ["aksk", "password"])
def test_a_server_that_never_answers_ends_at_the_deadline(method: str) -> None:
    """The read timeout (60 s) never fires before the deadline (3 s): the deadline ends the call,
    also when the silent request is the IAM token the call needed first."""
    with RawServer(Reply(silent=True)) as server:
        settings = Settings(
            region="cn-north-4", project_id="p" * 32, modelarts_endpoint=server.url, auth_url=server.url,
            access_key="AK" if method == "aksk" else None, secret_key="SK" if method == "aksk" else None,
            user_name="u", password="pw", domain_name="d", retry_deadline=3.0,
        )  # fmt: skip
        with timed() as took, pytest.raises(TransportError) as info:
            ModelArtsClient(settings).list_workspaces()
    assert 3.0 - 0.2 < took[0] < 3.0 + SLACK
    assert "within the deadline" in str(info.value) and "deadline 3s" in str(info.value)


def test_an_enclosing_limit_that_ends_first_is_the_one_named_and_marked() -> None:
    """A call under a shorter enclosing limit (a native operation's customTimeouts) ends with it,
    names it instead of retryDeadline, and marks it as the reason; the call's own limit does not
    leak out, and a limit that did not bind is not marked."""
    with RawServer(Reply(silent=True)) as server:
        settings = Settings(project_id="p" * 32, modelarts_endpoint=server.url, token="t", retry_deadline=30.0)
        client = ModelArtsClient(settings)
        with deadline.time_limit(60.0, "outer"), deadline.time_limit(1.5, "customTimeouts update of 1.5s") as end:
            limit = deadline.current()
            assert limit is not None and limit.end == end and deadline.left(10.0) <= 1.5
            with timed() as took, pytest.raises(TransportError) as info:
                client.list_workspaces()
            assert limit.ran_out and deadline.expired() and deadline.left(10.0) == 0.0
        assert deadline.current() is None and deadline.left(10.0) == 10.0
    assert 1.5 - 0.2 < took[0] < 1.5 + SLACK
    assert "(customTimeouts update of 1.5s)" in str(info.value) and "retryDeadline" not in str(info.value)
    with deadline.time_limit(60.0, "loose"):
        loose = deadline.current()
        with deadline.time_limit(0.0, "tight"):
            deadline.ran_out()
        assert loose is not None and not loose.ran_out and not deadline.expired()


def test_a_server_that_answers_a_byte_at_a_time_ends_at_the_deadline() -> None:
    """Each byte arrives well within the read timeout, so only an overall bound can end it."""
    page = json.dumps({"total_count": 0, "workspaces": []}).encode()
    with RawServer(Reply(answer(200, page + b" " * 60), pause=0.02)) as server:
        settings = Settings(project_id="p" * 32, modelarts_endpoint=server.url, token="t", retry_deadline=2.0)
        with timed() as took, pytest.raises(TransportError, match="no complete answer"):
            ModelArtsClient(settings).list_workspaces()
        assert 2.0 - 0.2 < took[0] < 2.0 + SLACK
        settings = Settings(project_id="p" * 32, modelarts_endpoint=server.url, token="t", retry_deadline=30.0)
        assert ModelArtsClient(settings).list_workspaces() == []  # slow is fine when it fits


def test_the_cli_bounds_the_whole_command_not_each_call(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    """adopt-code lists (3 s, a byte at a time) then fetches details in parallel threads that
    never answer: the command ends at its 4 s deadline, not 4 s after the list."""
    listed = {"total_count": 2, "workspaces": [{"id": c * 32, "name": f"ws-{c}", "status": "NORMAL"} for c in "ab"]}
    body = json.dumps(listed).encode()
    slow_list = Reply(answer(200, body), pause=3.0 / len(answer(200, body)))
    with RawServer(slow_list, Reply(silent=True)) as server:
        for key, value in {"HW_MODELARTS_ENDPOINT": server.url, "HW_PROJECT_ID": "p" * 32, "HW_AUTH_TOKEN": "t",
                           "HW_MODELARTS_RETRY_DEADLINE": "4"}.items():  # fmt: skip
            monkeypatch.setenv(key, value)
        with timed() as took:
            assert run(["workspaces", "adopt-code"]) == 1
    assert took[0] < 4.0 + SLACK  # each call on its own deadline would end at 7 s
    assert "deadline 4s" in capsys.readouterr().err


def test_lost_requests_do_not_fail_calls_that_are_safe_to_repeat() -> None:
    """At 20% random loss (half before, half after the server acted), 200 reads in 8 threads all
    succeed with maxRetries 0: lost answers are repeated until the deadline, not counted."""
    with Emulator(EmulatorConfig(loss=0.2, loss_seed=11)) as emu:
        client = ModelArtsClient(settings_for(emu, max_retries=0, project_id=emu.config.project_id))
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: client.get_workspace("0").id, range(200)))
        assert results == ["0"] * 200
        assert emu.counts()["GET"] > 220  # the losses happened, and were made up for
