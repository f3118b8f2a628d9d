"""Fault handling that the end-to-end tests cannot provoke deterministically: many threads meeting
wrong credentials at once, a create whose first request lands only after the look-up missed it,
and answers about another workspace than the one asked for."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from modelarts_provider.client import ModelArtsClient
from modelarts_provider.emulator import Emulator, EmulatorConfig, Fault
from modelarts_provider.errors import AuthenticationError, ModelArtsError, ResponseError
from modelarts_provider.models import WorkspaceSummary
from modelarts_provider.provider import WorkspaceProvider
from tests.conftest import settings_for
from tests.test_provider import checked, engine_provider, stack_config

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


def test_name_conflict_without_an_earlier_attempt_is_still_an_error(emulator: Emulator) -> None:
    provider: WorkspaceProvider = engine_provider(stack_config(emulator))
    provider._client().create_workspace({"name": "someone-elses"})
    with pytest.raises(ModelArtsError, match="already exists"):
        provider.create(checked(provider, name="someone-elses"))


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
