"""How the API's answers are read (`api.lenient`, the records of `api.models` and
`api.quota_models`): the lenient rules, the type choices, and the error naming the bad field,
on plain dicts and through the client against the emulator over loopback HTTP."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from modelarts_provider.api import lenient
from modelarts_provider.api.client import ModelArtsClient
from modelarts_provider.api.models import (
    LiveGrant,
    LiveWorkspace,
    MaasWorkspace,
    MaasWorkspaces,
    WorkspacePage,
    WorkspaceSummary,
    parse,
)
from modelarts_provider.api.quota_models import QuotaItem, QuotaList
from modelarts_provider.core.errors import ResponseError
from modelarts_provider.emulator import Emulator
from tests.conftest import settings_for

WS = {"id": "a" * 32, "name": "team-ws"}
RECORDS = [
    LiveGrant,
    MaasWorkspace,
    WorkspaceSummary,
    LiveWorkspace,
    WorkspacePage,
    MaasWorkspaces,
    QuotaItem,
    QuotaList,
]


def quota(**item: Any) -> QuotaItem:
    return parse(QuotaList, {"quotas": [{"resource": "r", "quota": 1, **item}]}, "get quotas").quotas[0]


def workspace(**fields: Any) -> LiveWorkspace:
    return parse(LiveWorkspace, {**WS, **fields}, "get workspace")


def refusal(model: type[Any], data: Any) -> str:
    with pytest.raises(ResponseError) as caught:
        parse(model, data, "op")
    return str(caught.value)


# What pydantic 2 (2.13, lax mode) made of these values when it parsed the answers, tried in a
# Python shell before it was removed: each is still read the same way.
PYDANTIC_LAX_KEPT = [
    # an Integer field (quota, min/max/used_quota, total_count, count)
    ("quota", 5, 5),
    ("quota", -1, -1),
    ("quota", 5.0, 5),  # a float without a fraction
    ("quota", -0.0, 0),
    ("quota", "5", 5),  # a decimal string, signed, spaced, or with a zero fraction
    ("quota", "+3", 3),
    ("quota", " -1 ", -1),
    ("quota", "3.00", 3),
    ("quota", "00012", 12),
    ("quota", True, 1),  # a boolean: the vendor is silent; pydantic took it as 1/0, so we do
    ("max_quota", False, 0),
    ("quota", 2**64, 2**64),
    ("min_quota", None, None),  # null: the default
    ("used_quota", None, None),
    ("update_time", "1470000020000", 1470000020000),  # times as strings (the MaaS page's)
    ("update_time", 1470000020000, 1470000020000),
    ("update_time", 3.7, 3),  # a float time is truncated to whole milliseconds
    ("update_time", "", None),
    ("update_time", "-12", -12),
    ("name_en", None, ""),
]


@pytest.mark.parametrize(("field", "value", "read"), PYDANTIC_LAX_KEPT)
def test_values_pydantic_accepted_read_the_same(field: str, value: Any, read: Any) -> None:
    got = getattr(quota(**{field: value}), field)
    assert got == read and type(got) is type(read)


# What pydantic refused and is still refused, with the rule now named.
PYDANTIC_LAX_REFUSED = [
    ("quota", 5.5, "must be a whole number, got 5.5"),
    ("quota", "lots", "must be a whole number, got 'lots'"),
    ("quota", "3.5", "must be a whole number, got '3.5'"),
    ("quota", "0x10", "must be a whole number, got '0x10'"),
    ("quota", "1e3", "must be a whole number, got '1e3'"),
    ("quota", "", "must be a whole number, got an empty string"),
    ("quota", None, "must be a whole number, got null"),  # required
    ("quota", float("nan"), "must be a whole number, got nan"),
    ("quota", float("inf"), "must be a whole number, got inf"),
    ("quota", [3], "must be a whole number, got a list"),
    ("quota", {}, "must be a whole number, got an object"),
    ("resource", 5, "must be a non-empty string, got 5"),  # no number for a String field
    ("resource", "", "must be a non-empty string, got an empty string"),
    ("name_en", 7, "must be a string, got 7"),
    ("name_en", False, "must be a string, got false"),
    ("update_time", True, "must be milliseconds since the epoch, got a boolean"),
    ("update_time", "abc", "must be milliseconds since the epoch, got 'abc'"),
    ("update_time", "--1", "must be milliseconds since the epoch, got '--1'"),
    ("update_time", [1], "must be milliseconds since the epoch, got a list"),
]


@pytest.mark.parametrize(("field", "value", "rule"), PYDANTIC_LAX_REFUSED)
def test_values_pydantic_refused_are_refused_naming_the_rule(field: str, value: Any, rule: str) -> None:
    message = refusal(QuotaList, {"quotas": [{"resource": "r", "quota": 1, field: value}]})
    assert message == f"op: unexpected answer, field 'quotas.0.{field}': {rule}"


def test_where_the_rules_differ_from_pydantic() -> None:
    """Choices made when pydantic went: forms no JSON API writes are refused, times read
    numbers as the counts do, and an infinite time is an error instead of a crash."""
    assert "got '1_000'" in refusal(WorkspacePage, {"total_count": "1_000"})  # pydantic: 1000
    assert "got '١٢'" in refusal(LiveWorkspace, {**WS, "create_time": "١٢"})  # Arabic-Indic digits: before, 12
    assert "got inf" in refusal(LiveWorkspace, {**WS, "create_time": float("inf")})  # before: OverflowError
    assert workspace(create_time="12.0", update_time="+3").create_time == 12  # before: refused


def test_nulls_missing_and_extra_fields() -> None:
    nulls = {name: None for name in ("description", "owner", "auth_type", "enterprise_project_id", "status", "grants")}
    read = workspace(**nulls, create_time=None, brand_new_field={"x": 1})
    assert (read.description, read.auth_type, read.enterprise_project_id, read.status) == ("", "PUBLIC", "0", "")
    assert read.grants == [] and read.create_time is None and not hasattr(read, "brand_new_field")
    assert parse(WorkspacePage, {}, "op") == WorkspacePage(total_count=0, count=0, workspaces=[])
    assert parse(WorkspacePage, {}, "op").workspaces is not parse(WorkspacePage, {}, "op").workspaces  # fresh lists


def test_auth_type_and_status_are_upper_cased_and_grants_typed() -> None:
    read = workspace(
        auth_type="internal",
        status="normal",
        grants=[{"user_id": "u1", "user_type": None, "extra": 1}, {"user_name": "bob"}],
    )
    assert (read.auth_type, read.status) == ("INTERNAL", "NORMAL")
    assert read.grants == [LiveGrant(user_id="u1"), LiveGrant(user_name="bob")]
    assert read.grant_dicts() == [{"user_id": "u1"}, {"user_name": "bob"}]


def test_records_are_immutable_and_copied_by_name() -> None:
    read = quota(quota=5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        read.quota = 6  # type: ignore[misc]
    assert dataclasses.replace(read, quota=6).quota == 6 and read.quota == 5
    assert dataclasses.asdict(parse(LiveWorkspace, {**WS, "grants": [{"user_name": "a"}]}, "op"))["grants"] == [
        {"user_id": None, "user_name": "a", "user_type": None}
    ]


ERRORS = [
    ([1], LiveWorkspace, "op: expected a JSON object, got list"),
    ({"name": "n"}, LiveWorkspace, "op: unexpected answer, field 'id': is missing"),
    (
        {"id": None, "name": "n"},
        LiveWorkspace,
        "op: unexpected answer, field 'id': must be a non-empty string, got null",
    ),
    ({**WS, "grants": {}}, LiveWorkspace, "op: unexpected answer, field 'grants': must be a list, got an object"),
    ({**WS, "grants": [None]}, LiveWorkspace, "op: unexpected answer, field 'grants.0': must be an object, got null"),
    (
        {**WS, "grants": [{"user_id": "u"}, {"user_name": 5}]},
        LiveWorkspace,
        "op: unexpected answer, field 'grants.1.user_name': must be a string, got 5",
    ),
    (
        {"workspaces": [{"id": "", "name": "n"}]},
        WorkspacePage,
        "op: unexpected answer, field 'workspaces.0.id': must be a non-empty string, got an empty string",
    ),
    ({"workspaces": [WS, {"id": "x"}]}, MaasWorkspaces, "op: unexpected answer, field 'workspaces.1.name': is missing"),
    ({"quotas": [{"quota": 5}]}, QuotaList, "op: unexpected answer, field 'quotas.0.resource': is missing"),
    ({"quotas": "x"}, QuotaList, "op: unexpected answer, field 'quotas': must be a list, got 'x'"),
    (
        {**WS, "description": "x\n" * 40, "owner": ["a\nb"]},
        LiveWorkspace,
        "op: unexpected answer, field 'owner': must be a string, got a list",
    ),
]


@pytest.mark.parametrize(("data", "model", "message"), ERRORS)
def test_a_bad_answer_names_the_path_of_the_first_bad_field(data: Any, model: type[Any], message: str) -> None:
    assert refusal(model, data) == message


def test_a_long_or_odd_value_is_shown_short_on_one_line() -> None:
    message = refusal(QuotaList, {"quotas": [{"resource": "r", "quota": "9\n" * 50}]})
    assert message == "op: unexpected answer, field 'quotas.0.quota': must be a whole number, got " + repr("9\n" * 20)
    assert "\n" not in message
    assert refusal(WorkspacePage, {"total_count": "9" * 5000}).endswith("must be a whole number, got " + repr("9" * 40))


def test_every_record_has_a_rule_for_each_field() -> None:
    for record in RECORDS:
        assert [slot.name for slot in lenient.plan(record)] == [f.name for f in dataclasses.fields(record)]

    @dataclasses.dataclass(frozen=True)
    class Odd:
        ratio: float = 0.0

    with pytest.raises(TypeError, match="no lenient rule for a field of type"):
        lenient.plan(Odd)


# -- through the client, against the emulator over loopback HTTP ------------------------------


@pytest.fixture
def api(emulator: Emulator) -> ModelArtsClient:
    emulator.config.maas_any_region = True
    return ModelArtsClient(settings_for(emulator))


def test_the_emulators_answers_are_read_typed(api: ModelArtsClient, emulator: Emulator) -> None:
    """The emulator answers `auth_type` in lower case and MaaS times as strings, like the
    vendor; a console edit leaves nulls and fields of its own."""
    created = api.create_workspace({"name": "typed-ws", "auth_type": "INTERNAL", "grants": [{"user_name": "alice"}]})
    raw = emulator.put_workspace_raw(created.id, description=None, grants=[{"user_name": "bob", "user_type": None}])
    assert raw["auth_type"] == "internal" and raw["description"] is None
    got = api.get_workspace(created.id)
    assert (got.auth_type, got.description, got.grant_dicts()) == ("INTERNAL", "", [{"user_name": "bob"}])
    maas = next(w for w in api.get_maas_workspaces().workspaces if w.id == created.id)
    assert isinstance(maas.create_time, int) and maas.create_time == raw["create_time"]
    listed = next(w for w in api.list_workspaces() if w.id == created.id)
    assert (
        isinstance(listed, WorkspaceSummary) and listed.status == "NORMAL" and listed.update_time == raw["update_time"]
    )
    quotas = api.get_workspace_quotas(created.id)
    assert quotas.quotas and all(isinstance(q.quota, int) and q.resource for q in quotas.quotas)


def test_a_bad_field_from_the_emulator_is_one_clear_error(api: ModelArtsClient, emulator: Emulator) -> None:
    created = api.create_workspace({"name": "odd-ws", "auth_type": "INTERNAL", "grants": [{"user_name": "alice"}]})
    emulator.put_workspace_raw(created.id, grants=[{"user_name": "alice"}, {"user_name": 5}])
    with pytest.raises(ResponseError) as caught:
        api.get_workspace(created.id)
    assert str(caught.value) == (
        f"get workspace {created.id}: unexpected answer, field 'grants.1.user_name': must be a string, got 5"
    )
    emulator.put_workspace_raw(created.id, name="", grants=[])
    with pytest.raises(ResponseError, match=r"^list workspaces: unexpected answer, field 'workspaces\.\d+\.name': "
                       r"must be a non-empty string, got an empty string$"):  # fmt: skip
        api.list_workspaces()
    emulator.put_workspace_raw(created.id, name="odd-ws", create_time="yesterday")
    with pytest.raises(ResponseError, match=re.escape("field 'create_time': must be milliseconds since the epoch")):
        api.get_workspace(created.id)
