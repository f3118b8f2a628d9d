"""The dynamic provider's methods against the emulator over HTTP, after the same
serialize/deserialize/configure round trip the Pulumi engine does."""

from __future__ import annotations

import base64
import time
from typing import Any, TypeVar

import dill
import pytest
from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown

from modelarts_provider.core.errors import ModelArtsError, WorkspaceStateError
from modelarts_provider.dynamic.workspace_provider import WorkspaceProvider
from modelarts_provider.emulator import Emulator, Fault

EPS = "a1b2c3d4-0000-4000-8000-1234567890ab"

Dynamic = TypeVar("Dynamic", bound=ResourceProvider)


def stack_config(emu: Emulator, method: str = "aksk") -> dict[str, Any]:
    cfg = emu.config
    config = {
        "huaweicloud:region": cfg.region,
        "huaweicloud:authUrl": emu.url + "/v3",
        "modelarts:endpoint": emu.url,
        "modelarts:retryDeadline": "20",
    }
    if method == "aksk":
        config.update({"huaweicloud:accessKey": cfg.access_key, "huaweicloud:secretKey": cfg.secret_key})
    else:
        config.update(
            {
                "huaweicloud:userName": cfg.user,
                "huaweicloud:password": cfg.password,
                "huaweicloud:domainName": cfg.domain,
            }
        )
    return config


def engine_provider(config: dict[str, Any]) -> WorkspaceProvider:
    return engine_built(WorkspaceProvider, config)


def engine_built(kind: type[Dynamic], config: dict[str, Any]) -> Dynamic:
    """What the engine does: pickle in the program, unpickle and configure in the provider process."""
    provider = dill.loads(base64.b64decode(serialize_provider(kind())))
    assert isinstance(provider, kind)
    provider.configure(ConfigureRequest(Config(config, "test")))
    return provider


@pytest.fixture(autouse=True)
def _no_hw_environment(no_hw_env: None) -> None:
    """Every test here configures the provider as the engine does, from the stack's config only."""


@pytest.fixture
def provider(emu: Emulator) -> WorkspaceProvider:
    return engine_provider(stack_config(emu))


def checked(provider: WorkspaceProvider, **props: Any) -> dict[str, Any]:
    result = provider.check({}, {"__provider": "x", **props})
    assert result.failures == [], [(f.property, f.reason) for f in result.failures]
    return result.inputs


def live(emu: Emulator) -> dict[str, dict[str, Any]]:
    return {w["name"]: w for w in emu.workspaces() if w["id"] != "0"}


# -- check -----------------------------------------------------------------------------------

BAD_INPUTS = [
    ({}, "name", "is required"),
    ({"name": "abc"}, "name", "4 to 64"),
    ({"name": "x" * 65}, "name", "4 to 64"),
    ({"name": "has space"}, "name", "letters, digits"),
    ({"name": "dot.name"}, "name", "letters, digits"),
    ({"name": "default"}, "name", "reserved"),
    ({"name": 1234}, "name", "must be a string"),
    ({"name": "good-name", "description": "d" * 257}, "description", "at most 256"),
    ({"name": "good-name", "description": 5}, "description", "must be a string"),
    ({"name": "good-name", "auth_type": "SECRET"}, "auth_type", "PUBLIC, PRIVATE, INTERNAL"),
    ({"name": "good-name", "grants": [{"user_name": "a"}]}, "grants", "only with auth_type INTERNAL"),
    ({"name": "good-name", "auth_type": "PUBLIC", "grants": [{"user_name": "a"}]}, "grants", "INTERNAL"),
    ({"name": "good-name", "auth_type": "INTERNAL", "grants": [{}]}, "grants[0]", "user_id or user_name"),
    (
        {"name": "good-name", "auth_type": "INTERNAL", "grants": [{"user_name": ""}]},
        "grants[0]",
        "user_id or user_name",
    ),
    ({"name": "good-name", "auth_type": "INTERNAL", "grants": ["alice"]}, "grants[0]", "must be an object"),
    (
        {"name": "good-name", "auth_type": "INTERNAL", "grants": [{"user_name": "a", "user_type": "ROBOT"}]},
        "grants[0].user_type",
        "IAM, FEDERATE, AGENCY",
    ),
    (
        {"name": "good-name", "auth_type": "INTERNAL", "grants": [{"user_name": "a", "role": "x"}]},
        "grants[0].role",
        "not a grant field",
    ),
    (
        {"name": "good-name", "auth_type": "INTERNAL", "grants": [{"user_name": "a"}, {"user_name": "a"}]},
        "grants",
        "same user",
    ),
    ({"name": "good-name", "grants": "alice"}, "grants", "must be a list"),
    ({"name": "good-name", "enterprise_project_id": "eps-1"}, "enterprise_project_id", "UUID"),
    ({"name": "good-name", "adopt_id": "not-an-id"}, "adopt_id", "32 lower-case hex"),
    ({"name": "good-name", "adopt_id": "a" * 32, "adopt_by_name": True}, "adopt_by_name", "cannot be combined"),
    ({"name": "good-name", "adopt_by_name": "yes"}, "adopt_by_name", "true or false"),
    ({"name": "good-name", "delete_timeout": -1}, "delete_timeout", "between 0"),
    ({"name": "good-name", "create_timeout": "soon"}, "create_timeout", "number of seconds"),
    ({"name": "good-name", "colour": "blue"}, "colour", "not a Workspace input"),
]


