"""`Workspace`, the resource users write, with Pulumi's own mock engine (`pulumi.runtime.set_mocks`).

The mock monitor receives what the real engine would: the registered inputs, serialized and
deserialized as on the wire (secrets keep their secret marker). Each test checks those inputs
and hands them to the provider's `check`, as the engine does at preview, so a form the
resource registers wrongly shows up as a failure there too. The mock answers with the inputs
plus server-side outputs (only those when check fails: the real engine stops there), which
the program then reads back through the resource's Outputs. Whether outputs of secret inputs
are secret is the engine's doing, so it is not checked here (the real-CLI tests do).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from pulumi.runtime import rpc
from pulumi.runtime.settings import reset_options

from modelarts_provider import Grant, Workspace, WorkspaceArgs, WorkspaceQuotas
from modelarts_provider.domain.quotas import spec as quota_spec
from modelarts_provider.domain.workspace import spec
from modelarts_provider.dynamic.workspace_provider import WorkspaceProvider
from modelarts_provider.native.quota_sdk import NativeWorkspaceQuotas
from modelarts_provider.native.sdk import NativeWorkspace

UID = "0c5b0f1d2e3a4b5c6d7e8f9a0b1c2d3e"
EPS = "5b2d6a1e-887f-4839-9929-cbc884f1e3c4"
TYPE = "pulumi-python:dynamic/modelarts:Workspace"
SERVER = {"workspace_id": "f3deca1406da4910a50f3919940b9bda", "owner": "test166", "status": "NORMAL"}
CREATED = 1700000000123  # ms, as the API gives create_time


def plain(inputs: dict[str, Any]) -> dict[str, Any]:
    return {k: rpc.unwrap_rpc_secret(v) for k, v in inputs.items()}


class Engine(pulumi.runtime.Mocks):
    """Records every registration; answers with the inputs and what the server would add."""

    def __init__(self) -> None:
        self.registered: dict[str, dict[str, Any]] = {}
        self.read_ids: dict[str, str] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        assert args.typ == TYPE
        inputs = {k: v for k, v in args.inputs.items() if not k.startswith("__")}  # the Workspace's own inputs
        assert "__provider" in args.inputs  # the serialized provider travels with every registration
        if args.resource_id:  # Workspace.get: the engine reads the workspace by id
            self.read_ids[args.name] = args.resource_id
            read = {"name": "default", "workspace_id": args.resource_id, "status": "NORMAL", "create_time": CREATED}
            return args.resource_id, read
        self.registered[args.name] = inputs
        if WorkspaceProvider().check({}, inputs).failures:  # the real engine stops at check
            return SERVER["workspace_id"], dict(SERVER)
        return SERVER["workspace_id"], {**plain(inputs), **SERVER}

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        raise AssertionError(f"Workspace calls no function, got {args.token}")


@pytest.fixture
def engine() -> Iterator[Engine]:
    loop = asyncio.new_event_loop()  # the SDK needs a current loop; earlier tests may have closed theirs
    asyncio.set_event_loop(loop)
    mocks = Engine()
    pulumi.runtime.set_mocks(mocks, preview=False)
    yield mocks
    reset_options(project="project", stack="stack", root_directory="root_directory", organization="organization")
    asyncio.set_event_loop(None)
    loop.close()


def secret_fields(inputs: dict[str, Any]) -> set[str]:
    return {k for k, v in inputs.items() if rpc.is_rpc_secret(v)}


def checked(inputs: dict[str, Any]) -> dict[str, Any]:
    """What preview's check makes of the registered inputs; it must accept them."""
    result = WorkspaceProvider().check({}, inputs)
    assert not result.failures, [(f.property, f.reason) for f in result.failures or []]
    return dict(result.inputs or {})


TYPED_EXPECTED = {
    "name": "ml-team",
    "description": "Training",
    "auth_type": "INTERNAL",
    "grants": [{"user_name": "alice"}, {"user_id": UID, "user_type": "FEDERATE"}],
    "enterprise_project_id": EPS,
    "create_timeout": 30,
}


