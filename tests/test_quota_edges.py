"""The edges of the declared-quota rules, the quota plan and the quota read that the broader tests
in test_quotas.py leave open: the exact message of every rule (users read them at preview), the
boundaries, several failures reported at once, unknown values, states of older releases.
Mutation testing found these open (docs/development.md, "Mutation testing")."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from pulumi.output import Unknown

from modelarts_provider.api.client import ModelArtsClient
from modelarts_provider.core.errors import ApiError, ModelArtsError
from modelarts_provider.domain.quotas import lifecycle as quota_lifecycle
from modelarts_provider.domain.quotas import spec as quota_spec
from modelarts_provider.domain.workspace.spec import DECLARED_REGION, Failure
from modelarts_provider.dynamic.quotas_provider import WorkspaceQuotasProvider
from modelarts_provider.emulator import Emulator, EmulatorConfig, Fault
from tests.conftest import settings_for
from tests.test_provider import engine_built, stack_config

GPU = "exemlProject.gpu_duration"  # the vendor's documented example, on the emulator's workspace 0
RANGE = "must be a whole number >= 1, or -1 for unlimited; got"
NOT_AN_INPUT = "is not a WorkspaceQuotas input (allowed: workspace_id, quotas, region)"
WORKSPACE_ID_RULE = "must be a workspace id (32 lower-case hex characters, or '0'), got"


def fine(**props: Any) -> dict[str, Any]:
    return {"workspace_id": "0", "quotas": {GPU: 5}, **props}


@pytest.mark.parametrize(
    ("props", "failures"),
    [
        (fine(), []),
        (fine(quotas={GPU: 1}), []),  # the smallest limited value
        (fine(quotas={GPU: -1}), []),
        (fine(quotas={GPU: 600.0}), []),  # the engine sends numbers as floats
        (fine(quotas={GPU: Unknown()}), []),
        (fine(__provider="x", original_quotas=None, all_quotas=None), []),  # hidden keys, empty outputs
        (fine(region="cn-north-4"), []),
        (fine(region=Unknown()), []),
        (fine(colour=None), [Failure("colour", NOT_AN_INPUT)]),
        (fine(original_quotas={GPU: 1}), [Failure("original_quotas", NOT_AN_INPUT)]),  # an output, not empty
        ({"quotas": {}}, [Failure("workspace_id", "is required")]),
        (fine(workspace_id="abc"), [Failure("workspace_id", f"{WORKSPACE_ID_RULE} 'abc'")]),
        (fine(workspace_id=12), [Failure("workspace_id", f"{WORKSPACE_ID_RULE} a number")]),
        (fine(workspace_id=["0"]), [Failure("workspace_id", f"{WORKSPACE_ID_RULE} a list")]),
        (fine(workspace_id={"id": "0"}), [Failure("workspace_id", f"{WORKSPACE_ID_RULE} an object")]),
        (fine(workspace_id=True), [Failure("workspace_id", f"{WORKSPACE_ID_RULE} a boolean")]),
        ({"workspace_id": "0"}, [Failure("quotas", "is required: a map of quota resource to value")]),
        (fine(quotas=[GPU]), [Failure("quotas", "must be a map of quota resource to value, got a list")]),
        (fine(quotas=GPU), [Failure("quotas", "must be a map of quota resource to value, got a string")]),
        (fine(quotas={GPU: 0}), [Failure(f'quotas["{GPU}"]', f"{RANGE} 0")]),
        (fine(quotas={GPU: 0.0}), [Failure(f'quotas["{GPU}"]', f"{RANGE} 0")]),  # as the user wrote it: 0
        (fine(quotas={GPU: -2}), [Failure(f'quotas["{GPU}"]', f"{RANGE} -2")]),
        (fine(quotas={GPU: 2.5}), [Failure(f'quotas["{GPU}"]', f"{RANGE} 2.5")]),
        (fine(quotas={GPU: True}), [Failure(f'quotas["{GPU}"]', f"{RANGE} a boolean")]),
        (fine(quotas={GPU: "5"}), [Failure(f'quotas["{GPU}"]', f"{RANGE} a string")]),
        (fine(quotas={GPU: [5]}), [Failure(f'quotas["{GPU}"]', f"{RANGE} a list")]),
        (fine(quotas={GPU: {"quota": 5}}), [Failure(f'quotas["{GPU}"]', f"{RANGE} an object")]),
        # every failure at once: an empty name, then an unknown value, do not end the check
        (
            fine(quotas={" ": 5, "a": Unknown(), "b": 0}),
            [Failure("quotas", "has an empty quota resource name (' ')"), Failure('quotas["b"]', f"{RANGE} 0")],
        ),
        (fine(region="North 4"), [Failure("region", "must be a region id such as cn-north-4, got 'North 4'")]),
    ],
)
def test_each_rule_names_the_field_and_says_the_rule(props: dict[str, Any], failures: list[Failure]) -> None:
    assert quota_spec.validate(props) == failures


def test_normalisation_keeps_the_mark_of_a_declared_region() -> None:
    """A refresh's inputs carry the mark with the region; normalising them again keeps it."""
    props = {"workspace_id": "0", "quotas": {GPU: 5.0}, DECLARED_REGION: True}
    assert quota_spec.normalize(props) == {"workspace_id": "0", "quotas": {GPU: 5}, DECLARED_REGION: True}


def test_an_unknown_quota_value_is_a_change_even_when_the_known_ones_are_equal() -> None:
    old = {"workspace_id": "a" * 32, "quotas": {GPU: 600.0}}
    plan = quota_lifecycle.plan(old, {"workspace_id": "a" * 32, "quotas": {GPU: 600, "other": Unknown()}})
    assert plan.changed == ["quotas"] and plan.replaces == []