@pytest.mark.parametrize(("props", "field", "rule"), BAD_INPUTS)
def test_check_names_the_field_and_the_rule(
    emu: Emulator, provider: WorkspaceProvider, props: dict[str, Any], field: str, rule: str
) -> None:
    result = provider.check({}, {"__provider": "x", **props})
    assert any(f.property == field and rule in f.reason for f in result.failures), [
        (f.property, f.reason) for f in result.failures
    ]
    assert emu.counts()["total"] == 0  # nothing reached the API


def test_check_accepts_unknowns_and_normalises(provider: WorkspaceProvider) -> None:
    unknown = Unknown()
    result = provider.check(
        {}, {"__provider": "x", "name": unknown, "auth_type": "INTERNAL", "grants": [{"user_name": unknown}]}
    )
    assert result.failures == []
    inputs = checked(
        provider,
        name="ml-team",
        auth_type="internal",
        grants=[{"user_name": "bob"}, {"user_id": "c" * 32, "user_type": "agency"}],
    )
    assert inputs["auth_type"] == "INTERNAL" and inputs["description"] == "" and inputs["enterprise_project_id"] == "0"
    assert inputs["grants"] == [
        {"user_id": "c" * 32, "user_type": "AGENCY"},
        {"user_name": "bob", "user_type": "IAM"},
    ]


# -- create / diff / read / update / delete --------------------------------------------------


def test_lifecycle_and_no_diff_after_create_and_refresh(emu: Emulator, provider: WorkspaceProvider) -> None:
    inputs = checked(
        provider, name="ml-team", auth_type="internal", grants=[{"user_name": "bob"}, {"user_name": "alice"}]
    )
    created = provider.create(inputs)
    outs = created.outs or {}
    assert outs["status"] == "NORMAL" and outs["workspace_id"] == created.id and outs["owner"]
    # `grants` is the checked input (what a preview plans); the server's view, ids filled in, aligned with it
    assert (
        outs["grants"]
        == inputs["grants"]
        == [
            {"user_name": "alice", "user_type": "IAM"},
            {"user_name": "bob", "user_type": "IAM"},
        ]
    )
    assert [g["user_name"] for g in outs["server_grants"]] == ["alice", "bob"]
    assert all(g["user_id"] for g in outs["server_grants"]) and "declared_grants" not in outs

    assert provider.diff(created.id, outs, inputs).changes is False
    reordered = checked(
        provider, name="ml-team", auth_type="INTERNAL", grants=[{"user_name": "alice"}, {"user_name": "bob"}]
    )
    assert provider.diff(created.id, outs, reordered).changes is False

    refreshed = provider.read(created.id, outs)
    assert refreshed.id == created.id
    assert provider.diff(created.id, refreshed.outs or {}, inputs).changes is False

    changed = checked(provider, name="ml-team", description="now with words", auth_type="PRIVATE")
    diff = provider.diff(created.id, outs, changed)
    assert diff.changes is True and diff.replaces == []
    updated = provider.update(created.id, outs, changed).outs or {}
    assert (updated["description"], updated["auth_type"], updated["grants"]) == ("now with words", "PRIVATE", [])
    assert provider.diff(created.id, updated, changed).changes is False

    provider.delete(created.id, updated)
    assert live(emu) == {}


