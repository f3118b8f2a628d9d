"""Workspace quotas over HTTP against the emulator: the endpoints and their rules, the client
methods, the declared-quota rules, the provider's create/update/read/delete after the engine's
pickle/configure round trip, and the CLI."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from typing import Any

import dill
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown

from modelarts_provider.api.client import ModelArtsClient
from modelarts_provider.api.models import parse
from modelarts_provider.api.quota_models import QuotaList
from modelarts_provider.core.errors import ApiError, ModelArtsError, NotFoundError, ResponseError
from modelarts_provider.dynamic.quotas_provider import WorkspaceQuotasProvider
from modelarts_provider.emulator import Emulator, EmulatorConfig, Fault
from modelarts_provider.emulator.errors import ErrorAnswer
from modelarts_provider.tools.cli import run
from tests.conftest import hw_env, settings_for
from tests.test_provider import engine_built, stack_config

GPU = "exemlProject.gpu_duration"  # the vendor's documented example
# Two of the emulator's INVENTED quota resources (no vendor source lists them): this module's
# emulator turns them on to meet a catalogue of several items, one whose range excludes -1.
NB = "notebook.instances"  # range 1..100, default 20: -1 is outside it
TRAIN = "trainJob.gpu_duration"
QUOTA_PUT = "PUT /v1/{project_id}/workspaces/{id}/quotas"
QUOTA_GET = "GET /v1/{project_id}/workspaces/{id}/quotas"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """The shared fixture's emulator with the invented quota resources switched on."""
    with Emulator(EmulatorConfig(delete_duration=0.3, invented_quotas=True)) as emu:
        yield emu


@pytest.fixture
def api(emu: Emulator) -> ModelArtsClient:
    return ModelArtsClient(settings_for(emu))


@pytest.fixture
def ws(api: ModelArtsClient) -> str:
    return api.create_workspace({"name": "quota-team"}).id


@pytest.fixture
def provider(emu: Emulator, no_hw_env: None) -> WorkspaceQuotasProvider:
    return engine_built(WorkspaceQuotasProvider, stack_config(emu))


def routes(emu: Emulator) -> dict[str, int]:
    """ModelArts calls by route (the IAM project look-up of the first call left out)."""
    return {route: n for route, n in emu.route_counts().items() if " /v1/" in route}


# -- the emulator's endpoints -------------------------------------------------------------------


def test_get_serves_the_vendor_fields_and_the_documented_example_on_workspace_0(api: ModelArtsClient) -> None:
    raw = api._call("GET", "/workspaces/0/quotas", "get")
    items = {item["resource"]: item for item in raw["quotas"]}
    assert len(items) >= 5 and GPU in items
    example = items[GPU]
    assert set(example) == {
        "resource",
        "quota",
        "min_quota",
        "max_quota",
        "used_quota",
        "name_en",
        "name_cn",
        "unit_en",
        "unit_cn",
        "update_time",
    }
    assert (example["quota"], example["min_quota"], example["max_quota"], example["used_quota"]) == (10, -1, 60000, 5)
    assert example["unit_en"] == "minute" and example["name_en"].startswith("ExeML training duration")
    workspace_0 = api.get_workspace("0")
    for item in items.values():
        assert all(isinstance(item[k], int) for k in ("quota", "min_quota", "max_quota", "update_time"))
        assert item["update_time"] == workspace_0.create_time  # never modified: the creation time
        assert (item["used_quota"] is None) == (item["quota"] == -1)


def test_by_default_the_catalogue_is_the_documented_item_only() -> None:
    """Without `invented_quotas` every workspace has exactly the one quota resource the vendor
    documents, and a PUT naming an invented one is refused like any unknown resource."""
    with Emulator(EmulatorConfig()) as plain_emu:
        api = ModelArtsClient(settings_for(plain_emu))
        ws = api.create_workspace({"name": "documented-only"}).id
        for workspace in ("0", ws):
            assert list(api.get_workspace_quotas(workspace).by_resource()) == [GPU]
        with pytest.raises(ApiError, match=f"{TRAIN!r} is not a quota resource"):
            api.update_workspace_quotas(ws, {TRAIN: 5})
        plain_emu.config.invented_quotas = True
        assert {GPU, TRAIN, NB} <= set(api.get_workspace_quotas(ws).by_resource())