@pulumi.runtime.test
def test_typed_args_register_plain_inputs(engine: Engine) -> pulumi.Output[Any]:
    ws = Workspace(
        "typed",
        WorkspaceArgs(
            name="ml-team",
            description="Training",
            auth_type="INTERNAL",
            grants=[Grant(user_name="alice"), Grant(user_id=UID, user_type="FEDERATE")],
            enterprise_project_id=EPS,
            create_timeout=30,
        ),
    )

    def verify(values: list[Any]) -> None:
        inputs = engine.registered["typed"]
        assert inputs == TYPED_EXPECTED  # unset fields and the Grants' None fields are not sent
        assert checked(inputs)["grants"] == [
            {"user_id": UID, "user_type": "FEDERATE"},
            {"user_name": "alice", "user_type": "IAM"},
        ]
        assert values == [SERVER["workspace_id"], "NORMAL", "ml-team", TYPED_EXPECTED["grants"]]

    return pulumi.Output.all(ws.workspace_id, ws.status, ws.name, ws.grants).apply(verify)


@pulumi.runtime.test
def test_keyword_form_registers_what_the_typed_form_does(engine: Engine) -> pulumi.Output[Any]:
    ws = Workspace(
        "keywords",
        name="ml-team",
        description="Training",
        auth_type="INTERNAL",
        grants=[{"user_name": "alice"}, Grant(user_id=UID, user_type="FEDERATE")],
        enterprise_project_id=EPS,
        create_timeout=30,
    )
    return ws.workspace_id.apply(lambda _: _same(engine.registered["keywords"], TYPED_EXPECTED))


