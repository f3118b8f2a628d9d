"""`modelarts:index:WorkspaceQuotas` and `getWorkspaceQuotas` on the native face, in process
against the emulator: quota resource names never case-converted, camelCase field names, preview
without API calls, the same lifecycle as the dynamic face, and a schema matching the outputs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.provider.experimental.provider import (
    CheckRequest,
    ConfigureRequest,
    CreateRequest,
    DeleteRequest,
    DiffRequest,
    InvokeRequest,
    ReadRequest,
    UpdateRequest,
)
from pulumi.runtime.rpc import UNKNOWN

from modelarts_provider.core.settings import SOURCES
from modelarts_provider.emulator import Emulator, EmulatorConfig, Fault
from modelarts_provider.native import quota_schema, schema
from modelarts_provider.native.provider import CustomTimeoutExceeded, ModelArtsProvider
from modelarts_provider.native.quota_sdk import NativeWorkspaceQuotas
from modelarts_provider.native.quotas import from_engine as plain
from modelarts_provider.native.quotas import to_engine as wire
from modelarts_provider.native.registry import type_token
from modelarts_provider.native.server import one_line
from tests.test_native import configured, pv, run

URN = "urn:pulumi:dev::proj::modelarts:index:WorkspaceQuotas::q"
GPU = "exemlProject.gpu_duration"
NB = "notebook.instances"  # invented quota resources: this module's emulator turns them on
TRAIN = "trainJob.gpu_duration"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(delete_duration=0.3, invented_quotas=True)) as emu:
        yield emu


@pytest.fixture
def provider(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> ModelArtsProvider:
    return configured(emu, monkeypatch, workers=4)


def values(props: dict[str, Any]) -> dict[str, Any]:
    return plain(props)


def test_requests_are_routed_by_type_and_names_translated_only_for_our_fields() -> None:
    assert type_token(URN) == type_token("urn:pulumi:s::p::my:comp$modelarts:index:WorkspaceQuotas::q")
    assert type_token(URN) == quota_schema.WORKSPACE_QUOTAS
    assert type_token("urn:pulumi:dev::proj::modelarts:index:Workspace::ws") == schema.WORKSPACE
    wired = wire({"workspace_id": "0", "quotas": {GPU: 5}, "all_quotas": [{"min_quota": -1}]}, {"quotas"})
    assert set(wired) == {"workspaceId", "quotas", "allQuotas"}
    assert set(wired["quotas"].value) == {GPU} and wired["quotas"].is_secret
    assert set(wired["allQuotas"].value[0].value) == {"minQuota"}
    assert plain(wired) == {"workspace_id": "0", "quotas": {GPU: 5.0}, "all_quotas": [{"min_quota": -1.0}]}
    sdk = NativeWorkspaceQuotas.__new__(NativeWorkspaceQuotas)
    assert sdk.translate_input_property("workspace_id") == "workspaceId"
    assert sdk.translate_input_property(GPU) == GPU and sdk.translate_output_property(GPU) == GPU
    assert sdk.translate_output_property("minQuota") == "min_quota"


def test_secret_quotas_keep_every_output_derived_from_them_secret(provider: ModelArtsProvider) -> None:
    """`originalQuotas` and `allQuotas` carry the declared values too: with `quotas` secret they
    are secret in the state; what is not derived from a secret input stays plain."""
    inputs = wire({"workspace_id": "0", "quotas": {GPU: 20}}, {"quotas"})
    created = run(provider.create(CreateRequest(URN, inputs, 0.0, False)))
    secret = {k for k, v in created.properties.items() if v.contains_secret()}
    assert secret == {"quotas", "originalQuotas", "allQuotas"}
    run(provider.delete(DeleteRequest(URN, "0", created.properties, timeout=0.0)))


def test_check_names_fields_in_camel_case_and_keeps_quota_names(provider: ModelArtsProvider, emu: Emulator) -> None:
    good = run(provider.check(CheckRequest(URN, {}, wire({"workspace_id": "0", "quotas": {GPU: 600}}), b"")))
    assert not good.failures and good.inputs is not None and set(good.inputs["quotas"].value) == {GPU}
    bad = run(provider.check(CheckRequest(URN, {}, wire({"workspace_id": "x", "quotas": {GPU: 0, NB: 1.5}}), b"")))
    reasons = {f.property: f.reason for f in bad.failures or []}
    assert "32 lower-case hex" in reasons["workspaceId"]
    assert "or -1 for unlimited; got 0" in reasons[f'quotas["{GPU}"]'] and "got 1.5" in reasons[f'quotas["{NB}"]']
    assert emu.counts()["total"] == 0


def test_schema_types_match_what_the_lifecycle_returns(provider: ModelArtsProvider) -> None:
    created = run(provider.create(CreateRequest(URN, wire({"workspace_id": "0", "quotas": {GPU: 20}}), 0.0, False)))
    declared = schema.schema()["resources"][quota_schema.WORKSPACE_QUOTAS]["properties"]
    assert set(created.properties) == set(declared)
    shown = schema.schema()["types"][quota_schema.QUOTA]["properties"]
    item = created.properties["allQuotas"].value[0].value
    assert set(item) == set(shown)
    for key, kind in shown.items():
        assert isinstance(item[key].value, float if kind["type"] == "integer" else str), key
    run(provider.delete(DeleteRequest(URN, "0", created.properties, timeout=0.0)))


def test_lifecycle_preview_update_drift_restore_and_function(provider: ModelArtsProvider, emu: Emulator) -> None:
    ws = next(iter(run_create_workspace(emu)))
    inputs = wire({"workspace_id": ws, "quotas": {GPU: 600, NB: 30}})  # keys verbatim, as the engine sends them
    emu.reset_counts()
    planned = run(provider.create(CreateRequest(URN, inputs, 0.0, preview=True)))
    assert emu.counts()["total"] == 0 and planned.properties["allQuotas"].value == UNKNOWN
    created = run(provider.create(CreateRequest(URN, inputs, 0.0, preview=False)))
    assert created.resource_id == ws
    assert values(created.properties)["original_quotas"] == {GPU: -1, NB: 20}
    assert emu.workspace_quotas(ws)[GPU]["quota"] == 600

    news = wire({"workspace_id": ws, "quotas": {GPU: 900, TRAIN: 50}})
    diff = run(provider.diff(DiffRequest(URN, ws, created.properties, news, [])))
    assert diff.changes and diff.replaces == [] and diff.diffs == ["quotas"]
    moved = run(provider.diff(DiffRequest(URN, ws, created.properties, {**news, "workspaceId": pv("0")}, [])))
    assert moved.replaces == ["workspaceId"]
    preview = run(provider.update(UpdateRequest(URN, ws, created.properties, news, 0.0, [], True)))
    assert preview.properties["quotas"].value[GPU].value == 900
    updated = run(provider.update(UpdateRequest(URN, ws, created.properties, news, 0.0, [], False)))
    live = emu.workspace_quotas(ws)
    assert (live[GPU]["quota"], live[TRAIN]["quota"], live[NB]["quota"]) == (900, 50, 20)

    emu.put_quota_raw(ws, GPU, quota=5)
    read = run(provider.read(ReadRequest(URN, ws, updated.properties, news)))
    assert values(read.inputs)["quotas"] == {GPU: 5, TRAIN: 50}

    got = run(provider.invoke(InvokeRequest(quota_schema.GET_WORKSPACE_QUOTAS, {"workspaceId": pv("0")})))
    items = {q.value["resource"].value: q.value for q in got.return_value["quotas"].value}
    assert items[GPU]["usedQuota"].value == 5 and items[TRAIN]["usedQuota"].value is None

    run(provider.delete(DeleteRequest(URN, ws, read.properties, timeout=0.0)))
    live = emu.workspace_quotas(ws)
    assert (live[GPU]["quota"], live[TRAIN]["quota"]) == (-1, -1)


def run_create_workspace(emu: Emulator) -> list[str]:
    from modelarts_provider.api.client import ModelArtsClient
    from tests.conftest import settings_for

    return [ModelArtsClient(settings_for(emu)).create_workspace({"name": "native-quotas"}).id]


def test_a_declared_region_is_where_the_native_quotas_live(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two emulators as two regions: create returns REGION/ID, and read and delete go there."""
    import json

    from modelarts_provider.api.client import ModelArtsClient
    from tests.conftest import settings_for

    south_region, south_project = "ap-southeast-1", "5e" * 16
    for _name, (_key, env) in SOURCES.items():
        if env:
            monkeypatch.delenv(env, raising=False)
    north_cfg = EmulatorConfig(other_projects={south_region: south_project})
    with Emulator(north_cfg) as north, Emulator(EmulatorConfig(region=south_region, project_id=south_project)) as south:
        monkeypatch.setenv("HW_MODELARTS_ENDPOINTS", json.dumps({south_region: south.url}))
        prov = ModelArtsProvider(workers=2)
        args = {
            "region": pv(north_cfg.region),
            "endpoint": pv(north.url),
            "authUrl": pv(north.url + "/v3"),
            "accessKey": pv(north_cfg.access_key),
            "secretKey": pv(north_cfg.secret_key, secret=True),
        }
        run(prov.configure(ConfigureRequest({}, args, True, True)))
        ws = ModelArtsClient(settings_for(south)).create_workspace({"name": "south-quotas"}).id
        inputs = wire({"workspace_id": ws, "quotas": {GPU: 600}, "region": south_region})
        created = run(prov.create(CreateRequest(URN, inputs, 0.0, preview=False)))
        assert created.resource_id == f"{south_region}/{ws}" and south.workspace_quotas(ws)[GPU]["quota"] == 600
        assert (values(created.properties)["region"], values(created.properties)["project_id"]) == (
            south_region,
            south_project,
        )
        south.put_quota_raw(ws, GPU, quota=7)
        read = run(prov.read(ReadRequest(URN, created.resource_id, created.properties, inputs)))
        assert values(read.inputs)["quotas"] == {GPU: 7}
        elsewhere = {**created.properties, "projectId": pv("f" * 32)}  # the recorded project is used
        with pytest.raises(Exception, match="project id does not match"):
            run(prov.read(ReadRequest(URN, created.resource_id, elsewhere, inputs)))
        other = {**inputs, "region": pv("cn-north-4")}
        assert run(prov.diff(DiffRequest(URN, created.resource_id, created.properties, other, []))).replaces == [
            "region"
        ]
        run(prov.delete(DeleteRequest(URN, created.resource_id, read.properties, timeout=0.0)))
        assert south.workspace_quotas(ws)[GPU]["quota"] == -1
        assert not [r for r in north.route_counts() if "quotas" in r]