def test_a_new_workspace_has_quotas_from_its_creation_time(api: ModelArtsClient, ws: str) -> None:
    items = api.get_workspace_quotas(ws).by_resource()
    created = api.get_workspace(ws).create_time
    assert {i.update_time for i in items.values()} == {created}
    assert items[GPU].quota == -1 and items[GPU].used_quota is None
    assert items[NB].quota == 20 and items[NB].used_quota == 0


def test_put_changes_only_the_given_items_and_answers_them_without_usage(api: ModelArtsClient, ws: str) -> None:
    created = api.get_workspace(ws).create_time
    # the vendor's example request carries workspace_id inside the item: extra fields are fine
    raw = api._call(
        "PUT",
        f"/workspaces/{ws}/quotas",
        "put",
        json={"quotas": [{"workspace_id": ws, "resource": GPU, "quota": 600}]},
    )
    assert [i["resource"] for i in raw["quotas"]] == [GPU] and "used_quota" not in raw["quotas"][0]
    assert raw["quotas"][0]["quota"] == 600 and raw["quotas"][0]["update_time"] > created
    items = api.get_workspace_quotas(ws).by_resource()
    assert items[GPU].quota == 600 and items[GPU].used_quota == 0
    assert items[NB].update_time == created  # untouched


@pytest.mark.parametrize(
    ("item", "words"),
    [
        ({"resource": "no.such", "quota": 5}, "is not a quota resource"),
        ({"resource": GPU, "quota": 0}, "positive integer or -1"),
        ({"resource": GPU, "quota": -2}, "positive integer or -1"),
        ({"resource": GPU, "quota": 1.5}, "positive integer or -1"),
        ({"resource": GPU, "quota": True}, "positive integer or -1"),
        ({"resource": GPU, "quota": "10"}, "positive integer or -1"),
        ({"resource": GPU, "quota": 60001}, "between -1 and 60000"),
        ({"resource": NB, "quota": -1}, "between 1 and 100"),
    ],
)
def test_put_rules(api: ModelArtsClient, ws: str, item: dict[str, Any], words: str) -> None:
    with pytest.raises(ApiError) as caught:
        api._call("PUT", f"/workspaces/{ws}/quotas", "put", json={"quotas": [{"resource": TRAIN, "quota": 7}, item]})
    assert caught.value.status == 400 and caught.value.error_code == "ModelArts.0104"
    assert words in (caught.value.error_msg or "")
    assert api.get_workspace_quotas(ws).by_resource()[TRAIN].quota == -1  # all or nothing


def test_missing_and_deleting_workspaces(api: ModelArtsClient, emu: Emulator, ws: str) -> None:
    with pytest.raises(NotFoundError):
        api.get_workspace_quotas("f" * 32)
    with pytest.raises(NotFoundError):
        api.update_workspace_quotas("f" * 32, {GPU: 5})
    api.delete_workspace(ws)
    assert api.get_workspace_quotas(ws).by_resource()[GPU].quota == -1  # readable while DELETING
    with pytest.raises(ApiError) as caught:
        api.update_workspace_quotas(ws, {GPU: 5})
    assert caught.value.error_code == "ModelArts.7004"


def test_answers_are_parsed_leniently_or_rejected_naming_the_field() -> None:
    odd = {"quotas": [{"resource": GPU, "quota": 5, "used_quota": None, "update_time": "1470000020000", "new": 1}]}
    item = parse(QuotaList, odd, "get").quotas[0]
    assert (item.quota, item.used_quota, item.update_time, item.min_quota) == (5, None, 1470000020000, None)
    assert item.allows(-7) and item.range_text() == "no minimum..no maximum"
    assert parse(QuotaList, {"quotas": None}, "get").quotas == []
    with pytest.raises(ResponseError, match=r"'quotas\.0\.resource'"):
        parse(QuotaList, {"quotas": [{"quota": 5}]}, "get")
    with pytest.raises(ResponseError, match=r"'quotas\.0\.quota'"):
        parse(QuotaList, {"quotas": [{"resource": GPU, "quota": "lots"}]}, "get")


