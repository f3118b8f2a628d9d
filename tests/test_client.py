"""The client against the emulator over real HTTP on loopback: all three ways in, every
operation, token reuse and renewal, retries, and every error path."""

from __future__ import annotations

import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from modelarts_provider.api.client import ModelArtsClient
from modelarts_provider.core.errors import (
    ApiError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ResponseError,
    ServerError,
    ThrottledError,
    TransportError,
)
from modelarts_provider.core.settings import resolve
from modelarts_provider.emulator import Emulator, EmulatorConfig, Fault
from tests.conftest import settings_for
from tests.rawhttp import RawServer, Reply, answer, timed

SLACK = 2.0  # seconds allowed past a deadline: a correctness bound, not a speed target


def issue_token(emu: Emulator) -> str:
    client = ModelArtsClient(settings_for(emu, "password"))
    client.list_workspaces()
    from modelarts_provider.api.auth import TOKENS

    token = next(iter(TOKENS._tokens.values())).value
    TOKENS.clear()
    return token


@pytest.mark.parametrize("method", ["aksk", "password", "token"])
def test_every_operation_with_each_way_in(emulator: Emulator, method: str) -> None:
    extra = {"token": issue_token(emulator)} if method == "token" else {}
    emulator.config.maas_any_region = True  # the MaaS call outside CN-Hong Kong (assumption maas-region)
    client = ModelArtsClient(settings_for(emulator, method, **extra))
    created = client.create_workspace(
        {"name": f"ws-{method}", "description": "d", "auth_type": "INTERNAL", "grants": [{"user_name": "alice"}]}
    )
    assert created.status == "NORMAL" and len(created.id) == 32
    got = client.get_workspace(created.id)
    assert got.auth_type == "INTERNAL"
    assert got.grants[0].user_name == "alice" and got.grants[0].user_id and got.grants[0].user_type == "IAM"
    assert [w.name for w in client.find_by_name(f"ws-{method}")] == [f"ws-{method}"]
    client.update_workspace(created.id, {"name": f"ws-{method}", "description": "new", "auth_type": "PUBLIC"})
    got = client.get_workspace(created.id)
    assert (got.description, got.auth_type, got.grants) == ("new", "PUBLIC", [])
    maas = client.get_maas_workspaces()
    assert any(w.id == created.id for w in maas.workspaces)
    client.delete_workspace(created.id)
    assert client.get_workspace(created.id).status == "DELETING"
    time.sleep(emulator.config.delete_duration + 0.2)
    with pytest.raises(NotFoundError) as info:
        client.get_workspace(created.id)
    assert info.value.error_code == "ModelArts.7005" and info.value.request_id


def test_list_reads_every_page_and_filters(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator))
    for i in range(7):
        client.create_workspace({"name": f"team-{i}"})
    client.create_workspace({"name": "other"})
    everything = client.list_workspaces(page_size=3)
    assert len(everything) == 9  # 8 + default
    assert {w.name for w in client.list_workspaces(name="team", page_size=2)} == {f"team-{i}" for i in range(7)}
    ordered = [w.name for w in client.list_workspaces(name="team", sort_by="name", order="asc")]
    assert ordered == sorted(ordered)


def test_password_token_fetched_once_for_many_threads(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator, "password"))
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda _: client.list_workspaces(), range(64)))
    other_client = ModelArtsClient(settings_for(emulator, "password"))
    other_client.list_workspaces()
    assert emulator.counts()["IAM"] == 1  # the token also told us the project id
    assert emulator.counts()["GET"] == 65


def test_token_renewed_once_after_401(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator, "password"))
    client.list_workspaces()
    emulator.expire_tokens()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: client.list_workspaces(), range(8)))
    assert emulator.counts()["IAM"] == 2


def test_token_renewed_before_expiry() -> None:
    with Emulator(EmulatorConfig(token_lifetime=1.0)) as emu:
        client = ModelArtsClient(settings_for(emu, "password"))
        client.list_workspaces()
        time.sleep(1.1)
        client.list_workspaces()
        counts = emu.counts()
        assert counts["IAM"] == 2
        assert emu.route_counts().get("GET /v1/{project_id}/workspaces") == 2  # no 401 round trip


def test_wrong_credentials_fail_once_without_retry(emulator: Emulator) -> None:
    client = ModelArtsClient(
        settings_for(emulator, "aksk", secret_key="wrong-secret", project_id=emulator.config.project_id)
    )
    with pytest.raises(AuthenticationError) as info:
        client.list_workspaces()
    assert info.value.status == 401 and info.value.error_code == "APIGW.0301"
    assert "wrong-secret" not in str(info.value)
    assert emulator.counts()["total"] == 1

    bad_password = ModelArtsClient(settings_for(emulator, "password", password="not-the-password"))
    with pytest.raises(AuthenticationError) as info:
        bad_password.list_workspaces()
    assert "not-the-password" not in str(info.value) and "not-the-password" not in repr(bad_password)
    assert emulator.counts()["IAM"] == 1


