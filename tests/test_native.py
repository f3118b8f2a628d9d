"""The native face in process, against the emulator: names, secrets, numbers, preview without API
calls, partial state, and a schema that matches what the lifecycle really returns."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Coroutine, Iterator
from dataclasses import fields
from typing import Any, TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pulumi.provider.experimental.property_value import PropertyValue
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

from modelarts_provider import WorkspaceArgs
from modelarts_provider.api.models import LiveWorkspace, parse
from modelarts_provider.core.errors import ModelArtsError
from modelarts_provider.core.settings import SECRET_FIELDS, SOURCES
from modelarts_provider.domain.workspace import canonical, lifecycle, spec
from modelarts_provider.emulator import Emulator, Fault
from modelarts_provider.native import schema
from modelarts_provider.native.provider import (
    CustomTimeoutExceeded,
    ModelArtsProvider,
    PartialCreate,
    camel_text,
    split_id,
)
from modelarts_provider.native.sdk import NativeWorkspace
from modelarts_provider.native.server import one_line
from modelarts_provider.native.values import camel, from_plain, snake

T = TypeVar("T")
URN = "urn:pulumi:dev::proj::modelarts:index:Workspace::ws"


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def pv(value: Any, secret: bool = False) -> PropertyValue:
    return from_plain(value, secret)


def wire(**values: Any) -> dict[str, PropertyValue]:
    return {k: v if isinstance(v, PropertyValue) else pv(v) for k, v in values.items()}


def plain(props: dict[str, PropertyValue]) -> dict[str, Any]:
    def conv(v: PropertyValue) -> Any:
        if isinstance(v.value, (tuple, list)):
            return [conv(x) for x in v.value]
        if hasattr(v.value, "items"):
            return {k: conv(x) for k, x in v.value.items()}
        return v.value

    return {k: conv(v) for k, v in props.items()}


def configured(emu: Emulator, monkeypatch: pytest.MonkeyPatch, workers: int, **config: Any) -> ModelArtsProvider:
    """A native provider configured for the emulator as the engine does it (no `HW_*` variables
    around); its progress lines are kept in `.logged`."""
    for _name, (_key, env) in SOURCES.items():
        if env:
            monkeypatch.delenv(env, raising=False)
    logged: list[tuple[str, str]] = []
    prov = ModelArtsProvider(log=lambda urn, message: logged.append((urn, message)), workers=workers)
    prov.logged = logged  # type: ignore[attr-defined]
    cfg = emu.config
    args = wire(
        region=cfg.region,
        endpoint=emu.url,
        authUrl=emu.url + "/v3",
        accessKey=cfg.access_key,
        secretKey=pv(cfg.secret_key, secret=True),
        **config,
    )
    run(prov.configure(ConfigureRequest({}, args, True, True)))
    return prov


@pytest.fixture
def provider(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> ModelArtsProvider:
    emu.clear_faults()
    return configured(emu, monkeypatch, workers=8, maxRetries=2.0)  # numbers arrive as floats


@given(st.from_regex(r"[a-z]{1,6}(_[a-z]{1,6}){0,3}", fullmatch=True))
def test_names_round_trip(name: str) -> None:
    assert snake(camel(name)) == name


def test_messages_use_schema_names() -> None:
    assert camel_text("grants[1].user_type: take effect only with auth_type INTERNAL") == (
        "grants[1].userType: take effect only with authType INTERNAL"
    )
    assert split_id("ap-southeast-1/abc") == ("ap-southeast-1", "abc") and split_id("abc") == (None, "abc")


def test_schema_types_match_what_the_lifecycle_returns() -> None:
    live = parse(
        LiveWorkspace,
        {
            "id": "a" * 32,
            "name": "typed-ws",
            "create_time": 1,
            "update_time": 2,
            "status": "NORMAL",
            "grants": [{"user_id": "u1", "user_name": "alice", "user_type": "IAM"}],
        },
        "get workspace",
    )
    outputs = lifecycle.outputs(live, canonical.normalize({"name": "typed-ws", "auth_type": "INTERNAL"}))
    declared = schema.schema()["resources"][schema.WORKSPACE]["properties"]
    kinds = {"string": str, "integer": float, "array": (list, tuple), "boolean": bool, "number": float, "object": dict}
    for field in schema.native_outputs():
        assert camel(field) in declared, field
        value = from_plain(outputs[field]).value
        assert isinstance(value, kinds[declared[camel(field)]["type"]]), (field, value)
    assert set(outputs) - set(schema.native_outputs()) <= schema.DYNAMIC_ONLY


def test_schema_config_mirrors_the_settings() -> None:
    doc = json.loads(schema.schema_json())
    variables = doc["config"]["variables"]
    for name, (key, env) in SOURCES.items():
        if not key:
            continue
        var = variables[key.split(":", 1)[1]]
        assert var.get("secret", False) == (name in SECRET_FIELDS)
        assert "defaultInfo" not in var  # generated SDKs would store the variable's value: the plugin reads it
        assert env is None or f"the plugin reads {env} " in var["description"]
    assert variables["maxRetries"]["type"] == "integer" and variables["insecure"]["type"] == "boolean"
    assert set(doc["functions"]) == {
        schema.GET_WORKSPACE,
        schema.GET_WORKSPACES,
        schema.GET_MAAS_WORKSPACES,
        "modelarts:index:getWorkspaceQuotas",
    }


def test_config_numbers_must_be_whole(provider: ModelArtsProvider) -> None:
    bad = run(provider.check_config(CheckRequest("", {}, wire(maxRetries=2.5, insecure=True), b"")))
    assert bad.failures and "whole number" in bad.failures[0].reason
    good = run(provider.check_config(CheckRequest("", {}, wire(maxRetries=3.0), b"")))
    assert not good.failures


def test_outputs_derived_from_a_secret_input_are_secret_by_the_declared_map() -> None:
    """`spec.DERIVED_OUTPUTS`, not a guess by name: a secret `grants` hides `server_grants`, a
    secret `enterprise_project_id` its name; a secret `name` hides no other output."""
    from modelarts_provider.native.values import derived_secrets

    outs = {"name": "n", "grants": [], "server_grants": [], "enterprise_project_id": "0"}
    outs |= {"enterprise_project_name": "default", "status": "NORMAL"}
    assert derived_secrets(outs, {"grants"}, spec.DERIVED_OUTPUTS) == {"grants", "server_grants"}
    assert derived_secrets(outs, {"enterprise_project_id"}, spec.DERIVED_OUTPUTS) == {
        "enterprise_project_id",
        "enterprise_project_name",
    }
    assert derived_secrets(outs, {"name"}, spec.DERIVED_OUTPUTS) == {"name"}


def test_check_keeps_secrets_and_names_fields_in_camel_case(provider: ModelArtsProvider) -> None:
    news = wire(name="native-ws", description=pv("hush", secret=True), authType="internal", grants=[{"userName": "a"}])
    checked = run(provider.check(CheckRequest(URN, {}, news, b"")))
    assert not checked.failures and checked.inputs is not None
    assert checked.inputs["description"].is_secret and checked.inputs["authType"].value == "INTERNAL"
    assert "createTimeout" not in checked.inputs
    bad = run(
        provider.check(CheckRequest(URN, {}, wire(name="native-ws", grants=[{"userName": "a"}], adoptId="x"), b""))
    )
    reasons = {f.property: f.reason for f in bad.failures or []}
    assert "authType" in reasons["grants"] and "adoptId" in reasons


def test_default_enterprise_project_only_for_new_workspaces(
    provider: ModelArtsProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    eps = "c1c1c1c1-1111-4222-8333-444455556666"
    monkeypatch.setenv("HW_ENTERPRISE_PROJECT_ID", eps)
    new = run(provider.check(CheckRequest(URN, {}, wire(name="native-eps"), b""))).inputs
    assert new is not None and new["enterpriseProjectId"].value == eps
    kept = run(
        provider.check(
            CheckRequest(URN, wire(name="native-eps", enterpriseProjectId="0"), wire(name="native-eps"), b"")
        )
    )
    assert kept.inputs is not None and kept.inputs["enterpriseProjectId"].value == "0"


def test_lifecycle_preview_partial_state_and_functions(provider: ModelArtsProvider, emu: Emulator) -> None:
    inputs = wire(
        name="native-ws", description=pv("hush", secret=True), authType="INTERNAL", grants=[{"userName": "a"}]
    )
    checked = run(provider.check(CheckRequest(URN, {}, inputs, b""))).inputs
    assert checked is not None
    emu.reset_counts()
    planned = run(provider.create(CreateRequest(URN, checked, 0.0, preview=True)))
    assert emu.counts()["total"] == 0 and planned.properties["workspaceId"].value == UNKNOWN
    planned.properties["workspaceId"].marshal()  # the SDK's own Computed cannot be marshalled

    # the POST succeeds, the confirming GET keeps failing: the workspace is kept as partial state
    emu.add_fault(Fault("status", method="GET", path=r"/workspaces/[0-9a-f]{32}$", count=None, status=500))
    with pytest.raises(PartialCreate) as kept:
        run(provider.create(CreateRequest(URN, checked, 0.0, preview=False)))
    emu.clear_faults()
    assert kept.value.resource_id and kept.value.properties["description"].is_secret
    assert "Traceback" not in one_line(kept.value) and "\n" not in one_line(kept.value)
    posts = emu.counts()["POST"]
    # the next up updates the recorded workspace: no second POST, no DELETE
    outs = run(
        provider.update(UpdateRequest(URN, kept.value.resource_id, kept.value.properties, checked, 0.0, [], False))
    )
    assert emu.counts()["POST"] == posts and emu.counts().get("DELETE", 0) == 0
    assert outs.properties["status"].value == "NORMAL" and outs.properties["grants"].value[0].value["userName"]

    diff = run(provider.diff(DiffRequest(URN, kept.value.resource_id, outs.properties, checked, [])))
    assert diff.changes is False
    changed = {**checked, "enterpriseProjectId": pv("b7e3c1a2-1111-4222-8333-444455556666")}
    diff = run(provider.diff(DiffRequest(URN, kept.value.resource_id, outs.properties, changed, [])))
    assert diff.replaces == ["enterpriseProjectId"] and diff.delete_before_replace

    imported = run(provider.read(ReadRequest(URN, f"{emu.config.region}/{kept.value.resource_id}", {}, {})))
    # an import knows only the id: grants come back as the server holds them, which still match
    [grant] = plain(imported.inputs)["grants"]
    assert grant["userName"] == "a" and grant["userId"] and imported.resource_id.startswith(emu.config.region)
    got = run(provider.invoke(InvokeRequest(schema.GET_WORKSPACES, wire(name="native"))))
    assert [w.value["name"].value for w in got.return_value["workspaces"].value] == ["native-ws"]

    emu.reset_counts()
    run(provider.delete(DeleteRequest(URN, kept.value.resource_id, outs.properties, timeout=30.0)))
    assert emu.counts()["DELETE"] == 1 and not [w for w in emu.workspaces() if w["id"] != "0"]


def _walk_types(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every type specification in the schema (properties, array items, config variables)."""
    if isinstance(node, dict):
        if "type" in node or "$ref" in node:
            yield path, node
        for key, value in node.items():
            yield from _walk_types(value, f"{path}.{key}")


