"""The edges of the workspace rules and plans that the broader tests (test_provider.py,
test_vendor_rules.py) leave open: the bounds and messages of our own inputs (`region`, the
timeouts), the plan for a workspace found being deleted, the preview's note for a workspace
that lives outside the default region, and a half-created workspace that cannot be deleted.
Mutation testing found these open (docs/development.md, "Mutation testing")."""

from __future__ import annotations

import pickle
import re
from typing import Any

import pytest
from pulumi.output import Unknown

from modelarts_provider.api.client import ModelArtsClient
from modelarts_provider.core.errors import ConfigurationError, ModelArtsError, WorkspaceStateError
from modelarts_provider.core.settings import Settings, resolve
from modelarts_provider.domain.location import Clients
from modelarts_provider.domain.workspace import lifecycle, spec
from modelarts_provider.domain.workspace.spec import Failure
from modelarts_provider.emulator import Emulator, EmulatorConfig, Fault
from tests.conftest import settings_for

BETWEEN = "must be between 0 and 86400 seconds, got"


def named(**props: Any) -> dict[str, Any]:
    return {"name": "ml-team", **props}


@pytest.mark.parametrize(
    ("props", "failures"),
    [
        (named(region="ab"), []),  # 2 to 64 characters
        (named(region="a" * 64), []),
        (named(region=Unknown()), []),
        (named(region="a"), [Failure("region", "must be a region id such as cn-north-4, got 'a'")]),
        (named(region="a" * 65), [Failure("region", f"must be a region id such as cn-north-4, got {'a' * 65!r}")]),
        (named(region="North 4"), [Failure("region", "must be a region id such as cn-north-4, got 'North 4'")]),
        (named(region=4), [Failure("region", "must be a region id such as cn-north-4, got 4")]),
        (named(create_timeout=86400), []),  # a day at most
        (named(delete_timeout=0.5), []),
        (named(create_timeout=0), [Failure("create_timeout", f"{BETWEEN} 0")]),
        (named(delete_timeout=86400.5), [Failure("delete_timeout", f"{BETWEEN} 86400.5")]),
        (named(create_timeout=True), [Failure("create_timeout", "must be a number of seconds, got a boolean")]),
        (named(delete_timeout="600"), [Failure("delete_timeout", "must be a number of seconds, got a string")]),
        # what a wrong type is called: as the user's program (any language) would say it
        ({"name": 1234}, [Failure("name", "must be a string, got a number")]),
        ({"name": 12.5}, [Failure("name", "must be a string, got a number")]),
        ({"name": True}, [Failure("name", "must be a string, got a boolean")]),
        ({"name": ["ml-team"]}, [Failure("name", "must be a string, got a list")]),
        (named(description={"text": "x"}), [Failure("description", "must be a string, got an object")]),
        (named(grants="alice"), [Failure("grants", "must be a list of grants, got a string")]),
        (named(adopt_by_name="yes"), [Failure("adopt_by_name", "must be true or false, got a string")]),
        (named(adopt_by_name=True, adopt_id=Unknown()), []),  # known only at `up`, checked then
        (
            named(adopt_by_name=True, adopt_id="d" * 32),
            [Failure("adopt_by_name", "cannot be combined with adopt_id; choose one")],
        ),
    ],
)
def test_own_inputs_have_bounds_and_say_them(props: dict[str, Any], failures: list[Failure]) -> None:
    assert spec.validate(props) == failures


def test_a_workspace_found_deleting_is_replaced_by_a_new_one_created_first() -> None:
    """Refresh found it DELETING while it is still declared: `status` is the change, and the new
    one is created before the old one is let go (its create waits for the name)."""
    plan = lifecycle.plan({"name": "ml-team", "status": "DELETING"}, {"name": "ml-team"})
    assert plan == lifecycle.Plan(["status"], ["status"], False)


@pytest.mark.parametrize(
    ("news", "changed"),
    [
        ({"create_timeout": 60.0}, ["create_timeout"]),  # recorded by an update without API call
        ({"delete_timeout": 60.0}, ["delete_timeout"]),
        ({"auth_type": "INTERNAL", "grants": [{"user_name": "amy"}]}, ["auth_type", "grants"]),
        ({"region": Unknown()}, ["region"]),  # known only at `up`: it may move the workspace
    ],
)
def test_plan_names_each_changed_field(news: dict[str, Any], changed: list[str]) -> None:
    old = {"name": "ml-team", "status": "NORMAL"}
    assert lifecycle.plan(old, {"name": "ml-team", **news}).changed == changed


def test_the_default_workspace_is_never_deleted(emu: Emulator) -> None:
    api = ModelArtsClient(settings_for(emu))
    with pytest.raises(ModelArtsError) as caught:
        lifecycle.delete(api, "0", {"name": "default"}, lifecycle.Call())
    assert str(caught.value) == ("the default workspace (id 0) cannot be deleted; remove it from the program instead")
    assert emu.counts()["DELETE"] == 0


