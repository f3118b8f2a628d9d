"""The get_* lookups against the emulator: every list filter the API has reaches it, bad
arguments fail before any request naming the argument, and MaaS results carry only the
fields the MaaS page defines."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from modelarts_provider.core.errors import InputError
from modelarts_provider.emulator import Emulator, EmulatorConfig
from modelarts_provider.program import lookups
from tests.conftest import hw_env

EPS = "0aab0091-887f-4839-9929-cbc884f1e000"


@pytest.fixture
def emu(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    with Emulator(EmulatorConfig()) as emulator:
        for key, value in hw_env(emulator).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setattr(lookups, "_CLIENTS", {})
        yield emulator


def names(result: lookups.GetWorkspacesResult) -> list[str]:
    return [w.name for w in result.workspaces]


def test_list_filters_reach_the_api(emu: Emulator) -> None:
    client = lookups._client()
    for name, extra in (("lk-alpha", {}), ("lk-beta", {"enterprise_project_id": EPS}), ("lk-gamma", {})):
        client.create_workspace({"name": name, "auth_type": "PRIVATE", **extra})
    theirs = client.create_workspace({"name": "lk-theirs", "auth_type": "PRIVATE"})
    emu.put_workspace_raw(theirs.id, owner="another-user")
    assert names(lookups.get_workspaces("lk-", sort_by="name", order="asc")) == [
        "lk-alpha",
        "lk-beta",
        "lk-gamma",
        "lk-theirs",
    ]
    assert names(lookups.get_workspaces("lk-", order="desc"))[0] == "lk-theirs"
    assert names(lookups.get_workspaces(enterprise_project_id=EPS)) == ["lk-beta"]
    assert "lk-theirs" not in names(lookups.get_workspaces("lk-", filter_accessible=True))
    assert names(lookups.get_workspaces("lk-", sort_by="update_time", order="asc"))[-1] == "lk-theirs"


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"sort_by": "id"}, "sort_by must be one of name, update_time, status, got 'id'"),
        ({"order": "up"}, "order must be one of asc, desc, got 'up'"),
        ({"filter_accessible": "yes"}, "filter_accessible must be True or False"),
        ({"enterprise_project_id": "finance"}, "enterprise_project_id must be '0' or an enterprise project id"),
        ({"name": 7}, "name must be a string"),
    ],
)
def test_bad_filters_fail_before_any_request(emu: Emulator, kwargs: dict[str, Any], named: str) -> None:
    emu.reset_counts()
    with pytest.raises(InputError) as info:
        lookups.get_workspaces(**kwargs)
    assert named in str(info.value)
    assert emu.counts()["total"] == 0


def test_maas_results_have_only_the_maas_fields(emu: Emulator) -> None:
    emu.config.maas_any_region = True  # the MaaS call outside CN-Hong Kong (assumption maas-region)
    result = lookups.get_maas_workspaces()
    fields = {f.name for f in dataclasses.fields(lookups.GetMaasWorkspaceResult)}
    assert fields == {"id", "name", "description", "owner", "auth_type", "create_time", "update_time"}
    default = next(w for w in result.workspaces if w.id == "0")
    assert default.name == "default" and isinstance(default.create_time, int)
    with pytest.raises(InputError):
        lookups.get_maas_workspaces("")


def test_one_client_per_program_closed_when_it_ends(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """The program's lookups share one client (one token and project look-up for them all); the
    exit hook closes it through its context manager, which releases its pooled connections."""
    monkeypatch.setattr(lookups, "_OPENED", contextlib.ExitStack())
    emu.reset_counts()
    lookups.get_workspace("0")
    iam = emu.counts().get("IAM", 0)
    lookups.get_workspaces()
    lookups.get_workspace("0")
    assert emu.counts().get("IAM", 0) == iam
    pools = lookups._CLIENTS[None]._session.get_adapter(emu.url).poolmanager.pools
    assert len(pools) == 1
    lookups._close_clients()
    assert len(pools) == 0 and not lookups._CLIENTS
