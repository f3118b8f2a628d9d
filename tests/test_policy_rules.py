"""The rules of the policy pack in examples/policy, as functions: both resource types (the dynamic
resource's snake_case inputs, the native provider's camelCase ones), ModelArts' defaults for
inputs left out, and the stack patterns of the production rules."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

POLICY_DIR = Path(__file__).resolve().parents[1] / "examples" / "policy"


def load_rules() -> ModuleType:
    spec = importlib.util.spec_from_file_location("modelarts_rules", POLICY_DIR / "modelarts_rules.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


rules = load_rules()
DYNAMIC, NATIVE = rules.DYNAMIC_TYPE, rules.NATIVE_TYPE
PROD = ["prod*"]


def dynamic(**props: Any) -> Any:
    return rules.workspace_inputs(DYNAMIC, "res", {"name": "ws-a", **props})


def native(**props: Any) -> Any:
    return rules.workspace_inputs(NATIVE, "res", {"name": "ws-a", **props})


def test_type_tokens_are_the_ones_pulumi_records() -> None:
    assert DYNAMIC == "pulumi-python:dynamic/modelarts:Workspace"
    assert NATIVE == "modelarts:index:Workspace"
    assert rules.workspace_inputs("aws:s3/bucket:Bucket", "b", {"name": "x"}) is None
    assert rules.workspace_inputs("pulumi:providers:modelarts", "p", {}) is None


def test_both_spellings_read_the_same_workspace() -> None:
    snake = dynamic(auth_type="internal", grants=[{"user_name": "alice"}], enterprise_project_id="eps-1")
    camel = native(authType="INTERNAL", grants=[{"userName": "alice"}], enterpriseProjectId="eps-1")
    assert snake == camel
    assert (snake.auth_type, snake.grant_count, snake.enterprise_project_id) == ("INTERNAL", 1, "eps-1")
    # camelCase inputs on the dynamic type are not its inputs: defaults apply
    assert rules.workspace_inputs(DYNAMIC, "r", {"authType": "PRIVATE"}).auth_type == "PUBLIC"


@pytest.mark.parametrize("make", [dynamic, native], ids=["dynamic", "native"])
def test_no_public_workspace_includes_the_default(make: Any) -> None:
    key = "auth_type" if make is dynamic else "authType"
    assert "'ws-a' is PUBLIC" in rules.no_public_workspace(make())
    assert rules.no_public_workspace(make(**{key: "public"})) is not None
    assert rules.no_public_workspace(make(**{key: "PRIVATE"})) is None
    assert rules.no_public_workspace(make(**{key: "INTERNAL"})) is None


@pytest.mark.parametrize("make", [dynamic, native], ids=["dynamic", "native"])
def test_internal_workspace_needs_a_grant(make: Any) -> None:
    key = "auth_type" if make is dynamic else "authType"
    message = rules.internal_workspace_has_grants(make(**{key: "INTERNAL"}))
    assert message is not None and "'ws-a' is INTERNAL without grants" in message
    assert rules.internal_workspace_has_grants(make(**{key: "INTERNAL", "grants": []})) is not None
    assert rules.internal_workspace_has_grants(make(**{key: "INTERNAL", "grants": [{"user_id": "u1"}]})) is None
    assert rules.internal_workspace_has_grants(make(**{key: "PRIVATE"})) is None


@pytest.mark.parametrize("make", [dynamic, native], ids=["dynamic", "native"])
def test_named_enterprise_project_only_on_matching_stacks(make: Any) -> None:
    key = "enterprise_project_id" if make is dynamic else "enterpriseProjectId"
    for default in (make(), make(**{key: "0"}), make(**{key: ""})):
        message = rules.named_enterprise_project(default, "prod-eu", PROD)
        assert message is not None and "stack 'prod-eu'" in message and '"0"' in message
        assert rules.named_enterprise_project(default, "dev", PROD) is None
    assert rules.named_enterprise_project(make(**{key: "b7e3c1a2"}), "prod-eu", PROD) is None


def test_protect_only_on_matching_stacks() -> None:
    ws = dynamic(auth_type="PRIVATE")
    message = rules.protected_workspace(ws, False, "prod", PROD)
    assert message is not None and "protect=True" in message and "'ws-a'" in message
    assert rules.protected_workspace(ws, True, "prod", PROD) is None
    assert rules.protected_workspace(ws, False, "staging", PROD) is None


@pytest.mark.parametrize(
    ("stack", "patterns", "guarded"),
    [
        ("prod", ["prod*"], True),
        ("production-eu", ["prod*"], True),
        ("preprod", ["prod*"], False),
        ("Prod", ["prod*"], False),  # case-sensitive, as stack names are
        ("eu-live", ["prod*", "*-live"], True),
        ("dev", [], False),
    ],
)
def test_stack_patterns(stack: str, patterns: list[str], guarded: bool) -> None:
    assert rules.is_guarded_stack(stack, patterns) is guarded


def test_stack_of_urn() -> None:
    urn = "urn:pulumi:prod-eu::ml-platform::pulumi-python:dynamic/modelarts:Workspace::team"
    assert rules.stack_of(urn) == "prod-eu"
    assert rules.stack_of("urn:pulumi:dev::p::modelarts:index:Workspace::x") == "dev"