def test_rejected_token_is_not_retried_in_a_loop(emulator: Emulator) -> None:
    client = ModelArtsClient(
        settings_for(emulator, "token", token="not-a-token", project_id=emulator.config.project_id)
    )
    with pytest.raises(AuthenticationError):
        client.list_workspaces()
    assert emulator.counts()["total"] == 1


def test_project_id_looked_up_once_for_aksk(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator))
    client.list_workspaces()
    client.list_workspaces()
    assert client.project_id == emulator.config.project_id
    assert emulator.route_counts().get("GET /v3/projects") == 1


def test_project_id_looked_up_once_when_threads_start_together(emulator: Emulator) -> None:
    """The provider serves 4 calls at once from its first moment: one lookup, not one each."""
    emulator.config.latency = 0.05  # keep the lookup in flight while the other threads arrive
    client = ModelArtsClient(settings_for(emulator))
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: client.get_workspace("0"), range(8)))
    assert emulator.counts()["IAM"] == 1 and emulator.counts()["GET"] == 8


def test_other_project_is_forbidden(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator, project_id="f" * 32))
    with pytest.raises(PermissionDeniedError) as info:
        client.list_workspaces()
    assert info.value.error_code == "ModelArts.0210"


def test_idempotent_calls_retry_5xx_and_dropped_connections(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator, project_id=emulator.config.project_id))
    emulator.add_fault(Fault(kind="status", status=503, method="GET", count=2))
    emulator.add_fault(Fault(kind="drop", method="GET", count=1))
    assert client.list_workspaces()
    assert emulator.counts()["GET"] == 4


def test_retry_after_is_honoured(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator, project_id=emulator.config.project_id))
    emulator.add_fault(Fault(kind="status", status=429, error_code="ModelArts.2799", retry_after=0.6, count=1))
    start = time.monotonic()
    client.list_workspaces()
    assert time.monotonic() - start >= 0.6
    assert emulator.counts()["GET"] == 2


def test_retries_are_bounded(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator, project_id=emulator.config.project_id, max_retries=2))
    emulator.add_fault(Fault(kind="status", status=500, method="GET", count=None))
    with pytest.raises(ServerError) as info:
        client.list_workspaces()
    assert info.value.error_code == "ModelArts.7001" and info.value.request_id
    assert emulator.counts()["GET"] == 3


def test_post_is_never_blindly_repeated(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator, project_id=emulator.config.project_id))
    emulator.add_fault(Fault(kind="status", status=503, method="POST", count=1))
    with pytest.raises(ServerError):
        client.create_workspace({"name": "once"})
    emulator.add_fault(Fault(kind="lost_response", method="POST", count=1))
    with pytest.raises(TransportError) as info:
        client.create_workspace({"name": "lost"})
    assert info.value.maybe_applied
    assert emulator.counts()["POST"] == 2
    assert [w.name for w in client.find_by_name("lost")] == ["lost"]


def test_post_is_retried_on_429(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator, project_id=emulator.config.project_id))
    emulator.add_fault(Fault(kind="status", status=429, error_code="ModelArts.2799", method="POST", retry_after=0.1))
    assert client.create_workspace({"name": "throttled"}).name == "throttled"
    assert emulator.counts()["POST"] == 2


def test_throttling_that_never_ends_is_an_error(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator, project_id=emulator.config.project_id, max_retries=1))
    emulator.add_fault(Fault(kind="status", status=429, error_code="ModelArts.2799", retry_after=0.05, count=None))
    with pytest.raises(ThrottledError):
        client.list_workspaces()


def test_api_errors_carry_modelarts_fields(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator, project_id=emulator.config.project_id))
    with pytest.raises(ApiError) as info:
        client.create_workspace({"name": "no"})
    err = info.value
    assert (err.status, err.error_code) == (400, "ModelArts.0104") and err.request_id and err.error_msg
    assert err.error_code in str(err) and err.request_id in str(err)
    with pytest.raises(ApiError) as info:
        client.update_workspace("0", {"name": "default", "description": "x"})
    assert info.value.error_code == "ModelArts.3566"