@pytest.mark.parametrize(
    ("declared", "default", "changed"),
    [
        ("cn-north-4", "cn-north-4", []),  # a state from before regions lives in the default region
        ("ap-southeast-1", "cn-north-4", ["region"]),  # declared elsewhere: a new one there
        (None, "ap-southeast-1", []),  # undeclared: it stays where it is
    ],
)
def test_a_state_without_region_counts_as_the_default_region(
    declared: str | None, default: str, changed: list[str]
) -> None:
    old = {"workspace_id": "a" * 32, "quotas": {GPU: 600.0}, "original_quotas": {GPU: -1.0}}
    news = {"workspace_id": "a" * 32, "quotas": {GPU: 600}, **({"region": declared} if declared else {})}
    plan = quota_lifecycle.plan(old, news, default)
    assert (plan.changed, plan.replaces) == (changed, changed)


@pytest.fixture
def provider(emu: Emulator, no_hw_env: None) -> WorkspaceQuotasProvider:
    return engine_built(WorkspaceQuotasProvider, stack_config(emu))


def test_read_of_a_state_without_originals_keeps_its_declared_quotas(
    emu: Emulator, provider: WorkspaceQuotasProvider
) -> None:
    """A state that records `quotas` but no `original_quotas` (nothing to restore) still reads the
    live values of its declared quota resources, so drift shows."""
    live = emu.workspace_quotas("0")[GPU]["quota"]
    read = provider.read("0", {"workspace_id": "0", "quotas": {GPU: float(live + 5)}})
    assert read.id == "0"
    assert read.inputs == {"workspace_id": "0", "quotas": {GPU: live}}
    outs = read.outs or {}
    assert (outs["workspace_id"], outs["quotas"], outs["original_quotas"]) == ("0", {GPU: live}, {})


def test_read_keeps_a_declared_region_in_the_inputs(emu: Emulator, provider: WorkspaceQuotasProvider) -> None:
    outs = provider.create({"workspace_id": "0", "quotas": {GPU: 20}, "region": emu.config.region}).outs
    assert outs[DECLARED_REGION] is True
    read = provider.read("0", outs)
    assert read.inputs == {
        "workspace_id": "0",
        "quotas": {GPU: 20},
        "region": emu.config.region,
        DECLARED_REGION: True,
    }
    provider.delete("0", read.outs or {})


def test_the_live_rules_say_every_problem_in_one_message(emu: Emulator, provider: WorkspaceQuotasProvider) -> None:
    with pytest.raises(ModelArtsError) as caught:
        provider.create({"workspace_id": "0", "quotas": {GPU: 60001, "b.none": 5, "a.none": 5}})
    assert str(caught.value) == (
        f'quotas["a.none"], quotas["b.none"]: workspace 0 has no such quota resource (valid: {GPU}); '
        f'quotas["{GPU}"]: 60001 is outside the allowed range -1..60000 minute of workspace 0 (nothing was changed)'
    )


def test_an_unknown_quota_resource_is_answered_with_every_valid_one(no_hw_env: None) -> None:
    with Emulator(EmulatorConfig(invented_quotas=True)) as emu:
        provider = engine_built(WorkspaceQuotasProvider, stack_config(emu))
        valid = sorted(emu.workspace_quotas("0"))
        with pytest.raises(ModelArtsError) as caught:
            provider.create({"workspace_id": "0", "quotas": {"no.such": 5}})
    assert len(valid) > 1 and f"(valid: {', '.join(valid)})" in str(caught.value)


def test_deleting_quotas_already_back_at_their_originals_writes_nothing(
    emu: Emulator, provider: WorkspaceQuotasProvider
) -> None:
    outs = provider.create({"workspace_id": "0", "quotas": {GPU: 20}}).outs
    emu.put_quota_raw("0", GPU, quota=outs["original_quotas"][GPU])  # put back by hand
    emu.reset_counts()
    provider.delete("0", outs)
    assert emu.counts()["PUT"] == 0


def test_a_refused_restore_of_a_workspace_still_there_is_an_error(emu: Emulator) -> None:
    api = ModelArtsClient(settings_for(emu))
    id_ = api.create_workspace({"name": "quota-team"}).id
    _, outs = quota_lifecycle.create(api, {"workspace_id": id_, "quotas": {GPU: 20}})
    emu.add_fault(Fault(kind="status", method="PUT", status=400, error_code="ModelArts.7004"))  # status abnormal
    with pytest.raises(ApiError) as caught:
        quota_lifecycle.delete(api, id_, outs)
    assert caught.value.error_code == "ModelArts.7004"


def test_a_workspace_that_starts_deleting_during_the_restore_counts_as_restored() -> None:
    """The restore's PUT arrives when the workspace has begun deleting (ModelArts.7004): the quotas
    go with it, nothing to restore."""
    with Emulator(EmulatorConfig(delete_duration=30.0)) as emu:
        api = ModelArtsClient(settings_for(emu))
        id_ = api.create_workspace({"name": "quota-team"}).id
        _, outs = quota_lifecycle.create(api, {"workspace_id": id_, "quotas": {GPU: 20}})
        emu.add_fault(Fault(kind="latency", method="PUT", seconds=1.5))
        emu.reset_counts()
        deleting = threading.Timer(0.5, api.delete_workspace, [id_])
        deleting.start()
        try:
            quota_lifecycle.delete(api, id_, outs)
        finally:
            deleting.join()
        routes = emu.route_counts()
        assert routes["PUT /v1/{project_id}/workspaces/{id}/quotas"] == 1  # refused: 7004
        assert routes["GET /v1/{project_id}/workspaces/{id}"] == 2  # before the PUT, and after its refusal
        assert api.get_workspace(id_).status == "DELETING"
