"""`python -m modelarts_provider workspaces ...`: the adoption code it writes (valid, formatted,
round-tripping every value, adopting without a write) and list/show/errors against the emulator."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

import modelarts_provider
from modelarts_provider.api.client import ModelArtsClient
from modelarts_provider.api.models import LiveWorkspace, WorkspaceSummary, parse
from modelarts_provider.domain.workspace import canonical, lifecycle, spec
from modelarts_provider.emulator import Emulator
from modelarts_provider.tools.cli import _py_str, _width, adoption_code, resource_names, run
from tests.conftest import hw_env, settings_for
from tests.e2e.pulumi_cli import REPO

EPS = "0f0e0d0c-1111-4222-8333-444455556666"
ALICE_ID = "a" * 32


def live(**answer: Any) -> LiveWorkspace:
    """A workspace as the client reads it from an answer (`auth_type` upper-cased, grants typed)."""
    return parse(LiveWorkspace, answer, "get workspace")


ESTATE = [
    live(
        id="1" * 32,
        name="ML_team",
        description='say "hi"\nit\'s a \\ backslash, a tab\t, U+2028 \u2028 and NEL \x85',
        auth_type="internal",
        grants=[
            {"user_id": ALICE_ID, "user_name": "alice", "user_type": "IAM"},
            {"user_id": "b" * 32, "user_name": "fed\nuser", "user_type": "federate"},
            {"user_name": "only-a-name"},
        ],
    ),
    live(id="2" * 32, name="ml-team", auth_type="PRIVATE", enterprise_project_id=EPS, enterprise_project_name="p1"),
    live(id="3" * 32, name="中文_工作空间", description="中文描述 'single' quotes"),
]


class Recorder:
    """Stands in for `Workspace` while the generated code runs: records what it declares."""

    calls: ClassVar[list[tuple[str, Any]]] = []

    def __init__(self, resource_name: str, args: Any) -> None:
        Recorder.calls.append((resource_name, args))


def declared(code: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Run the generated code with the real Grant/WorkspaceArgs and a recording Workspace."""
    Recorder.calls = []
    monkeypatch.setattr(modelarts_provider, "Workspace", Recorder)
    exec(compile(code, "<adopt-code>", "exec"), {})
    out = []
    for name, args in Recorder.calls:
        props = {k: v for k, v in asdict(args).items() if v is not None}
        if "grants" in props:
            props["grants"] = [{k: v for k, v in g.items() if v is not None} for g in props["grants"]]
        out.append((name, props))
    return out


def test_adoption_code_round_trips_every_value_in_declared_form(monkeypatch: pytest.MonkeyPatch) -> None:
    code = adoption_code(ESTATE)
    assert code.startswith("# Existing ModelArts workspaces")
    assert "from modelarts_provider import Grant, Workspace, WorkspaceArgs" in code
    result = declared(code, monkeypatch)
    assert [name for name, _ in result] == ["ml-team-2", "ml-team", "中文-工作空间"]
    (_, team), (_, other), (_, cjk) = result
    assert team == {
        "name": "ML_team",
        "description": ESTATE[0].description,
        "auth_type": "INTERNAL",
        "grants": [
            {"user_id": ALICE_ID},  # user_id preferred, as the API identifies users
            {"user_id": "b" * 32, "user_type": "FEDERATE"},  # user_type only when not IAM
            {"user_name": "only-a-name"},
        ],
        "adopt_id": "1" * 32,
    }
    assert other == {"name": "ml-team", "auth_type": "PRIVATE", "enterprise_project_id": EPS, "adopt_id": "2" * 32}
    assert cjk == {
        "name": "中文_工作空间",
        "description": "中文描述 'single' quotes",
        "auth_type": "PUBLIC",
        "adopt_id": "3" * 32,
    }
    assert "# alice" in code and "# 'fed\\nuser'" in code  # names as comments, never a raw newline