def test_unreachable_endpoint_is_a_transport_error_at_the_deadline() -> None:
    """Refused connections are repeated (the request never left) until the deadline, not longer."""
    with Emulator(EmulatorConfig()) as emu:
        settings = settings_for(emu, project_id=emu.config.project_id, max_retries=1, retry_deadline=1.0)
    client = ModelArtsClient(settings)  # the emulator is stopped: connection refused
    with timed() as took, pytest.raises(TransportError) as info:
        client.create_workspace({"name": "nobody-home"})
    assert not info.value.maybe_applied
    assert took[0] < 1.0 + SLACK
    assert client.calls["POST"] > 2  # more than max_retries: lost requests are not counted against it
    assert "gave up after" in str(info.value) and "deadline 1s: modelarts:retryDeadline" in str(info.value)


def test_a_connection_the_deadline_cut_before_it_was_made_sent_nothing() -> None:
    """A listener whose backlog is full never completes the handshake: the deadline ends the
    connect, and the create is known not to have left (no `maybe_applied`, no name look-up)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    waiting = []
    try:
        for _ in range(4):  # fill the accept queue; nothing ever accepts
            pending = socket.socket()
            pending.setblocking(False)
            pending.connect_ex(("127.0.0.1", port))
            waiting.append(pending)
        url = f"http://127.0.0.1:{port}"
        env = {
            "HW_REGION_NAME": "cn-north-4",
            "HW_MODELARTS_ENDPOINT": url,
            "HW_AUTH_URL": f"{url}/v3",
            "HW_ACCESS_KEY": "AK0000000000000000",
            "HW_SECRET_KEY": "not-a-real-secret",
            "HW_PROJECT_ID": "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e",
            "HW_MODELARTS_RETRY_DEADLINE": "1",
        }
        with timed() as took, pytest.raises(TransportError) as info:
            ModelArtsClient(resolve(environ=env)).create_workspace({"name": "never-connected"})
        assert not info.value.maybe_applied, str(info.value)
        assert took[0] < 1.0 + SLACK
    finally:
        for pending in waiting:
            pending.close()
        listener.close()


def test_a_post_that_was_never_sent_is_repeated_until_the_endpoint_answers() -> None:
    """Connection refused means nothing reached the server, so even a create is repeated."""
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens on the port for now
    emu = Emulator(EmulatorConfig(port=port))
    cfg = emu.config
    url = f"http://127.0.0.1:{port}"
    explicit = {"project_id": cfg.project_id, "modelarts_endpoint": url, "access_key": cfg.access_key,
                "secret_key": cfg.secret_key, "retry_deadline": 20.0}  # fmt: skip
    client = ModelArtsClient(resolve(explicit=explicit, environ={}))
    starter = threading.Timer(1.0, emu.start)
    starter.start()
    try:
        created = client.create_workspace({"name": "came-up-later"})
    finally:
        starter.join()
        emu.stop()
    assert created.name == "came-up-later" and client.calls["POST"] > 1
    assert emu.counts()["POST"] == 1  # the server saw exactly one


def test_lost_answers_are_repeated_beyond_max_retries_within_the_deadline(emulator: Emulator) -> None:
    """max_retries bounds repeats after error answers; a GET whose answers are lost keeps trying."""
    client = ModelArtsClient(settings_for(emulator, project_id=emulator.config.project_id, max_retries=1))
    emulator.add_fault(Fault(kind="drop", method="GET", count=2))
    emulator.add_fault(Fault(kind="lost_response", method="GET", count=2))
    assert client.list_workspaces()
    assert emulator.counts()["GET"] == 5


def test_every_request_says_it_carries_json() -> None:
    """The MaaS page marks `Content-Type: application/json` mandatory: every request sends it,
    bodiless GETs and DELETEs and the IAM calls included."""
    token = json.dumps({"token": {"expires_at": "2099-01-01T00:00:00Z", "project": {"id": "p" * 32}}}).encode()
    page = json.dumps({"total_count": 1, "workspaces": [{"id": "a" * 32, "name": "only"}]}).encode()
    one = json.dumps({"id": "a" * 32, "name": "only", "status": "NORMAL"}).encode()
    projects = json.dumps({"projects": [{"id": "p" * 32, "name": "cn-north-4"}]}).encode()
    with RawServer() as server:
        base = {"region": "cn-north-4", "modelarts_endpoint": server.url, "auth_url": server.url}
        password = {"user_name": "u", "password": "pw", "domain_name": "d"}
        aksk = {"access_key": "AK", "secret_key": "SK"}
        server.respond(Reply(answer(201, token, {"X-Subject-Token": "tok"})), Reply(answer(200, page)))
        ModelArtsClient(resolve(explicit={**base, **password}, environ={})).list_workspaces()
        seen = list(server.seen)
        client = ModelArtsClient(resolve(explicit={**base, **aksk}, environ={}))
        server.respond(Reply(answer(200, projects)), Reply(answer(200, one)))
        client.get_workspace("a" * 32)
        seen += server.seen
        server.respond(Reply(answer(200, one)))
        client.create_workspace({"name": "only"})
        client.update_workspace("a" * 32, {"name": "only"})
        client.delete_workspace("a" * 32)
        seen += server.seen
        server.respond(Reply(answer(200, json.dumps({"workspaces": []}).encode())))
        client.get_maas_workspaces()
        seen += server.seen
    assert [f"{r.method} {r.path.split('?')[0].split('/')[-1]}" for r in seen] == [
        "POST tokens", "GET workspaces", "GET projects", f"GET {'a' * 32}", "POST workspaces",
        f"PUT {'a' * 32}", f"DELETE {'a' * 32}", "GET cn-north-4",
    ]  # fmt: skip
    assert {r.headers.get("content-type") for r in seen} == {"application/json"}


@pytest.mark.parametrize(
    ("location", "host"),
    [("https://elsewhere.example/v1/x", "elsewhere.example"), ("/v2/moved", "127.0.0.1"), (None, "elsewhere")],
)
def test_a_redirect_is_reported_not_followed(location: str | None, host: str) -> None:
    headers = {"Location": location} if location else {}
    with RawServer(Reply(answer(302, b"", headers))) as server:
        client = ModelArtsClient(resolve(explicit={"project_id": "p" * 32, "modelarts_endpoint": server.url,
                                                   "token": "secret-token"}, environ={}))  # fmt: skip
        with pytest.raises(ResponseError) as info:
            client.list_workspaces()
    assert str(info.value).startswith(f"list workspaces failed: HTTP 302 redirected to {host}")
    assert str(info.value).endswith(", not followed") and len(server.seen) == 1


def test_an_unreadable_retry_after_is_ignored(emulator: Emulator) -> None:
    """`Retry-After: soon` means nothing: the usual backoff, then the answer."""
    page = json.dumps({"total_count": 0, "workspaces": []}).encode()
    busy = answer(429, b'{"error_code": "ModelArts.2799"}', {"Retry-After": "soon"})
    with RawServer(Reply(busy), Reply(busy), Reply(answer(200, page))) as server:
        client = ModelArtsClient(resolve(explicit={"project_id": "p" * 32, "modelarts_endpoint": server.url,
                                                   "token": "t"}, environ={}))  # fmt: skip
        with timed() as took:
            assert client.list_workspaces() == []
    assert len(server.seen) == 3 and took[0] < 2.0


def test_slow_answer_times_out_then_retries(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator, project_id=emulator.config.project_id, read_timeout=0.3))
    emulator.add_fault(Fault(kind="latency", seconds=0.6, method="GET", count=1))
    assert client.list_workspaces()
    assert emulator.counts()["GET"] == 2


def test_keep_alive_connections_are_reused(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator, project_id=emulator.config.project_id))
    for _ in range(10):
        client.list_workspaces()
    pools = list(client._session.get_adapter(emulator.url).poolmanager.pools._container.values())
    assert len(pools) == 1
    assert pools[0].num_connections == 1 and pools[0].num_requests == 10


def test_generic_parameter_error_for_a_missing_workspace_is_not_found(emulator: Emulator) -> None:
    client = ModelArtsClient(settings_for(emulator, project_id=emulator.config.project_id))
    kept = client.create_workspace({"name": "still-here"})
    missing = "d" * 32
    for workspace_id in (missing, kept.id):
        emulator.add_fault(
            Fault(
                kind="status", status=400, error_code="ModelArts.0104", method="GET", path=f"/workspaces/{workspace_id}"
            )
        )
    with pytest.raises(NotFoundError):
        client.get_workspace(missing)
    with pytest.raises(ApiError) as info:  # it exists: a real parameter error, not "gone"
        client.get_workspace(kept.id)
    assert not isinstance(info.value, NotFoundError)


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ({"modelarts_endpoint": "http://127.0.0.1:99999", "token": "t"}, "cannot build a request"),
        ({"token": "secret\ntoken"}, "could not be sent"),
        ({"access_key": "AK", "secret_key": "secret\nkey", "security_token": "secret\ntoken"}, "could not be sent"),
    ],
)
def test_a_request_that_cannot_be_sent_fails_at_once_without_its_secrets(settings: dict[str, str], says: str) -> None:
    with RawServer() as server:
        explicit = {"project_id": "p" * 32, "modelarts_endpoint": server.url, **settings}
        with timed() as took, pytest.raises(TransportError) as info:
            ModelArtsClient(resolve(explicit=explicit, environ={})).list_workspaces()
        assert server.seen == []
    assert took[0] < SLACK and says in str(info.value) and "secret" not in str(info.value)