def test_faults_on_quota_calls_are_retried_once_each(emu: Emulator, provider: WorkspaceQuotasProvider, ws: str) -> None:
    emu.add_fault(Fault(kind="status", method="GET", path=r".*/quotas$", status=503))
    emu.add_fault(Fault(kind="lost_response", method="PUT", path=r".*/quotas$"))
    emu.reset_counts()
    outs = provider.create({"workspace_id": ws, "quotas": {GPU: 600}}).outs
    assert outs["quotas"] == {GPU: 600} and emu.workspace_quotas(ws)[GPU]["quota"] == 600
    assert routes(emu) == {QUOTA_GET: 2, QUOTA_PUT: 2}  # each fault cost exactly one extra request
    assert emu.faults() == []


# -- the declared-quota rules (check) -------------------------------------------------------------

BAD = [
    ({"quotas": {GPU: 5}}, "workspace_id", "is required"),
    ({"workspace_id": "abc", "quotas": {GPU: 5}}, "workspace_id", "32 lower-case hex"),
    ({"workspace_id": 7, "quotas": {GPU: 5}}, "workspace_id", "got a number"),
    ({"workspace_id": "0"}, "quotas", "is required"),
    ({"workspace_id": "0", "quotas": [GPU]}, "quotas", "must be a map"),
    ({"workspace_id": "0", "quotas": {GPU: 0}}, f'quotas["{GPU}"]', "whole number >= 1, or -1"),
    ({"workspace_id": "0", "quotas": {GPU: -2}}, f'quotas["{GPU}"]', "got -2"),
    ({"workspace_id": "0", "quotas": {GPU: 0.0}}, f'quotas["{GPU}"]', "or -1 for unlimited; got 0"),
    ({"workspace_id": "0", "quotas": {GPU: 1.5}}, f'quotas["{GPU}"]', "got 1.5"),
    ({"workspace_id": "0", "quotas": {GPU: "600"}}, f'quotas["{GPU}"]', "got a string"),
    ({"workspace_id": "0", "quotas": {GPU: True}}, f'quotas["{GPU}"]', "got a boolean"),
    ({"workspace_id": "0", "quotas": {"": 5}}, "quotas", "empty quota resource"),
    ({"workspace_id": "0", "quotas": {}, "colour": "x"}, "colour", "not a WorkspaceQuotas input"),
]


@pytest.mark.parametrize(("props", "prop", "words"), BAD)
def test_check_names_the_quota_and_the_rule_without_api_calls(
    emu: Emulator, provider: WorkspaceQuotasProvider, props: dict[str, Any], prop: str, words: str
) -> None:
    result = provider.check({}, {"__provider": "x", **props})
    assert any(f.property == prop and words in f.reason for f in result.failures), [
        (f.property, f.reason) for f in result.failures
    ]
    assert emu.counts()["total"] == 0


def test_check_accepts_unknowns_and_engine_floats(provider: WorkspaceQuotasProvider) -> None:
    assert provider.check({}, {"workspace_id": Unknown(), "quotas": {GPU: Unknown()}}).failures == []
    assert provider.check({}, {"workspace_id": "0", "quotas": Unknown()}).failures == []
    result = provider.check({}, {"workspace_id": "0", "quotas": {GPU: 600.0, NB: -1.0}, "all_quotas": None})
    assert result.failures == [] and result.inputs == {"workspace_id": "0", "quotas": {GPU: 600, NB: -1}}


def test_diff(provider: WorkspaceQuotasProvider) -> None:
    old = {"workspace_id": "a" * 32, "quotas": {GPU: 600.0}, "original_quotas": {GPU: -1.0}}
    same = provider.diff("a" * 32, old, {"workspace_id": "a" * 32, "quotas": {GPU: 600}})
    assert not same.changes
    changed = provider.diff("a" * 32, old, {"workspace_id": "a" * 32, "quotas": {GPU: 700}})
    assert changed.changes and not changed.replaces
    moved = provider.diff("a" * 32, old, {"workspace_id": "b" * 32, "quotas": {GPU: 600}})
    assert moved.replaces == ["workspace_id"]
    # unknown in a preview whenever the workspace is only updated: not a replace
    unknown = provider.diff("a" * 32, old, {"workspace_id": Unknown(), "quotas": {GPU: 600}})
    assert unknown.changes and not unknown.replaces