def test_adoption_code_declares_exactly_the_live_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the provider checks on adoption: valid inputs and no difference, so no PUT."""
    for (_, props), workspace in zip(declared(adoption_code(ESTATE), monkeypatch), ESTATE, strict=True):
        assert spec.validate(props) == []
        live = lifecycle.live_inputs(workspace)
        assert canonical.changed_fields(canonical.normalize(props), live) == []


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
def test_adoption_code_is_ruff_clean(tmp_path: Any) -> None:
    path = tmp_path / "adopted.py"
    path.write_text(adoption_code(ESTATE, [(WorkspaceSummary(id="9" * 32, name="broken"), "status CREATE_FAILED")]))
    fmt = subprocess.run(["ruff", "format", "--diff", "--no-cache", str(path)], capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    lint = subprocess.run(
        ["ruff", "check", "--no-cache", "--isolated", "--select", "E,F,W,I,B,UP", "--ignore", "E501", str(path)],
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_adoption_code_imports_only_what_it_uses_and_lists_skipped() -> None:
    public = live(id="4" * 32, name="public-one")
    code = adoption_code([public], [(WorkspaceSummary(id="5" * 32, name="half-made"), "status CREATE_FAILED quota")])
    assert "from modelarts_provider import Workspace, WorkspaceArgs\n" in code
    assert "enterprise_project_id" not in code and "description" not in code
    assert code.rstrip().endswith(f"# - half-made ({'5' * 32}): status CREATE_FAILED quota")
    empty = adoption_code([])
    assert "import" not in empty and "# No workspace to adopt." in empty
    ast.parse(empty)


def test_grants_of_a_non_internal_workspace_become_a_comment() -> None:
    odd = live(id="6" * 32, name="odd-one", grants=[{"user_id": ALICE_ID}])
    code = adoption_code([odd])
    assert "Grant" not in code and "# ModelArts lists 1 grant(s), unused unless INTERNAL" in code
    ast.parse(code)


def test_resource_names_keep_exact_names_and_never_collide() -> None:
    assert resource_names(["ML_team", "ml-team", "ml-team-2", "ML-TEAM", "中文_空间"]) == [
        "ml-team-3",
        "ml-team",
        "ml-team-2",
        "ml-team-4",
        "中文-空间",
    ]


NAME_CHARS = st.sampled_from("abcAB_-09中文")


@given(st.lists(st.text(NAME_CHARS, min_size=4, max_size=10), unique=True, max_size=12))
def test_resource_names_are_unique_for_any_estate(names: list[str]) -> None:
    out = resource_names(names)
    assert len(out) == len(names) == len(set(out))
    assert all(r.startswith(n.lower().replace("_", "-")) for r, n in zip(out, names, strict=True))


@given(st.text(max_size=60))
def test_string_literals_round_trip(value: str) -> None:
    literal = _py_str(value)
    assert ast.literal_eval(literal) == value
    assert "\n" not in literal and "\r" not in literal and literal.isprintable()


# -- the commands against the emulator ---------------------------------------------------


@pytest.fixture
def cli_env(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for key in list(os.environ):
        if key.startswith("HW_"):
            monkeypatch.delenv(key)
    env = hw_env(emulator) | {"HW_MAX_RETRIES": "0"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def made(emulator: Emulator) -> dict[str, LiveWorkspace]:
    client = ModelArtsClient(settings_for(emulator))
    return {
        "team-a": client.create_workspace({"name": "team-a", "description": "first"}),
        "team-b": client.create_workspace(
            {"name": "team-b", "auth_type": "INTERNAL", "grants": [{"user_name": "alice"}]}
        ),
        "其他空间": client.create_workspace({"name": "其他空间", "enterprise_project_id": EPS}),
    }


def test_list_json_and_name_filter(cli_env: dict[str, str], made: dict[str, LiveWorkspace], capsys: Any) -> None:
    assert run(["workspaces", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["name"] for r in rows} == {"default", "team-a", "team-b", "其他空间"}
    assert run(["workspaces", "list", "--json", "--name", "team"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["id"]) for r in rows] == [("team-a", made["team-a"].id), ("team-b", made["team-b"].id)]


def test_list_takes_the_list_apis_filters(
    cli_env: dict[str, str], made: dict[str, LiveWorkspace], emulator: Emulator, capsys: Any
) -> None:
    """Each filter of the lookups reaches the API; a bad value fails before any request."""
    emulator.put_workspace_raw(made["team-b"].id, owner="another-user")

    def names(*extra: str) -> list[str]:
        assert run(["workspaces", "list", "--json", *extra]) == 0
        return [r["name"] for r in json.loads(capsys.readouterr().out)]

    assert names("--name", "team", "--order", "desc") == ["team-b", "team-a"]
    assert names("--enterprise-project-id", EPS) == ["其他空间"]
    assert names("--name", "team", "--accessible") == ["team-a"]
    assert names("--name", "team", "--sort-by", "update_time", "--order", "asc")[-1] == "team-b"
    emulator.reset_counts()
    with pytest.raises(SystemExit):
        run(["workspaces", "list", "--enterprise-project-id", "finance"])
    assert "--enterprise-project-id: must be '0' or an enterprise project id" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run(["workspaces", "list", "--sort-by", "id"])
    assert "--sort-by: invalid choice: 'id'" in capsys.readouterr().err
    assert emulator.counts()["total"] == 0


def test_list_table_is_aligned_with_cjk_names(
    cli_env: dict[str, str], made: dict[str, LiveWorkspace], capsys: Any
) -> None:
    assert run(["workspaces", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "NAME", "AUTH_TYPE", "STATUS", "ENTERPRISE_PROJECT_ID"]
    assert len(lines) == 5
    row = next(line for line in lines if "其他空间" in line)
    assert row.split() == [made["其他空间"].id, "其他空间", "PUBLIC", "NORMAL", EPS]
    # every column starts at the same terminal column on every line (a CJK character is two wide)
    starts = {_width(line[: line.index(line.split()[2])]) for line in lines}
    assert len(starts) == 1


def test_show_json_and_text(cli_env: dict[str, str], made: dict[str, LiveWorkspace], capsys: Any) -> None:
    ws = made["team-b"]
    assert run(["workspaces", "show", ws.id, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == ws.id and data["auth_type"] == "INTERNAL"
    assert [g["user_name"] for g in data["grants"]] == ["alice"]
    assert run(["workspaces", "show", ws.id]) == 0
    text = capsys.readouterr().out
    assert f"id:                 {ws.id}" in text
    assert "grants:             1" in text and "  - alice  user_id=" in text and "user_type=IAM" in text


def test_adopt_code_in_process(cli_env: dict[str, str], made: dict[str, LiveWorkspace], capsys: Any) -> None:
    assert run(["workspaces", "adopt-code", "--name", "team"]) == 0
    code = capsys.readouterr().out
    assert f'adopt_id="{made["team-a"].id}"' in code and f'adopt_id="{made["team-b"].id}"' in code
    assert "其他空间" not in code and 'adopt_id="0"' not in code
    ast.parse(code)


def test_region_option_reaches_another_region(
    emulator: Emulator,
    cli_env: dict[str, str],
    made: dict[str, LiveWorkspace],
    capsys: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the same emulator answers for a second region of the account (same project store)
    emulator.config.other_projects = {"ap-southeast-1": emulator.config.project_id}
    monkeypatch.setenv("HW_MODELARTS_ENDPOINTS", json.dumps({"ap-southeast-1": emulator.url}))
    emulator.reset_counts()
    assert run(["workspaces", "--region", "ap-southeast-1", "adopt-code", "--name", "team-a"]) == 0
    code = capsys.readouterr().out
    assert 'region="ap-southeast-1",' in code and f'adopt_id="{made["team-a"].id}"' in code
    assert emulator.route_counts()["GET /v3/projects"] == 1  # the other region's project, looked up


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and "Traceback" not in err
    return lines[0]


def test_wrong_credentials_fail_with_one_line(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("HW_SECRET_KEY", "not-the-secret")
    assert run(["workspaces", "list"]) == 1
    captured = capsys.readouterr()
    line = one_line_error(captured.err)
    assert captured.out == "" and "APIGW.0301" in line and "request id" in line and "not-the-secret" not in line


def test_unknown_workspace_fails_with_the_modelarts_code(cli_env: dict[str, str], capsys: Any) -> None:
    assert run(["workspaces", "show", "f" * 32]) == 1
    assert "ModelArts.7005" in one_line_error(capsys.readouterr().err)


def test_missing_settings_fail_in_a_real_process_without_traceback() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HW_")}
    env["PYTHONPATH"] = str(REPO)
    proc = subprocess.run(
        [sys.executable, "-m", "modelarts_provider", "workspaces", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1 and proc.stdout == ""
    assert "no credentials" in one_line_error(proc.stderr)


def test_unreachable_endpoint_fails_with_one_line(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Refused connections are repeated until the deadline (here 2 s), then one line."""
    monkeypatch.setenv("HW_MODELARTS_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("HW_PROJECT_ID", "0" * 32)
    monkeypatch.setenv("HW_MODELARTS_RETRY_DEADLINE", "2")
    start = time.monotonic()
    assert run(["workspaces", "list"]) == 1
    assert time.monotonic() - start < 2 + 1.5
    error = one_line_error(capsys.readouterr().err)
    assert "127.0.0.1:9" in error and "deadline 2s: modelarts:retryDeadline" in error