def test_schema_is_well_formed() -> None:
    """What Pulumi's binder requires: tokens `modelarts:index:Name`, every `$ref` defined, required
    properties declared, known primitive types; and the SDK class takes exactly its inputs."""
    doc = json.loads(schema.schema_json())
    token = re.compile(r"^modelarts:index:[A-Za-z][A-Za-z0-9]*$")
    assert all(token.match(t) for t in [*doc["resources"], *doc["functions"], *doc["types"]])
    for path, node in _walk_types({k: doc[k] for k in ("resources", "functions", "types", "config", "provider")}, ""):
        if "$ref" in node:
            assert node["$ref"].removeprefix("#/types/") in doc["types"], path
        elif node["type"] == "array":
            assert "items" in node, path
        elif node["type"] != "object":
            assert node["type"] in ("string", "integer", "number", "boolean"), path
    objects = [*doc["resources"].values(), *doc["types"].values()]
    objects += [f[part] for f in doc["functions"].values() for part in ("inputs", "outputs")]
    for obj in objects:
        assert set(obj.get("required", [])) <= set(obj["properties"])
    workspace = doc["resources"][schema.WORKSPACE]
    assert set(workspace["requiredInputs"]) <= set(workspace["inputProperties"])
    args = {camel(f.name) for f in fields(WorkspaceArgs) if f.name not in schema.DYNAMIC_ONLY}
    assert args == set(workspace["inputProperties"])
    typed = {camel(name) for name in NativeWorkspace.__annotations__}
    assert typed == set(workspace["properties"])