def test_enterprise_project_change_replaces_delete_first(provider: WorkspaceProvider) -> None:
    inputs = checked(provider, name="eps-team")
    outs = provider.create(inputs).outs or {}
    moved = checked(provider, name="eps-team", enterprise_project_id=EPS)
    diff = provider.diff("id", outs, moved)
    assert diff.replaces == ["enterprise_project_id"] and diff.delete_before_replace is True
    renamed = checked(provider, name="eps-team-2", enterprise_project_id=EPS)
    assert provider.diff("id", outs, renamed).delete_before_replace is False


def test_unknown_inputs_are_possible_changes(provider: WorkspaceProvider) -> None:
    inputs = checked(provider, name="unknowns")
    outs = provider.create(inputs).outs or {}
    diff = provider.diff("id", outs, {**inputs, "description": Unknown()})
    assert diff.changes is True and diff.replaces == []
    diff = provider.diff("id", outs, {**inputs, "enterprise_project_id": Unknown()})
    assert diff.replaces == ["enterprise_project_id"]


def test_update_counts_one_put_and_one_get(emu: Emulator, provider: WorkspaceProvider) -> None:
    inputs = checked(provider, name="counted")
    created = provider.create(inputs)
    emu.reset_counts()
    provider.update(created.id, created.outs or {}, checked(provider, name="counted", description="x"))
    counts = emu.counts()
    assert (counts["PUT"], counts["GET"], counts["POST"]) == (1, 1, 0)


def test_create_uses_one_post(emu: Emulator, provider: WorkspaceProvider) -> None:
    provider.create(checked(provider, name="warm-up"))
    emu.reset_counts()
    provider.create(checked(provider, name="counted-create"))
    provider.create(checked(provider, name="with-grants", auth_type="INTERNAL", grants=[{"user_name": "a"}]))
    counts = emu.counts()
    assert (counts["POST"], counts["GET"], counts["IAM"]) == (2, 1, 0)


def test_create_failed_leaves_nothing_behind(emu: Emulator, provider: WorkspaceProvider) -> None:
    emu.add_fault(Fault(kind="create_failed", method="POST"))
    with pytest.raises(WorkspaceStateError) as info:
        provider.create(checked(provider, name="doomed"))
    assert "CREATE_FAILED" in str(info.value) and "emulated failure" in str(info.value)
    time.sleep(emu.config.delete_duration + 0.2)
    assert live(emu) == {}


@pytest.mark.parametrize("fault", ["lost_response", "status"])
def test_ambiguous_post_does_not_duplicate(emu: Emulator, provider: WorkspaceProvider, fault: str) -> None:
    emu.add_fault(Fault(kind=fault, method="POST", status=502))  # type: ignore[arg-type]
    created = provider.create(checked(provider, name="exactly-once"))
    workspaces = live(emu)
    assert list(workspaces) == ["exactly-once"] and workspaces["exactly-once"]["id"] == created.id


def test_drift_is_found_by_read_and_corrected_by_update(emu: Emulator, provider: WorkspaceProvider) -> None:
    inputs = checked(provider, name="drifty", description="declared")
    created = provider.create(inputs)
    emu.put_workspace_raw(created.id, description="changed by hand", auth_type="private")
    refreshed = provider.read(created.id, created.outs or {})
    assert (refreshed.outs or {})["description"] == "changed by hand"
    assert (refreshed.inputs or {})["auth_type"] == "PRIVATE"
    assert provider.diff(created.id, refreshed.outs or {}, inputs).changes is True
    provider.update(created.id, refreshed.outs or {}, inputs)
    assert live(emu)["drifty"]["description"] == "declared" and live(emu)["drifty"]["auth_type"] == "public"


def test_out_of_band_deletion_reads_as_gone(emu: Emulator, provider: WorkspaceProvider) -> None:
    created = provider.create(checked(provider, name="vanishing"))
    emu.remove_workspace_raw(created.id)
    assert provider.read(created.id, created.outs or {}).id == ""
    provider.delete(created.id, created.outs or {})  # already gone counts as success


def test_deleting_workspace_stays_and_a_declared_one_is_replaced(emu: Emulator, provider: WorkspaceProvider) -> None:
    inputs = checked(provider, name="reborn")
    first = provider.create(inputs)
    emu.config.delete_duration = 1.0
    provider._client().delete_workspace(first.id)
    refreshed = provider.read(first.id, first.outs or {})
    assert refreshed.id == first.id and (refreshed.outs or {})["status"] == "DELETING"
    diff = provider.diff(first.id, refreshed.outs or {}, inputs)
    assert diff.changes is True and diff.replaces and diff.delete_before_replace is False
    second = provider.create(inputs)  # the replacement waits until the name is free
    assert second.id != first.id and live(emu)["reborn"]["id"] == second.id
    provider.delete(first.id, refreshed.outs or {})  # the replaced one is already gone
    assert provider.read(first.id, refreshed.outs or {}).id == ""