# -- the provider against the API -------------------------------------------------------------------


def test_lifecycle_reads_once_puts_only_changes_and_restores(
    emu: Emulator, api: ModelArtsClient, provider: WorkspaceQuotasProvider, ws: str
) -> None:
    created_at = api.get_workspace(ws).create_time
    emu.put_quota_raw(ws, NB, quota=30)  # somebody set it before Pulumi
    emu.reset_counts()
    inputs = provider.check({}, {"workspace_id": ws, "quotas": {GPU: 600, NB: 30}})
    created = provider.create(inputs.inputs)
    assert created.id == ws
    assert routes(emu) == {QUOTA_GET: 1, QUOTA_PUT: 1}
    live = emu.workspace_quotas(ws)
    assert live[GPU]["quota"] == 600 and live[GPU]["update_time"] > created_at
    outs = created.outs
    assert outs["quotas"] == {GPU: 600, NB: 30}
    assert outs["original_quotas"] == {GPU: -1, NB: 30}
    assert {q["resource"] for q in outs["all_quotas"]} == set(live)
    assert all("used_quota" not in q and "update_time" not in q for q in outs["all_quotas"])

    # change one, add one, drop one: one GET and one PUT
    emu.reset_counts()
    news = {"workspace_id": ws, "quotas": {GPU: 1200, TRAIN: 100}}
    updated = provider.update(ws, outs, news).outs
    assert routes(emu) == {QUOTA_GET: 1, QUOTA_PUT: 1}
    live = emu.workspace_quotas(ws)
    assert (live[GPU]["quota"], live[TRAIN]["quota"], live[NB]["quota"]) == (1200, 100, 30)
    assert updated["original_quotas"] == {GPU: -1, TRAIN: -1}

    # nothing to change: no PUT
    emu.reset_counts()
    provider.update(ws, updated, news)
    assert routes(emu) == {QUOTA_GET: 1}

    # drift: read reports the live value as the input, so the next diff shows it
    emu.put_quota_raw(ws, GPU, quota=50, used=7)
    read = provider.read(ws, updated)
    assert read.inputs == {"workspace_id": ws, "quotas": {GPU: 50, TRAIN: 100}}
    assert read.outs["original_quotas"] == {GPU: -1, TRAIN: -1}
    assert "used" not in json.dumps(read.outs)
    assert provider.diff(ws, read.outs, news).changes

    # removing the resource restores the values from before Pulumi
    emu.reset_counts()
    provider.delete(ws, read.outs)
    live = emu.workspace_quotas(ws)
    assert (live[GPU]["quota"], live[TRAIN]["quota"], live[NB]["quota"]) == (-1, -1, 30)
    assert routes(emu)[QUOTA_PUT] == 1


def test_live_rules_fail_before_any_write_naming_the_quota(
    emu: Emulator, provider: WorkspaceQuotasProvider, ws: str
) -> None:
    emu.reset_counts()
    with pytest.raises(ModelArtsError) as caught:
        provider.create({"workspace_id": ws, "quotas": {GPU: 60001, NB: -1, "no.such": 5}})
    text = str(caught.value)
    assert f'quotas["{GPU}"]: 60001 is outside the allowed range -1..60000 minute' in text
    assert f'quotas["{NB}"]: -1 is outside the allowed range 1..100' in text
    assert 'quotas["no.such"]' in text and f"valid: {GPU.replace('gpu', 'cpu')}" in text
    assert type(caught.value).__module__ == "builtins"  # prints without the package path
    assert QUOTA_PUT not in routes(emu)


def test_create_on_a_missing_workspace_names_it(provider: WorkspaceQuotasProvider) -> None:
    with pytest.raises(ModelArtsError, match=r"workspace_id: workspace f+ does not exist"):
        provider.create({"workspace_id": "f" * 32, "quotas": {GPU: 5}})


