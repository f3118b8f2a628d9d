"""The create answer with and without `grants`: the vendor's create page lists `grants` in its
response table but leaves it out of its example answer, and the official SDK's
`CreateWorkspaceResponse` has it (assumption create-answer-grants, docs/emulator.md). Both faces
create the same workspace, with the same state, either way."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.provider.experimental.provider import CheckRequest, CreateRequest

from modelarts_provider.emulator import Emulator
from modelarts_provider.native.quotas import from_engine as plain
from tests.test_native import URN, configured, run, wire
from tests.test_provider import checked, engine_provider, stack_config

GRANTS = [{"user_name": "alice"}, {"user_id": "0c5b0f1d2e3a4b5c6d7e8f9a0b1c2d3e", "user_type": "FEDERATE"}]


def server_grants(emu: Emulator, workspace_id: str) -> list[dict[str, Any]]:
    return next(w["grants"] for w in emu.workspaces() if w["id"] == workspace_id)


@pytest.mark.parametrize("answer_grants", [True, False], ids=["answer-with-grants", "answer-without-grants"])
def test_dynamic_face(emu: Emulator, no_hw_env: None, answer_grants: bool) -> None:
    emu.config.create_answer_grants = answer_grants
    provider = engine_provider(stack_config(emu))
    created = provider.create(checked(provider, name="answered", auth_type="INTERNAL", grants=GRANTS))
    outs = created.outs
    assert outs["status"] == "NORMAL" and outs["workspace_id"] == created.id
    assert outs["grants"] == checked(provider, name="answered", auth_type="INTERNAL", grants=GRANTS)["grants"]
    live = server_grants(emu, created.id)
    assert outs["server_grants"] == live and {g["user_name"] for g in live} >= {"alice"}
    assert all(g["user_id"] and g["user_name"] for g in outs["server_grants"])
    assert (
        provider.diff(created.id, outs, checked(provider, name="answered", auth_type="INTERNAL", grants=GRANTS)).changes
        is False
    )


@pytest.mark.parametrize("answer_grants", [True, False], ids=["answer-with-grants", "answer-without-grants"])
def test_native_face(emu: Emulator, monkeypatch: pytest.MonkeyPatch, answer_grants: bool) -> None:
    emu.config.create_answer_grants = answer_grants
    provider = configured(emu, monkeypatch, workers=2)
    native_grants = [{"userName": "alice"}, {"userId": "0c5b0f1d2e3a4b5c6d7e8f9a0b1c2d3e", "userType": "FEDERATE"}]
    inputs = run(
        provider.check(CheckRequest(URN, {}, wire(name="answered-n", authType="INTERNAL", grants=native_grants), b""))
    )
    assert inputs.inputs is not None
    created = run(provider.create(CreateRequest(URN, inputs.inputs, 0.0, preview=False)))
    outs = plain(created.properties)
    assert outs["status"] == "NORMAL" and created.resource_id == outs["workspace_id"]
    live = server_grants(emu, created.resource_id)
    assert [(g["user_id"], g["user_name"], g["user_type"]) for g in outs["server_grants"]] == [
        (g["user_id"], g["user_name"], g["user_type"]) for g in live
    ]