def test_delete_failed_workspace_stays_managed(emu: Emulator, provider: WorkspaceProvider) -> None:
    created = provider.create(checked(provider, name="stuck-one"))
    emu.add_fault(Fault(kind="delete_failed", method="DELETE"))
    provider._client().delete_workspace(created.id)
    time.sleep(emu.config.delete_duration + 0.2)
    refreshed = provider.read(created.id, created.outs or {})
    assert refreshed.id == created.id and (refreshed.outs or {})["status"] == "DELETE_FAILED"
    provider.delete(created.id, refreshed.outs or {})
    assert provider.read(created.id, refreshed.outs or {}).id == ""


def test_delete_waits_until_gone(emu: Emulator, provider: WorkspaceProvider) -> None:
    emu.config.delete_duration = 1.0
    created = provider.create(checked(provider, name="waited"))
    start = time.monotonic()
    provider.delete(created.id, created.outs or {})
    elapsed = time.monotonic() - start
    assert live(emu) == {}
    assert elapsed >= 1.0


def test_delete_failed_is_an_error_naming_the_workspace(emu: Emulator, provider: WorkspaceProvider) -> None:
    created = provider.create(checked(provider, name="sticky"))
    emu.add_fault(Fault(kind="delete_failed", method="DELETE"))
    with pytest.raises(WorkspaceStateError) as info:
        provider.delete(created.id, created.outs or {})
    assert "sticky" in str(info.value) and "DELETE_FAILED" in str(info.value)
    provider.delete(created.id, created.outs or {})  # a later attempt finishes it
    assert live(emu) == {}


def test_delete_that_never_finishes_times_out(emu: Emulator, provider: WorkspaceProvider) -> None:
    created = provider.create(checked(provider, name="forever", delete_timeout=1))
    emu.config.delete_duration = 3600
    with pytest.raises(WorkspaceStateError) as info:
        provider.delete(created.id, created.outs or {})
    assert "still DELETING" in str(info.value) and "forever" in str(info.value)


def test_default_workspace_is_never_deleted(provider: WorkspaceProvider) -> None:
    with pytest.raises(ModelArtsError, match="default workspace"):
        provider.delete("0", {"name": "default"})


def test_adoption_by_id_and_by_name(emu: Emulator, provider: WorkspaceProvider) -> None:
    api = provider._client()
    by_id = api.create_workspace({"name": "legacy-one", "description": "old"})
    api.create_workspace({"name": "legacy-two"})
    emu.reset_counts()
    adopted = provider.create(checked(provider, name="legacy-one", description="new", adopt_id=by_id.id))
    assert adopted.id == by_id.id and live(emu)["legacy-one"]["description"] == "new"
    by_name = provider.create(checked(provider, name="legacy-two", adopt_by_name=True))
    assert by_name.id == live(emu)["legacy-two"]["id"]
    assert emu.counts()["POST"] == 0 and len(live(emu)) == 2
    with pytest.raises(ModelArtsError, match="adopt_id"):
        provider.create(checked(provider, name="legacy-3", adopt_id="b" * 32))


def test_name_in_use_suggests_adoption(provider: WorkspaceProvider) -> None:
    provider._client().create_workspace({"name": "taken-name"})
    with pytest.raises(ModelArtsError, match="adopt_by_name"):
        provider.create(checked(provider, name="taken-name"))


def test_get_style_read_without_state(emu: Emulator, provider: WorkspaceProvider) -> None:
    existing = provider._client().create_workspace({"name": "referenced"})
    result = provider.read(existing.id, {"__provider": "x"})
    assert result.id == existing.id and (result.outs or {})["name"] == "referenced"


def test_password_auth_uses_one_token_for_everything(emu: Emulator) -> None:
    provider = engine_provider(stack_config(emu, "password"))
    for i in range(5):
        created = provider.create(checked(provider, name=f"tok-{i}"))
        provider.read(created.id, created.outs or {})
    assert emu.counts()["IAM"] == 1