def test_create_failed_is_still_cleaned_up(provider: ModelArtsProvider, emu: Emulator) -> None:
    """Partial state is for a workspace that may be fine; CREATE_FAILED ones are deleted again."""
    checked = run(provider.check(CheckRequest(URN, {}, wire(name="doomed-ws"), b""))).inputs
    assert checked is not None
    emu.add_fault(Fault("create_failed", method="POST"))
    with pytest.raises(ModelArtsError) as failed:
        run(provider.create(CreateRequest(URN, checked, 0.0, preview=False)))
    assert not isinstance(failed.value, PartialCreate) and "CREATE_FAILED" in str(failed.value)
    assert emu.counts()["DELETE"] == 1


def test_engine_timeouts_win_over_the_defaults() -> None:
    assert lifecycle.Call(timeout=5.0).seconds({"delete_timeout": 900.0}, "delete_timeout", 600.0) == 5.0
    assert lifecycle.Call().seconds({"delete_timeout": 900.0}, "delete_timeout", 600.0) == 900.0
    assert lifecycle.Call().seconds({}, "delete_timeout", 600.0) == 600.0


SLOW = 6.0  # an API call this slow (an emulator latency fault) outlasts every custom timeout below
WORKSPACE_BY_ID = r"/workspaces/[0-9a-f]{32}$"


