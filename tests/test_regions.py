"""Several regions with one set of credentials: settings per location, the per-resource
`region` (a change replaces), and the credentials-rejected guard shared by every region."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from modelarts_provider.api.client import ModelArtsClient
from modelarts_provider.core.errors import AuthenticationError, ConfigurationError
from modelarts_provider.core.settings import resolve
from modelarts_provider.domain.workspace import lifecycle, spec
from modelarts_provider.emulator import Emulator
from tests.conftest import settings_for

ENV = {
    "HW_REGION_NAME": "cn-north-4",
    "HW_PROJECT_ID": "p-north",
    "HW_MODELARTS_ENDPOINT": "https://modelarts.internal.example.com",
    "HW_MODELARTS_ENDPOINTS": '{"eu-west-101": "https://modelarts.eu-west-101.myhuaweicloud.eu/"}',
}


def test_location_settings_keep_credentials_and_drop_what_belongs_to_the_default_region() -> None:
    s = resolve(environ={**ENV, "HW_ACCESS_KEY": "ak", "HW_SECRET_KEY": "sk"})
    assert s.for_location(None) is s and s.for_location("cn-north-4", "p-north") is s
    eu = s.for_location("eu-west-101")
    assert (eu.region, eu.project_id, eu.access_key) == ("eu-west-101", None, "ak")
    assert eu.modelarts_url == "https://modelarts.eu-west-101.myhuaweicloud.eu"  # from the map
    other = s.for_location("ap-southeast-1", "p-ap")
    assert (other.modelarts_url, other.project_id) == ("https://modelarts.ap-southeast-1.myhuaweicloud.com", "p-ap")
    assert s.modelarts_url == "https://modelarts.internal.example.com"  # the single endpoint: default region
    other_key = resolve(environ={**ENV, "HW_ACCESS_KEY": "ak", "HW_SECRET_KEY": "x"})
    assert s.identity() == eu.identity() != other_key.identity()
    with pytest.raises(ConfigurationError, match=r"HW_MODELARTS_ENDPOINTS\['x'\] uses plain http://"):
        resolve(environ={"HW_MODELARTS_ENDPOINTS": '{"x": "http://example.com"}'})
    with pytest.raises(ConfigurationError, match="modelarts:endpoints must be a map of region to endpoint URL"):
        resolve(config={"modelarts:endpoints": ["https://a"]}, environ={})


def test_region_is_checked_and_a_change_replaces() -> None:
    assert [f.property for f in spec.validate({"name": "ws-1", "region": "Not A Region"})] == ["region"]
    assert spec.validate({"name": "ws-1", "region": "eu-west-101"}) == []
    old = {"name": "ws-1", "region": "cn-north-4", "project_id": "p1", "workspace_id": "x"}
    assert lifecycle.plan(old, {"name": "ws-1"}).changes is False  # undeclared: stays where it is
    assert lifecycle.plan(old, {"name": "ws-1", "region": "cn-north-4"}).changes is False
    moved = lifecycle.plan(old, {"name": "ws-1", "region": "ap-southeast-1"})
    assert (moved.replaces, moved.delete_before_replace) == (["region"], False)  # names are per project
    older = {"name": "ws-1", "workspace_id": "x"}  # a state of a release without regions
    assert lifecycle.plan(older, {"name": "ws-1", "region": "cn-north-4"}, "cn-north-4").changes is False
    assert lifecycle.plan(older, {"name": "ws-1", "region": "eu-west-101"}, "cn-north-4").replaces == ["region"]


def test_one_wrong_key_costs_one_request_across_regions(emulator: Emulator) -> None:
    regions = ["cn-north-4", "ap-southeast-1", "eu-west-101", "la-south-2", "af-south-1"]
    endpoints = {region: emulator.url for region in regions}
    base = settings_for(emulator, secret_key="wrong", modelarts_endpoints=endpoints)
    clients = [ModelArtsClient(base.for_location(region, f"project-{region}")) for region in regions]
    emulator.reset_counts()

    def call(client: ModelArtsClient) -> str:
        try:
            client.list_workspaces()
        except AuthenticationError as exc:
            return str(exc)
        return "accepted"

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(call, clients * 2))
    assert emulator.counts()["GET"] == 1  # one bad signature, not one per region
    assert sum("not sent, because the credentials were rejected earlier" in a for a in answers) == 9


def test_lookups_take_a_region(monkeypatch: pytest.MonkeyPatch) -> None:
    from modelarts_provider.core.errors import InputError
    from modelarts_provider.emulator import EmulatorConfig
    from modelarts_provider.program import lookups
    from tests.conftest import hw_env

    config = EmulatorConfig()
    config.other_projects = {"ap-southeast-1": config.project_id}  # the same store answers both
    with Emulator(config) as emu:
        for key, value in hw_env(emu).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("HW_MODELARTS_ENDPOINTS", f'{{"ap-southeast-1": "{emu.url}"}}')
        monkeypatch.setattr(lookups, "_CLIENTS", {})
        assert lookups.get_workspace("0", region="ap-southeast-1").name == "default"
        assert [w.id for w in lookups.get_workspaces(region="ap-southeast-1").workspaces] == ["0"]
        assert lookups._CLIENTS["ap-southeast-1"].settings.region == "ap-southeast-1"
        with pytest.raises(InputError, match="region must be a region id"):
            lookups.get_workspace("0", region="Nowhere Land")


def test_password_tokens_one_per_project() -> None:
    from modelarts_provider.emulator import EmulatorConfig

    config = EmulatorConfig(other_projects={"ap-southeast-1": "5e" * 16})
    with Emulator(config) as emu:
        base = settings_for(emu, "password")
        north = ModelArtsClient(base)
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: north.list_workspaces(), range(8)))
        south = [ModelArtsClient(base.for_location("ap-southeast-1")) for _ in range(3)]
        assert {client.project_id for client in south} == {"5e" * 16}
        assert emu.route_counts()["POST /v3/auth/tokens"] == 2  # one per project, not per client or call