def _same(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    assert actual == expected


@pulumi.runtime.test
def test_outputs_secrets_and_apply_results_in_keyword_form(engine: Engine) -> pulumi.Output[Any]:
    team = Workspace("team", name="team-base")
    ws = Workspace(
        "wired",
        name=team.workspace_id.apply(lambda i: f"ws-{i[:8]}"),  # another resource's output
        description=pulumi.Output.secret("owned by the platform team"),
        auth_type="INTERNAL",
        # an apply result that yields Grant dataclasses, and a dict holding a secret
        grants=team.owner.apply(lambda owner: [Grant(user_name=owner), {"user_id": UID}]),
    )

    def verify(values: list[Any]) -> None:
        inputs = engine.registered["wired"]
        assert plain(inputs) == {
            "name": "ws-f3deca14",
            "description": "owned by the platform team",
            "auth_type": "INTERNAL",
            "grants": [{"user_name": "test166"}, {"user_id": UID}],
        }
        assert secret_fields(inputs) == {"description"}
        assert checked(inputs)["name"] == "ws-f3deca14"
        assert values == ["ws-f3deca14", "owned by the platform team"]

    return pulumi.Output.all(ws.name, ws.description).apply(verify)


@pulumi.runtime.test
def test_a_secret_inside_a_grant_list_makes_grants_secret(engine: Engine) -> pulumi.Output[Any]:
    ws = Workspace(
        "secret-grant",
        name="ml-team",
        auth_type="INTERNAL",
        grants=pulumi.Output.all(pulumi.Output.secret(UID)).apply(lambda ids: [{"user_id": ids[0]}]),
    )

    def verify(_: Any) -> None:
        inputs = engine.registered["secret-grant"]
        assert secret_fields(inputs) == {"grants"}
        assert plain(inputs)["grants"] == [{"user_id": UID}]
        assert checked(inputs)["grants"] == [{"user_id": UID, "user_type": "IAM"}]

    return ws.workspace_id.apply(verify)


@pulumi.runtime.test
def test_outputs_nested_in_typed_args_and_grants(engine: Engine) -> pulumi.Output[Any]:
    team = Workspace("team", name="team-base")
    ws = Workspace(
        "typed-wired",
        WorkspaceArgs(
            name=team.workspace_id.apply(lambda i: f"ws-{i[:8]}"),
            description=pulumi.Output.secret("owned by the platform team"),
            auth_type="INTERNAL",
            grants=[Grant(user_name=team.owner), Grant(user_id=pulumi.Output.secret(UID), user_type="AGENCY")],
        ),
    )

    def verify(_: Any) -> None:
        inputs = engine.registered["typed-wired"]
        assert plain(inputs) == {
            "name": "ws-f3deca14",
            "description": "owned by the platform team",
            "auth_type": "INTERNAL",
            "grants": [{"user_name": "test166"}, {"user_id": UID, "user_type": "AGENCY"}],
        }
        assert secret_fields(inputs) == {"description", "grants"}
        checked(inputs)

    return ws.workspace_id.apply(verify)


@pulumi.runtime.test
def test_an_output_inside_a_grant_in_keyword_form(engine: Engine) -> pulumi.Output[Any]:
    team = Workspace("team", name="team-base")
    ws = Workspace("kw-wired", name="ml-team", auth_type="INTERNAL", grants=[Grant(user_name=team.owner)])
    return ws.workspace_id.apply(
        lambda _: _same(plain(engine.registered["kw-wired"])["grants"], [{"user_name": "test166"}])
    )


@pulumi.runtime.test
def test_get_reads_an_existing_workspace_by_id(engine: Engine) -> pulumi.Output[Any]:
    ws = Workspace.get("default-ws", "0")

    def verify(values: list[Any]) -> None:
        assert engine.read_ids == {"default-ws": "0"}
        assert "default-ws" not in engine.registered  # read, never created
        assert values == ["0", "default", "NORMAL"]

    return pulumi.Output.all(ws.id, ws.name, ws.status).apply(verify)


@pulumi.runtime.test
def test_outputs_are_the_states_fields_typed_as_declared(engine: Engine) -> pulumi.Output[Any]:
    """Both faces of each resource declare its state's fields as typed outputs (declared once,
    in `resource_outputs`), and Pulumi types the outputs from that: the number the engine hands
    back for `create_time` reaches the program as an int."""
    quota_fields = {*quota_spec.INPUT_FIELDS, *quota_spec.OUTPUT_FIELDS}
    for cls in (Workspace, NativeWorkspace):
        assert set(inspect.get_annotations(cls)) == set(spec.STATE_FIELDS), cls
    for cls in (WorkspaceQuotas, NativeWorkspaceQuotas):
        assert set(inspect.get_annotations(cls)) == quota_fields, cls
    ws = Workspace.get("typed-ws", "0")

    def verify(created: Any) -> None:
        assert type(created) is int and created == CREATED

    return ws.create_time.apply(verify)


@pulumi.runtime.test
def test_grants_that_are_not_a_list_reach_check_as_given(engine: Engine) -> pulumi.Output[Any]:
    """A string is not split into characters nor a dict into keys: check says "must be a list"."""
    as_string = Workspace("as-string", name="ml-team", auth_type="INTERNAL", grants="alice")
    as_dict = Workspace("as-dict", name="ml-team2", auth_type="INTERNAL", grants={"user_name": "alice"})

    def verify(_: Any) -> None:
        for name, given in (("as-string", "alice"), ("as-dict", {"user_name": "alice"})):
            inputs = engine.registered[name]
            assert inputs["grants"] == given
            failures = WorkspaceProvider().check({}, inputs).failures or []
            assert [(f.property, f.reason.split(",")[0]) for f in failures] == [("grants", "must be a list of grants")]

    # Wait for both registrations: verify reads what the mock engine recorded for each.
    return pulumi.Output.all(as_string.workspace_id, as_dict.workspace_id).apply(verify)


def test_typed_and_keyword_arguments_together_are_refused(engine: Engine) -> None:
    with pytest.raises(TypeError, match="not both"):
        Workspace("both", WorkspaceArgs(name="ml-team"), name="other")