def _ended_by(limit: float, started: float, failed: BaseException, operation: str) -> str:
    """The one line a user sees, after checking the operation ended by its custom timeout (not by
    the slow call finishing, nor by retryDeadline)."""
    elapsed = time.monotonic() - started
    said = one_line(failed)
    assert limit <= elapsed < limit + 1.5, (elapsed, said)
    assert f"{operation} of workspace 'bounded-ws' did not finish within its customTimeouts {operation} of" in said
    assert "retryDeadline" not in said and "\n" not in said
    return said


def test_custom_timeouts_bound_every_api_call_and_wait(provider: ModelArtsProvider, emu: Emulator) -> None:
    """The engine's timeout bounds the whole operation, API calls and their retries included:
    a slow PUT, DELETE or confirming GET ends at the custom timeout with one clear line."""
    checked = run(provider.check(CheckRequest(URN, {}, wire(name="bounded-ws"), b""))).inputs
    assert checked is not None
    created = run(provider.create(CreateRequest(URN, checked, 0.0, preview=False)))

    emu.add_fault(Fault("latency", method="PUT", path=WORKSPACE_BY_ID, seconds=SLOW))
    news = {**checked, "description": pv("slow update")}
    started = time.monotonic()
    with pytest.raises(CustomTimeoutExceeded) as late:
        run(provider.update(UpdateRequest(URN, created.resource_id, created.properties, news, 1.0, [], False)))
    said = _ended_by(1.0, started, late.value, "update")
    assert "failed: no complete answer from" in said and "(customTimeouts update of 1s)" in said

    emu.add_fault(Fault("latency", method="DELETE", path=WORKSPACE_BY_ID, seconds=SLOW))
    started = time.monotonic()
    with pytest.raises(CustomTimeoutExceeded) as late:
        run(provider.delete(DeleteRequest(URN, created.resource_id, created.properties, timeout=2.0)))
    _ended_by(2.0, started, late.value, "delete")


def test_custom_create_timeout_bounds_the_wait_for_a_name(provider: ModelArtsProvider, emu: Emulator) -> None:
    """A create whose name is still held by a workspace being deleted waits for it only as long
    as its customTimeouts create; nothing is created."""
    emu.config.delete_duration = 60.0
    emu.put_workspace_raw("d" * 32, name="bounded-ws", status="DELETING")
    checked = run(provider.check(CheckRequest(URN, {}, wire(name="bounded-ws"), b""))).inputs
    assert checked is not None
    emu.reset_counts()
    started = time.monotonic()
    with pytest.raises(CustomTimeoutExceeded) as late:
        run(provider.create(CreateRequest(URN, checked, 1.0, preview=False)))
    said = _ended_by(1.0, started, late.value, "create")
    assert f"workspace 'bounded-ws' ({'d' * 32}) is still DELETING" in said
    assert "its name is needed for the new one, which was not created" in said and "customTimeouts create)" in said
    assert emu.counts()["POST"] == 1 and [w["id"] for w in emu.workspaces() if w["id"] != "0"] == ["d" * 32]