def test_custom_timeouts_bound_the_quota_calls(provider: ModelArtsProvider, emu: Emulator) -> None:
    """The engine's timeout bounds a WorkspaceQuotas create, update and delete as it bounds a
    Workspace's: a slow quota PUT ends at the custom timeout with one line naming it."""
    ws = next(iter(run_create_workspace(emu)))
    inputs = wire({"workspace_id": ws, "quotas": {GPU: 600}})
    slow_put = Fault("latency", method="PUT", path=r"/quotas$", seconds=6.0, count=None)

    def ended_by_the_custom_timeout(operation: str, request: Any) -> None:
        emu.add_fault(slow_put)
        started = time.monotonic()
        with pytest.raises(CustomTimeoutExceeded) as late:
            run(request)
        emu.clear_faults()
        elapsed, said = time.monotonic() - started, one_line(late.value)
        assert 1.0 <= elapsed < 2.5, (operation, elapsed, said)
        assert f"{operation} of the quotas of workspace {ws} did not finish within its customTimeouts" in said

    ended_by_the_custom_timeout("create", provider.create(CreateRequest(URN, inputs, 1.0, preview=False)))
    created = run(provider.create(CreateRequest(URN, inputs, 0.0, preview=False)))
    news = wire({"workspace_id": ws, "quotas": {GPU: 900}})
    update = UpdateRequest(URN, ws, created.properties, news, 1.0, [], False)
    ended_by_the_custom_timeout("update", provider.update(update))
    ended_by_the_custom_timeout("delete", provider.delete(DeleteRequest(URN, ws, created.properties, timeout=1.0)))