DEFAULT_REGION, OTHER_REGION = "cn-north-4", "ap-southeast-1"
DEFAULT_PROJECT, OTHER_PROJECT = "1a" * 16, "2b" * 16
WORKSPACE_ID = "c" * 32


def clients(project_id: str | None = None) -> Clients:
    explicit = {"region": DEFAULT_REGION, **({"project_id": project_id} if project_id else {})}
    return Clients(lambda: resolve(explicit=explicit, config={}, environ={}), ModelArtsClient)


def recorded(region: str | None, project_id: str | None) -> dict[str, Any]:
    where = {"region": region, "project_id": project_id} if region else {}
    return {"name": "ml-team", "workspace_id": WORKSPACE_ID, **where}


@pytest.mark.parametrize(
    ("default_project", "olds", "news", "note"),
    [
        (
            None,
            recorded(OTHER_REGION, OTHER_PROJECT),
            {},
            f"workspace 'ml-team' ({WORKSPACE_ID}) lives in region {OTHER_REGION} (project {OTHER_PROJECT}), "
            f"not in the current default {DEFAULT_REGION}; it is managed there",
        ),
        (
            DEFAULT_PROJECT,
            recorded(DEFAULT_REGION, OTHER_PROJECT),
            {},
            f"workspace 'ml-team' ({WORKSPACE_ID}) lives in region {DEFAULT_REGION} (project {OTHER_PROJECT}), "
            f"not in the current default {DEFAULT_REGION} (project {DEFAULT_PROJECT}); it is managed there",
        ),
        (DEFAULT_PROJECT, recorded(DEFAULT_REGION, DEFAULT_PROJECT), {}, None),  # where the default is
        (None, recorded(DEFAULT_REGION, OTHER_PROJECT), {}, None),  # the region's own project, whichever it is
        (None, recorded(OTHER_REGION, OTHER_PROJECT), {"region": OTHER_REGION}, None),  # declared there
        (None, recorded(None, None), {}, None),  # a state from before regions: the default region
    ],
)
def test_preview_notes_a_workspace_that_lives_outside_the_default(
    default_project: str | None, olds: dict[str, Any], news: dict[str, Any], note: str | None
) -> None:
    assert clients(default_project).elsewhere(olds, news) == note


def test_no_note_while_the_configuration_is_incomplete() -> None:
    def incomplete() -> Settings:
        raise ConfigurationError("no region")

    located = Clients(incomplete, ModelArtsClient)
    assert located.elsewhere(recorded(OTHER_REGION, OTHER_PROJECT), {}) is None


def test_a_half_created_workspace_that_cannot_be_deleted_is_reported(emu: Emulator) -> None:
    """CREATE_FAILED, and the delete of the failed workspace is refused: the progress line names
    the workspace and why it is still there; the error says it is still there and what to do."""
    emu.add_fault(Fault(kind="create_failed", method="POST"))
    emu.add_fault(Fault(kind="status", method="DELETE", status=403, error_code="ModelArts.0203"))
    lines: list[str] = []
    api = ModelArtsClient(settings_for(emu))
    props, failures = lifecycle.check({"name": "doomed"})
    assert failures == []
    with pytest.raises(WorkspaceStateError, match="CREATE_FAILED") as failed:
        lifecycle.create(api, props, lifecycle.Call(progress=lines.append))
    [left] = [w for w in emu.workspaces() if w["name"] == "doomed"]
    # the error does not claim it was deleted: it says it is still there and what to do
    message = str(failed.value)
    assert "deleted again" not in message and "and deleting it failed" in message and "adopt" in message
    assert lines == [
        f"could not delete half-created workspace 'doomed' ({left['id']}): delete workspace {left['id']} failed "
        "with HTTP 403 ModelArts.0203: emulated fault: HTTP 403 (request id " + lines[0].split("(request id ")[1]
    ]
    assert "the IAM policy of these credentials does not allow it" in lines[0]


# -- update: the native face's partial state, and an update the API need not see -------------------

NATIVE = lifecycle.Call(progress=lambda _line: None, keep_unconfirmed=True)


def created(api: ModelArtsClient, **declared: Any) -> tuple[str, dict[str, Any], dict[str, Any]]:
    props, failures = lifecycle.check({"name": "ml-team", **declared})
    assert failures == []
    id_, outs = lifecycle.create(api, props, NATIVE)
    return id_, props, outs


def test_an_update_of_a_confirmed_workspace_makes_no_call_when_nothing_the_api_holds_changes(emu: Emulator) -> None:
    api = ModelArtsClient(settings_for(emu))
    id_, props, outs = created(api, auth_type="INTERNAL", grants=[{"user_name": "amy"}])
    emu.reset_counts()
    updated = lifecycle.update(api, id_, outs, {**props, "delete_timeout": 60.0}, NATIVE)
    assert emu.counts()["total"] == 0
    # the server's view of the grants (the id it filled in) stays, not the declared form
    assert updated["server_grants"] == outs["server_grants"] and outs["server_grants"][0]["user_id"]
    assert updated["delete_timeout"] == 60.0


