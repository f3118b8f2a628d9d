"""The native face's registry: every resource and function of the schema has exactly one handler
and every handler answers for something the schema declares; a request of any other type gets
a one-line error instead of reaching the wrong resource's code."""

from __future__ import annotations

import pytest
from pulumi.provider.experimental.provider import CheckRequest, DiffRequest, InvokeRequest

from modelarts_provider.core.errors import ModelArtsError
from modelarts_provider.native import schema
from modelarts_provider.native.provider import HANDLERS, ModelArtsProvider
from modelarts_provider.native.quotas import QuotasHandler
from modelarts_provider.native.registry import Registry, type_token
from modelarts_provider.native.runtime import Runtime
from modelarts_provider.native.server import one_line
from tests.test_native import run


def _runtime() -> Runtime:
    return Runtime(lambda _urn, _message: None, workers=1)


def test_the_handlers_answer_for_exactly_what_the_schema_declares() -> None:
    declared = schema.schema()
    handlers = [make(_runtime()) for make in HANDLERS]
    assert sorted(h.token for h in handlers) == sorted(declared["resources"])
    assert sorted(t for h in handlers for t in h.functions()) == sorted(declared["functions"])
    registry = Registry(handlers)
    for token in declared["resources"]:
        assert registry.resource(f"urn:pulumi:dev::proj::{token}::x").token == token
        assert registry.resource(f"urn:pulumi:dev::proj::my:comp$other:mod:Parent${token}::x").token == token


def test_the_type_token_is_the_urns_type_without_its_parents() -> None:
    assert type_token("urn:pulumi:dev::proj::modelarts:index:Workspace::a::b") == "modelarts:index:Workspace"
    assert type_token("urn:pulumi:dev::proj::a:b:C$modelarts:index:Workspace::ws") == "modelarts:index:Workspace"
    assert type_token("not a urn") == ""


def test_a_token_registered_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="modelarts:index:WorkspaceQuotas is registered twice"):
        Registry([QuotasHandler(_runtime()), QuotasHandler(_runtime())])


def test_an_unknown_type_or_function_gets_one_line_naming_it() -> None:
    provider = ModelArtsProvider(log=lambda _urn, _message: None, workers=1)
    urn = "urn:pulumi:dev::proj::modelarts:index:Notebook::nb"
    with pytest.raises(ModelArtsError) as checked:
        run(provider.check(CheckRequest(urn, {}, {}, b"")))
    assert one_line(checked.value) == (
        "ModelArtsError: unknown resource type 'modelarts:index:Notebook' "
        "(this plugin has: modelarts:index:Workspace, modelarts:index:WorkspaceQuotas)"
    )
    with pytest.raises(ModelArtsError, match="unknown resource type 'modelarts:index:Notebook'"):
        run(provider.diff(DiffRequest(urn, "id", {}, {}, [])))
    with pytest.raises(ModelArtsError) as invoked:
        run(provider.invoke(InvokeRequest("modelarts:index:getNotebooks", {})))
    assert one_line(invoked.value) == "ModelArtsError: unknown function modelarts:index:getNotebooks"