def test_workspace_and_quotas_providers_share_their_clients(emu: Emulator) -> None:
    """The host unpickles each resource type's provider into its own object; both find the same
    clients (one session, one project look-up), and a stack with workspaces and their quotas
    asks IAM for one token."""
    from modelarts_provider.dynamic.quotas_provider import WorkspaceQuotasProvider

    config = stack_config(emu, "password")
    workspaces, quotas = engine_provider(config), engine_built(WorkspaceQuotasProvider, config)
    created = workspaces.create(checked(workspaces, name="shared-token"))
    quota_props = quotas.check({}, {"workspace_id": created.id, "quotas": {"exemlProject.gpu_duration": 600}}).inputs
    quotas.create(quota_props)
    assert emu.counts()["IAM"] == 1
    other = engine_provider({**config, "modelarts:retryDeadline": "21"})  # another configuration
    assert other._client() is not workspaces._client() and quotas._client() is workspaces._client()


def test_no_secret_in_serialized_provider_or_any_property(emu: Emulator) -> None:
    config = stack_config(emu, "password") | {"huaweicloud:secretKey": "unused-secret-key-value"}
    provider = engine_provider(config)
    created = provider.create(checked(provider, name="secretless", auth_type="INTERNAL", grants=[{"user_name": "a"}]))
    read = provider.read(created.id, created.outs or {})
    blob = base64.b64decode(serialize_provider(provider))  # even after configure()
    everything = repr([created.outs, read.outs, read.inputs]) + repr(provider) + blob.decode("latin-1")
    for secret in (emu.config.password, "unused-secret-key-value", emu.config.secret_key):
        assert secret not in everything
    from modelarts_provider.api.auth import TOKENS

    for token in TOKENS._tokens.values():
        assert token.value not in everything