def test_a_partial_state_is_confirmed_within_its_own_create_timeout() -> None:
    """A create the native face kept as partial state (status ""): the update first waits for the
    workspace as its create would have, bounded by the declared create_timeout."""
    with Emulator(EmulatorConfig()) as emu:
        api = ModelArtsClient(settings_for(emu))
        id_, props, outs = created(api)
        emu.put_workspace_raw(id_, status="CREATING")
        partial = {**outs, "status": ""}
        with pytest.raises(WorkspaceStateError, match=r"^still CREATING after 1s$"):
            lifecycle.update(api, id_, partial, {**props, "create_timeout": 1.0}, NATIVE)
        emu.put_workspace_raw(id_, status="NORMAL")
        assert lifecycle.update(api, id_, partial, props, NATIVE)["status"] == "NORMAL"


@pytest.mark.parametrize(
    ("call", "setting"),
    [(lifecycle.Call(), "delete_timeout"), (lifecycle.Call(custom_timeouts=True), "customTimeouts delete")],
)
def test_a_delete_that_outlasts_its_timeout_says_which_setting_gives_more_time(
    call: lifecycle.Call, setting: str
) -> None:
    """The dynamic provider's users raise `delete_timeout`; the native provider's, `customTimeouts`."""
    with Emulator(EmulatorConfig(delete_duration=30.0)) as emu:
        api = ModelArtsClient(settings_for(emu))
        id_ = api.create_workspace({"name": "slow-going"}).id
        with pytest.raises(WorkspaceStateError) as caught:
            lifecycle.delete(api, id_, {"name": "slow-going", "delete_timeout": 0.5}, call)
    assert str(caught.value) == (
        f"workspace 'slow-going' ({id_}) is still DELETING after 0s; it stays in the stack, "
        f"run the command again to keep waiting (or raise {setting})"
    )


def test_a_secret_inside_a_longer_one_never_leaves_part_of_it_in_a_message() -> None:
    """The longest secret is hidden first: "word" inside "pass-word-1" must not leave "pass-"."""
    text = "user pass-word-1 logged in with word"
    assert spec.redact(text, {"word", "pass-word-1"}) == "user [secret] logged in with [secret]"


@pytest.mark.parametrize(("status_info", "reason"), [("disk busy", "disk busy"), ("", "no reason given")])
def test_a_failed_delete_says_the_reason_the_server_gave(emu: Emulator, status_info: str, reason: str) -> None:
    api = ModelArtsClient(settings_for(emu))
    id_ = api.create_workspace({"name": "stuck"}).id
    emu.put_workspace_raw(id_, status="DELETE_FAILED", status_info=status_info)
    with pytest.raises(WorkspaceStateError) as caught:
        lifecycle.wait_gone(api, id_, "stuck", 5.0, "deleting", lifecycle.Call(), "then")
    assert str(caught.value) == (
        f"workspace 'stuck' ({id_}) could not be deleted (DELETE_FAILED): {reason}; it stays in the stack, "
        "fix the cause and run the command again"
    )


def test_a_long_delete_reports_its_progress() -> None:
    """A wait of REPORT_EVERY (10 s) or more says what it waits for (shorter ones print nothing)."""
    with Emulator(EmulatorConfig(delete_duration=11.0)) as emu:
        api = ModelArtsClient(settings_for(emu))
        id_ = api.create_workspace({"name": "slow-going"}).id
        lines: list[str] = []
        lifecycle.delete(api, id_, {"name": "slow-going"}, lifecycle.Call(progress=lines.append))
    [line] = lines
    assert re.fullmatch(rf"deleting workspace 'slow-going' \({id_}\): still DELETING after 1[0-9]s", line), line


def test_an_unconfirmed_create_survives_pickling_with_its_id_and_outputs() -> None:
    """The error that carries a partial state keeps what the host records when it is pickled
    (an exception with extra constructor arguments does not by itself)."""
    error = lifecycle.CreatedUnconfirmed("created but not confirmed", WORKSPACE_ID, {"status": ""})
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.workspace_id, copy.outputs) == ("created but not confirmed", WORKSPACE_ID, {"status": ""})


def test_deleting_a_workspace_already_being_deleted_waits_until_it_is_gone(emu: Emulator) -> None:
    """The API refuses a second delete with ModelArts.7004 (status abnormal): that is no error,
    the delete waits for the one under way; any other refusal is the error."""
    api = ModelArtsClient(settings_for(emu))
    id_ = api.create_workspace({"name": "going-twice"}).id
    api.delete_workspace(id_)  # DELETING for 0.3 s
    lifecycle.delete(api, id_, {"name": "going-twice"}, lifecycle.Call())
    assert all(w["id"] != id_ for w in emu.workspaces())
    other = api.create_workspace({"name": "refused"}).id
    emu.add_fault(Fault(kind="status", method="DELETE", status=403, error_code="ModelArts.0203"))
    with pytest.raises(ModelArtsError, match=r"ModelArts\.0203"):
        lifecycle.delete(api, other, {"name": "refused"}, lifecycle.Call())
