"""Every invalid input, through the real CLI: each rule of spec.validate as one table row (value,
the property the error must name, the words of the rule), also given as a secret Output and as
an Output computed by `apply`. Each must fail `pulumi preview` with a message naming the field,
and the emulator must receive nothing. The engine stops at the first resource that fails its
check, so rows that touch different inputs share one resource (and one preview)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from modelarts_provider.emulator import Emulator, EmulatorConfig
from tests.e2e.pulumi_cli import Project, without_program_runtime
from tests.e2e.reliability import hw_env, live

PROGRAM = '''\
"""Bad-input program: the arguments of each Workspace come from program.json; `wrap` turns an
argument into a secret Output, an Output made by apply, or one known only after `base` exists."""
import json

import pulumi

from modelarts_provider import Workspace

spec = json.load(open("program.json"))
base = None
for item in spec["workspaces"]:
    args = {}
    for key, value in item["args"].items():
        wrap = item.get("wrap", {}).get(key)
        if wrap == "secret":
            value = pulumi.Output.secret(value)
        elif wrap == "apply":
            value = pulumi.Output.from_input(value).apply(lambda v: v)
        elif wrap == "after_base":
            value = base.workspace_id.apply(lambda _id, v=value: v)
        args[key] = value
    created = Workspace(item["resource"], **args)
    base = base or created
'''

OMIT = object()  # a row that leaves the input out
GRANT = "one grant"  # a row about one entry of grants: such rows share one INTERNAL workspace's list
INTERNAL = {"auth_type": "INTERNAL"}


@dataclass
class Row:
    """One invalid input: the arguments it sets, how they are wrapped, what the error must say."""

    rule: str
    args: dict[str, Any]
    prop: str
    words: str
    wrap: dict[str, str] = field(default_factory=dict)


def grants(*items: Any, wrap: str | None = None) -> dict[str, Any]:
    return {"args": {**INTERNAL, "grants": list(items)}, "wrap": {"grants": wrap} if wrap else {}}


ROWS = [
    Row("name missing", {"name": OMIT}, "name", "is required"),
    Row("name wrong type", {"name": 1234}, "name", "must be a string"),
    Row("name empty", {"name": ""}, "name", "4 to 64 characters long, got 0"),
    Row("name too short", {"name": "abc"}, "name", "4 to 64 characters long, got 3"),
    Row("name too long", {"name": "n" * 65}, "name", "4 to 64 characters long, got 65"),
    Row("name with a space", {"name": "has space"}, "name", "only letters, digits, hyphens"),
    Row("name with a dot", {"name": "dot.name"}, "name", "only letters, digits, hyphens"),
    Row("name reserved", {"name": "default"}, "name", "reserved"),
    Row("name as secret Output", {"name": "bad name!"}, "name", "only letters, digits", {"name": "secret"}),
    Row("name as apply Output", {"name": "n" * 70}, "name", "got 70", {"name": "apply"}),
    Row("description too long", {"description": "d" * 257}, "description", "at most 256 characters, got 257"),
    Row("description wrong type", {"description": 5}, "description", "must be a string"),
    Row("description apply Output", {"description": "d" * 300}, "description", "got 300", {"description": "apply"}),
    Row("auth_type unknown", {"auth_type": "SECRET"}, "auth_type", "one of PUBLIC, PRIVATE, INTERNAL"),
    Row("auth_type empty", {"auth_type": ""}, "auth_type", "one of PUBLIC, PRIVATE, INTERNAL"),
    Row("auth_type wrong type", {"auth_type": 5}, "auth_type", "one of PUBLIC, PRIVATE, INTERNAL"),
    # the rule, never the secret value (the engine shows it as [secret] too)
    Row("auth_type secret Output", {"auth_type": "PUBLIK"}, "auth_type", "got a secret value", {"auth_type": "secret"}),
    Row("grants a string", {"grants": "alice"}, "grants", "must be a list of grants, got a string"),
    Row("grants an object", {"grants": {"user_name": "a"}}, "grants", "must be a list of grants, got an object"),
    Row("grants without INTERNAL", {"grants": [{"user_name": "a"}]}, "grants", "only with auth_type INTERNAL"),
    Row("grant not an object", {GRANT: "alice"}, "grants[{i}]", "must be an object"),
    Row("grant without user", {GRANT: {"user_type": "IAM"}}, "grants[{i}]", "needs user_id or user_name"),
    Row("grant empty user_name", {GRANT: {"user_name": ""}}, "grants[{i}]", "needs user_id or user_name"),
    Row("grant user_name type", {GRANT: {"user_name": 5}}, "grants[{i}].user_name", "must be a string"),
    Row("user_type unknown", {GRANT: {"user_name": "u1", "user_type": "ROBOT"}}, "grants[{i}].user_type",
        "one of IAM, FEDERATE, AGENCY"),
    Row("user_type wrong type", {GRANT: {"user_name": "u2", "user_type": 5}}, "grants[{i}].user_type",
        "must be a string"),
    Row("grant unknown field", {GRANT: {"user_name": "u3", "role": "admin"}}, "grants[{i}].role",
        "not a grant field"),
    Row("grants duplicate user", **grants({"user_name": "a"}, {"user_name": "a"}), prop="grants",
        words="same user more than once"),
    Row("grants too many", **grants(*({"user_name": f"u{i}"} for i in range(501))), prop="grants",
        words="at most 500 entries, got 501"),
    Row("user_type in apply Output", **grants({"user_name": "a", "user_type": "nobody"}, wrap="apply"),
        prop="grants[0].user_type", words="got 'nobody'"),
    Row("enterprise project not a UUID", {"enterprise_project_id": "eps-1"}, "enterprise_project_id", "UUID"),
    Row("enterprise project wrong type", {"enterprise_project_id": 7}, "enterprise_project_id", "UUID"),
    Row("adopt_id not an id", {"adopt_id": "not-an-id"}, "adopt_id", "32 lower-case hex"),
    Row("adopt_id upper case", {"adopt_id": "A" * 32}, "adopt_id", "32 lower-case hex"),
    Row("adopt_by_name wrong type", {"adopt_by_name": "yes"}, "adopt_by_name", "true or false"),
    Row("adopt_id with adopt_by_name", {"adopt_id": "a" * 32, "adopt_by_name": True}, "adopt_by_name",
        "cannot be combined"),
    Row("delete_timeout negative", {"delete_timeout": -1}, "delete_timeout", "between 0 and 86400"),
    Row("delete_timeout too long", {"delete_timeout": 10**6}, "delete_timeout", "between 0 and 86400"),
    Row("create_timeout text", {"create_timeout": "soon"}, "create_timeout", "number of seconds, got a string"),
    Row("create_timeout boolean", {"create_timeout": True}, "create_timeout", "number of seconds, got a boolean"),
    Row("unknown input", {"colour": "blue"}, "colour", "is not a Workspace input"),
    Row("output field as input", {"status": "NORMAL"}, "status", "is not a Workspace input"),
]  # fmt: skip


def inputs(row: Row) -> set[str]:
    return {"auth_type", "grants"} if GRANT in row.args else set(row.args)


def pack(rows: list[Row]) -> list[list[Row]]:
    """Rows into resources: rows in one resource never set the same input (one-grant rows excepted:
    each gets its own entry of the list)."""
    groups: list[tuple[set[str], list[Row]]] = []
    for row in rows:
        for keys, members in groups:
            shares_grants = GRANT in row.args and all(GRANT in m.args for m in members if inputs(m) & inputs(row))
            if not keys & inputs(row) or shares_grants:
                keys.update(inputs(row))
                members.append(row)
                break
        else:
            groups.append((inputs(row), [row]))
    return [members for _keys, members in groups]


def resource(group: list[Row], index: int) -> dict[str, Any]:
    args: dict[str, Any] = {"name": f"bad-input-{index}"}
    wrap: dict[str, str] = {}
    for row in group:
        if GRANT in row.args:
            args.update(INTERNAL)
            args.setdefault("grants", []).append(row.args[GRANT])
        else:
            args.update(row.args)
        wrap.update(row.wrap)
    return {"resource": f"bad{index}", "args": {k: v for k, v in args.items() if v is not OMIT}, "wrap": wrap}


def expected_property(group: list[Row], row: Row) -> str:
    grant_rows = [r for r in group if GRANT in r.args]
    return row.prop.format(i=grant_rows.index(row)) if row in grant_rows else row.prop


GROUPS = pack(ROWS)


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(delete_duration=0.2)) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def project(emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Project:
    proj = Project.create(tmp_path_factory.mktemp("bad-input") / "project", hw_env(emu, "aksk"))
    (proj.root / "__main__.py").write_text(PROGRAM)
    return proj


def test_the_rows_need_few_previews() -> None:
    assert len(ROWS) >= 40 and len(GROUPS) <= 12


@pytest.mark.parametrize("group", GROUPS, ids=[f"{g[0].rule}+{len(g) - 1}" for g in GROUPS])
def test_each_invalid_input_fails_preview_naming_the_field(emu: Emulator, project: Project, group: list[Row]) -> None:
    project.program([resource(group, GROUPS.index(group))])
    emu.reset_counts()
    proc = project.run("preview", check=False)
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "Traceback" not in without_program_runtime(text)
    missing = [
        row.rule
        for row in group
        if not any(
            f"property {expected_property(group, row)} value" in line and row.words in line and "has a problem" in line
            for line in text.splitlines()
        )
    ]
    assert missing == [], text[-3000:]
    assert emu.counts()["total"] == 0  # the API received nothing


def test_an_output_known_only_during_up_fails_before_its_create(emu: Emulator, project: Project) -> None:
    """A value computed from another resource is unknown at preview; `up` checks it as soon as it
    is known, before that workspace's create: only the valid resource reaches the API."""
    project.program(
        [
            {"resource": "base", "args": {"name": "bad-input-base"}},
            {
                "resource": "late",
                "args": {"name": "bad-input-late", "description": "d" * 300},
                "wrap": {"description": "after_base"},
            },
        ]
    )
    project.run("preview")  # unknown values are no failure
    emu.reset_counts()
    proc = project.run("up", "--yes", "--skip-preview", check=False)
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "property description value" in text and "at most 256 characters" in text
    assert emu.counts()["POST"] == 1 and set(live(emu)) == {"bad-input-base"}
    project.run("destroy", "--yes", "--skip-preview")
    assert live(emu) == {}