def test_custom_create_timeout_keeps_a_created_workspace_as_partial_state(
    provider: ModelArtsProvider, emu: Emulator
) -> None:
    """The POST worked, the confirming GET outlasts the custom timeout: the workspace is still
    recorded with its id (partial state), and the line says the custom timeout ended it."""
    inputs = wire(name="bounded-ws", authType="INTERNAL", grants=[{"userName": "a"}])
    checked = run(provider.check(CheckRequest(URN, {}, inputs, b""))).inputs
    assert checked is not None
    emu.add_fault(Fault("latency", method="GET", path=WORKSPACE_BY_ID, seconds=SLOW))
    started = time.monotonic()
    with pytest.raises(PartialCreate) as kept:
        run(provider.create(CreateRequest(URN, checked, 1.0, preview=False)))
    said = _ended_by(1.0, started, kept.value, "create")
    assert "was created but could not be confirmed" in said
    assert [kept.value.resource_id] == [w["id"] for w in emu.workspaces() if w["id"] != "0"]


def test_region_slash_id_reaches_that_regions_endpoint(
    provider: ModelArtsProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`REGION/ID` of another region: same credentials, that region's own endpoint and project
    (the single endpoint override is for the provider's region)."""
    default = provider._client().settings
    other = provider._client("ap-southeast-1").settings
    assert other.modelarts_url == "https://modelarts.ap-southeast-1.myhuaweicloud.com"
    assert other.project_id is None and other.access_key == default.access_key
    assert provider._client(default.region).settings.modelarts_url.startswith("http://127.0.0.1")
    # credentials from HW_* count for every region; the endpoint and project variables do not
    monkeypatch.setenv("HW_USER_NAME", "env-user")
    monkeypatch.setenv("HW_MODELARTS_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("HW_PROJECT_ID", "f" * 32)
    provider._located = provider._locations()
    other = provider._client("ap-southeast-1").settings
    assert other.user_name == "env-user" and other.project_id is None
    assert other.modelarts_url == "https://modelarts.ap-southeast-1.myhuaweicloud.com"


def test_recorded_region_and_project_win_over_a_changed_default(provider: ModelArtsProvider, emu: Emulator) -> None:
    """Issue 18 items 1-2 on the native face, through `Clients` like the dynamic face:
    a workspace is read, updated and deleted in the project recorded in its state, whatever the
    default project says now, and the preview says where it lives."""
    checked = run(provider.check(CheckRequest(URN, {}, wire(name="pinned-ws"), b""))).inputs
    assert checked is not None
    created = run(provider.create(CreateRequest(URN, checked, 0.0, preview=False)))
    state = created.properties
    assert plain(state)["projectId"] == emu.config.project_id and plain(state)["region"] == emu.config.region
    cfg = emu.config
    moved = wire(region=cfg.region, endpoint=emu.url, authUrl=emu.url + "/v3", accessKey=cfg.access_key,
                 secretKey=pv(cfg.secret_key, secret=True), projectId="f" * 32)  # fmt: skip
    run(provider.configure(ConfigureRequest({}, moved, True, True)))
    with pytest.raises(ModelArtsError):  # without a recorded project the new default is used
        run(provider.read(ReadRequest(URN, created.resource_id, {}, {})))

    diff = run(provider.diff(DiffRequest(URN, created.resource_id, state, checked, [])))
    assert diff.changes is False
    [note] = [m for _urn, m in provider.logged if "lives in" in m]  # type: ignore[attr-defined]
    assert f"(project {cfg.project_id}), not in the current default {cfg.region} (project {'f' * 32})" in note
    read = run(provider.read(ReadRequest(URN, created.resource_id, state, checked)))
    assert read.resource_id == created.resource_id and plain(read.properties)["projectId"] == cfg.project_id
    news = {**checked, "description": pv("moved default")}
    updated = run(provider.update(UpdateRequest(URN, created.resource_id, state, news, 0.0, [], False)))
    assert plain(updated.properties)["projectId"] == cfg.project_id
    assert [w["description"] for w in emu.workspaces() if w["id"] != "0"] == ["moved default"]
    run(provider.delete(DeleteRequest(URN, created.resource_id, updated.properties, timeout=30.0)))
    assert not [w for w in emu.workspaces() if w["id"] != "0"]


def test_outputs_fill_exactly_the_declared_state_fields() -> None:
    """spec.STATE_FIELDS is the one declaration of the state: the lifecycle fills exactly those
    (plus the control inputs it keeps), and the resource pre-declares every one of them."""
    live = parse(LiveWorkspace, {"id": "b" * 32, "name": "state-ws", "status": "NORMAL"}, "get workspace")
    props = canonical.normalize({"name": "state-ws", "adopt_by_name": True})
    outputs = lifecycle.outputs(live, props)
    kept = {k for k in (*spec.CONTROL_FIELDS, spec.SECRET_INPUTS, spec.DECLARED_REGION) if props.get(k) is not None}
    assert set(outputs) == set(spec.STATE_FIELDS) | kept
    assert set(spec.STATE_FIELDS) <= set(spec.INPUT_FIELDS + spec.OUTPUT_FIELDS)


EPS = "0aab0091-887f-4839-9929-cbc884f1e000"


def listed(provider: ModelArtsProvider, **args: Any) -> list[str]:
    got = run(provider.invoke(InvokeRequest(schema.GET_WORKSPACES, wire(**args))))
    return [w.value["name"].value for w in got.return_value["workspaces"].value]


def test_get_workspaces_takes_the_lookups_filters(provider: ModelArtsProvider, emu: Emulator) -> None:
    """Each filter of the dynamic lookup, in camelCase, reaches the list API; a bad one fails
    before any request, naming the argument as the schema spells it."""
    client = provider._client()
    for name, extra in (("nf-alpha", {}), ("nf-beta", {"enterprise_project_id": EPS}), ("nf-gamma", {})):
        client.create_workspace({"name": name, "auth_type": "PRIVATE", **extra})
    theirs = client.create_workspace({"name": "nf-theirs", "auth_type": "PRIVATE"})
    emu.put_workspace_raw(theirs.id, owner="another-user")
    assert listed(provider, name="nf-", sortBy="name", order="asc") == ["nf-alpha", "nf-beta", "nf-gamma", "nf-theirs"]
    assert listed(provider, name="nf-", sortBy="name", order="desc")[0] == "nf-theirs"
    assert listed(provider, enterpriseProjectId=EPS) == ["nf-beta"]
    assert "nf-theirs" not in listed(provider, name="nf-", filterAccessible=True)
    assert listed(provider, name="nf-", region=emu.config.region, sortBy="name", order="asc")[0] == "nf-alpha"

    emu.reset_counts()
    for args, named in (
        ({"sortBy": "id"}, "getWorkspaces: sortBy must be one of name, update_time, status, got 'id'"),
        ({"filterAccessible": "yes"}, "getWorkspaces: filterAccessible must be True or False"),
        ({"enterpriseProjectId": "finance"}, "getWorkspaces: enterpriseProjectId must be '0' or"),
        ({"region": "not a region"}, "region must be a region id such as 'cn-north-4'"),
    ):
        with pytest.raises(ModelArtsError, match=re.escape(named)):
            listed(provider, **args)
    assert emu.counts()["total"] == 0


def test_a_taken_name_points_at_pulumi_import(provider: ModelArtsProvider, emu: Emulator) -> None:
    """The native resource has no adopt inputs: a name already taken by a workspace outside the
    stack says how to import it instead (the dynamic face names adopt_by_name)."""
    taken = provider._client().create_workspace({"name": "taken-ws"}).id
    checked = run(provider.check(CheckRequest(URN, {}, wire(name="taken-ws"), b""))).inputs
    assert checked is not None
    with pytest.raises(ModelArtsError) as info:
        run(provider.create(CreateRequest(URN, checked, 0.0, preview=False)))
    said = one_line(info.value)
    hint = f"choose another name, or `pulumi import modelarts:index:Workspace NAME {taken}`"
    assert f"already exists ({taken}); {hint}" in said
    assert "adopt" not in said