def test_a_workspace_gone_or_deleting_counts_as_restored(
    emu: Emulator, api: ModelArtsClient, provider: WorkspaceQuotasProvider, ws: str
) -> None:
    outs = provider.create({"workspace_id": ws, "quotas": {GPU: 600}}).outs
    api.delete_workspace(ws)  # DELETING for 0.3 s
    emu.reset_counts()
    provider.delete(ws, outs)
    assert QUOTA_PUT not in routes(emu)
    emu.remove_workspace_raw(ws)
    provider.delete(ws, outs)  # gone
    assert provider.read(ws, outs).id == ""


def test_default_workspace_quotas_are_managed_and_restored(emu: Emulator, provider: WorkspaceQuotasProvider) -> None:
    outs = provider.create({"workspace_id": "0", "quotas": {GPU: 20}}).outs
    assert outs["original_quotas"] == {GPU: 10} and emu.workspace_quotas("0")[GPU]["quota"] == 20
    provider.delete("0", outs)
    assert emu.workspace_quotas("0")[GPU]["quota"] == 10


def test_provider_pickles_as_a_reference() -> None:
    assert len(serialize_provider(WorkspaceQuotasProvider())) < 400


# -- CLI ---------------------------------------------------------------------------------------------


def test_cli_quotas_table_and_json(emu: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    for key in list(os.environ):
        if key.startswith("HW_"):
            monkeypatch.delenv(key)
    for key, value in hw_env(emu).items():
        monkeypatch.setenv(key, value)
    assert run(["workspaces", "quotas", "0"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["RESOURCE", "QUOTA", "USED", "MIN", "MAX", "UNIT", "NAME"]
    row = next(line for line in table if line.startswith(GPU)).split()
    assert row[:6] == [GPU, "10", "5", "-1", "60000", "minute"]
    unlimited = next(line for line in table if line.startswith(TRAIN)).split()
    assert unlimited[1:3] == ["unlimited", "-"]
    assert run(["workspaces", "quotas", "0", "--json"]) == 0
    items = {i["resource"]: i for i in json.loads(capsys.readouterr().out)}
    assert items[GPU]["used_quota"] == 5 and items[TRAIN]["used_quota"] is None
    assert run(["workspaces", "quotas", "f" * 32]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: get quotas of workspace") and "ModelArts.7005" in err and "Traceback" not in err


# -- property-based: answers and declared values --------------------------------------------------

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12)
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
_item = st.fixed_dictionaries(
    {},
    optional={
        key: st.one_of(st.integers(-2, 70000), _json)
        for key in ("resource", "quota", "min_quota", "max_quota", "used_quota", "update_time", "name_en", "x")
    },
)
FUZZ = settings(max_examples=200, deadline=None)


@FUZZ
@given(st.one_of(_json, st.fixed_dictionaries({"quotas": st.one_of(st.lists(_item, max_size=4), _json)})))
def test_any_answer_is_a_typed_quota_list_or_one_clear_error(body: Any) -> None:
    try:
        parsed = parse(QuotaList, body, "get quotas of workspace 0")
    except ResponseError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("get quotas of workspace 0")
        return
    for item in parsed.quotas:
        assert isinstance(item.resource, str) and item.resource and isinstance(item.quota, int)


@FUZZ
@given(_json)
def test_what_check_accepts_the_api_accepts(value: Any) -> None:
    """Preview is at least as strict as the API: a value check lets through is never refused by
    the emulator's own copy of the vendor rules, except for the workspace's live range."""
    from modelarts_provider.domain.quotas import spec as quota_spec
    from modelarts_provider.emulator.quotas import requested_quotas

    if quota_spec.validate({"workspace_id": "0", "quotas": {GPU: value}}):
        return
    sent = quota_spec.normalize({"quotas": {GPU: value}})["quotas"][GPU]
    try:
        requested_quotas({"quotas": [{"resource": GPU, "quota": sent}]})
    except ErrorAnswer as exc:
        assert "between" in exc.error_msg  # only the range, which is checked before the PUT


# -- regions: the Workspace's per-location clients ------------------------------------------------

SOUTH, SOUTH_PROJECT = "ap-southeast-1", "5e" * 16


def test_quotas_follow_their_workspace_region_and_project(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    """Two emulators as two regions, one set of credentials: a declared region creates, reads,
    updates and deletes there and is pinned in the state; an older state (no region) gets the
    region and project in force when first read; a region change replaces; lookup and CLI."""
    from modelarts_provider.domain.quotas import lifecycle as quota_lifecycle
    from modelarts_provider.program import lookups

    for key in list(os.environ):
        if key.startswith("HW_"):
            monkeypatch.delenv(key)
    north_cfg = EmulatorConfig(delete_duration=0.3, other_projects={SOUTH: SOUTH_PROJECT})
    with Emulator(north_cfg) as north, Emulator(EmulatorConfig(region=SOUTH, project_id=SOUTH_PROJECT)) as south:
        config = {**stack_config(north), "modelarts:endpoints": json.dumps({SOUTH: south.url})}
        provider = dill.loads(base64.b64decode(serialize_provider(WorkspaceQuotasProvider())))
        provider.configure(ConfigureRequest(Config(config, "test")))
        south_ws = ModelArtsClient(settings_for(south)).create_workspace({"name": "south-team"}).id
        north_ws = ModelArtsClient(settings_for(north)).create_workspace({"name": "north-team"}).id

        assert [
            f.property for f in provider.check({}, {"workspace_id": "0", "quotas": {}, "region": "Mars 1"}).failures
        ] == ["region"]
        news = provider.check({}, {"workspace_id": south_ws, "quotas": {GPU: 600}, "region": SOUTH}).inputs
        created = provider.create(news)
        assert (created.outs["region"], created.outs["project_id"]) == (SOUTH, SOUTH_PROJECT)
        assert south.workspace_quotas(south_ws)[GPU]["quota"] == 600
        assert not [r for r in routes(north) if "quotas" in r]  # nothing went to the default region
        # drift, refresh and update all go to the recorded region and project
        south.put_quota_raw(south_ws, GPU, 700)
        read = provider.read(south_ws, created.outs)
        assert read.outs["quotas"] == {GPU: 700} and read.inputs["region"] == SOUTH
        updated = provider.update(south_ws, read.outs, {**news, "quotas": {GPU: 900}})
        assert updated.outs["region"] == SOUTH and south.workspace_quotas(south_ws)[GPU]["quota"] == 900
        # undeclared region: stays where it is; another region replaces
        assert provider.diff(south_ws, updated.outs, {"workspace_id": south_ws, "quotas": {GPU: 900}}).changes is False
        moved = provider.diff(south_ws, updated.outs, {**news, "quotas": {GPU: 900}, "region": "cn-north-4"})
        assert moved.replaces == ["region"]
        # lookup and CLI with a region
        for key, value in hw_env(north).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("HW_MODELARTS_ENDPOINTS", json.dumps({SOUTH: south.url}))
        monkeypatch.setattr(lookups, "_CLIENTS", {})
        assert lookups.get_workspace_quotas(south_ws, region=SOUTH).quota(GPU).quota == 900  # type: ignore[union-attr]
        assert run(["workspaces", "quotas", south_ws, "--region", SOUTH, "--json"]) == 0
        assert {i["resource"]: i["quota"] for i in json.loads(capsys.readouterr().out)}[GPU] == 900
        provider.delete(south_ws, updated.outs)
        assert south.workspace_quotas(south_ws)[GPU]["quota"] == created.outs["original_quotas"][GPU]

        # a state from before regions: read records the default region and its project
        older = quota_lifecycle.create(
            ModelArtsClient(settings_for(north)), {"workspace_id": north_ws, "quotas": {GPU: 5}}
        )[1]
        for key in ("region", "project_id"):
            older.pop(key)
        read = provider.read(north_ws, older)
        assert (read.outs["region"], read.outs["project_id"]) == ("cn-north-4", north.config.project_id)
        assert "region" not in read.inputs  # undeclared: a refresh does not declare it
        assert (
            provider.diff(
                north_ws, older, {"workspace_id": north_ws, "quotas": {GPU: 5}, "region": "cn-north-4"}
            ).changes
            is False
        )