def test_progress_is_one_write_per_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """The provider process has no engine: progress goes to stderr, which the CLI shows line by
    line. print() writes text and newline separately, so parallel deletes could share a line."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from modelarts_provider.dynamic import base

    writes: list[str] = []

    class Stderr:
        def write(self, text: str) -> int:
            writes.append(text)
            return len(text)

        def flush(self) -> None:
            pass

    monkeypatch.setattr(sys, "stderr", Stderr())
    monkeypatch.setattr(base, "get_engine", lambda: None)  # as in the provider process, whatever ran before
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda i: base.progress(f"deleting workspace {i}"), range(20)))
    assert len(writes) == 20
    assert all(w.startswith("info: deleting workspace ") and w.count("\n") == 1 and w.endswith("\n") for w in writes)


def test_errors_print_as_one_line_without_module_path(emu: Emulator, provider: WorkspaceProvider) -> None:
    import traceback

    created = provider.create(checked(provider, name="one-liner"))
    emu.add_fault(Fault(kind="delete_failed", method="DELETE"))
    try:
        provider.delete(created.id, created.outs or {})
    except WorkspaceStateError:
        text = traceback.format_exc(limit=0)
    assert text.startswith("WorkspaceStateError: workspace 'one-liner'") and text.count("\n") == 1
    provider.delete(created.id, created.outs or {})


def test_grant_added_in_the_console_is_appended_not_renamed(emu: Emulator, provider: WorkspaceProvider) -> None:
    inputs = checked(
        provider, name="granted", auth_type="INTERNAL", grants=[{"user_name": "zed"}, {"user_name": "amy"}]
    )
    created = provider.create(inputs)
    server = list((created.outs or {})["server_grants"])
    emu.put_workspace_raw(created.id, grants=[*server, {"user_id": "0" * 31 + "1", "user_name": "carl"}])
    refreshed = provider.read(created.id, created.outs or {})
    outs, read_inputs = refreshed.outs or {}, refreshed.inputs or {}
    assert (
        outs["grants"]
        == read_inputs["grants"]
        == [
            *inputs["grants"],
            {"user_id": "0" * 31 + "1", "user_name": "carl", "user_type": "IAM"},
        ]
    )
    assert [g["user_name"] for g in outs["server_grants"]] == ["amy", "zed", "carl"]
    assert provider.diff(created.id, outs, inputs).changes is True


def test_state_of_the_previous_release_reads_its_declared_grants(emu: Emulator, provider: WorkspaceProvider) -> None:
    inputs = checked(provider, name="old-shape", auth_type="INTERNAL", grants=[{"user_name": "amy"}])
    outs = dict(provider.create(inputs).outs or {})
    old = {k: v for k, v in outs.items() if k != "server_grants"}
    old["declared_grants"], old["grants"] = outs["grants"], outs["server_grants"]  # the old outputs' shape
    assert provider.diff("id", old, inputs).changes is False
    refreshed = provider.read(outs["workspace_id"], old)
    assert (refreshed.outs or {})["grants"] == inputs["grants"] and "declared_grants" not in (refreshed.outs or {})
    unchanged = provider.update(outs["workspace_id"], old, inputs).outs or {}
    assert unchanged["grants"] == inputs["grants"] and unchanged["server_grants"] == outs["server_grants"]


def test_default_enterprise_project_fills_in_only_at_create(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    configured = engine_provider({**stack_config(emu), "huaweicloud:enterpriseProjectId": EPS})
    first = configured.check({}, {"name": "eps-default"})
    assert first.failures == [] and first.inputs["enterprise_project_id"] == EPS
    # afterwards the workspace's own value: a changed or missing default is no replacement
    monkeypatch.setenv("HW_ENTERPRISE_PROJECT_ID", "0")
    plain = engine_provider(stack_config(emu))
    again = plain.check(first.inputs, {"name": "eps-default"})
    assert again.inputs["enterprise_project_id"] == EPS
    assert plain.check({}, {"name": "eps-new"}).inputs["enterprise_project_id"] == "0"  # from HW_*
    monkeypatch.delenv("HW_ENTERPRISE_PROJECT_ID")
    assert plain.check({}, {"name": "eps-none"}).inputs["enterprise_project_id"] == "0"
    bad = engine_provider({**stack_config(emu), "huaweicloud:enterpriseProjectId": "finance"})
    failures = bad.check({}, {"name": "eps-bad"}).failures
    assert [f.property for f in failures] == ["enterprise_project_id"]
    assert "huaweicloud:enterpriseProjectId" in failures[0].reason and "HW_ENTERPRISE_PROJECT_ID" in failures[0].reason


SECRET_SIG = "4dabf18193072939515e22adb298388d"


def test_outputs_derived_from_secret_inputs_are_secret(emu: Emulator, provider: WorkspaceProvider) -> None:
    inputs = checked(
        provider,
        name="secret-grants",
        auth_type="INTERNAL",
        grants=[{"user_name": "hidden-user"}],
        __secret_inputs=["grants"],
    )
    assert inputs["__secret_inputs"] == ["grants"]
    outs = provider.create(inputs).outs or {}
    assert outs["server_grants"][SECRET_SIG] and outs["server_grants"]["value"][0]["user_name"] == "hidden-user"
    assert SECRET_SIG not in outs["grants"] and outs["__secret_inputs"] == ["grants"]  # same name: the engine's job
    refreshed = provider.read(outs["workspace_id"], {**outs, "server_grants": outs["server_grants"]["value"]})
    assert SECRET_SIG in (refreshed.outs or {})["server_grants"]
    plain = provider.create(checked(provider, name="plain-grants", auth_type="INTERNAL", grants=[{"user_name": "x1"}]))
    assert isinstance((plain.outs or {})["server_grants"], list)


def test_messages_never_repeat_a_secret_value(emu: Emulator, provider: WorkspaceProvider) -> None:
    provider.create(checked(provider, name="taken-secret-name"))
    secret = checked(provider, name="taken-secret-name", __secret_inputs=["name"])
    with pytest.raises(ModelArtsError) as info:
        provider.create(secret)
    assert "already exists" in str(info.value) and "taken-secret-name" not in str(info.value)
    failures = provider.check({}, {"name": "x", "auth_type": "NOPE-NOPE", "__secret_inputs": ["auth_type"]}).failures
    assert failures and all("NOPE" not in f.reason for f in failures)
    assert any(f.property == "auth_type" and "secret" in f.reason for f in failures)


def test_providers_are_stored_under_the_paths_states_already_hold() -> None:
    """The engine stores each dynamic resource's provider pickled by reference. Both classes are
    stored under the paths every earlier release wrote (modules that re-export them), so a state
    looks the same whichever release wrote it, and an older release can still load it."""
    import io
    import pickletools

    from modelarts_provider.dynamic.quotas_provider import WorkspaceQuotasProvider

    for provider, path in (
        (WorkspaceProvider(), "modelarts_provider.provider"),
        (WorkspaceQuotasProvider(), "modelarts_provider.quota_provider"),
    ):
        blob = base64.b64decode(serialize_provider(provider))
        listing = io.StringIO()
        pickletools.dis(blob, out=listing)
        named = [line.split("'")[1] for line in listing.getvalue().splitlines() if "UNICODE 'modelarts" in line]
        assert named == [path], named
        assert type(dill.loads(blob)) is type(provider)
