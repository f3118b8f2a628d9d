"""Preview's check judged by the rules of Huawei's ModelArts API reference, not by our emulator.

The rules, as the vendor's "Creating a Workspace" (POST /v1/{project_id}/workspaces) and
"Modifying a Workspace" (PUT .../workspaces/{workspace_id}) pages state them:

* name: mandatory on create; UTF-8; 4 to 64 characters; letters, digits, hyphens and
  underscores; `default` is reserved for the system's workspace. The modify page adds Chinese
  characters to the allowed set; the create page does not list them. The API validates one
  field with one rule, so we follow the page that is explicit and accept them on both.
* description: optional, 0 to 256 characters, blank by default.
* auth_type: PUBLIC (default), PRIVATE or INTERNAL; the create page's own example request
  sends lower-case `internal`.
* grants: an array of objects; each needs user_id or user_name (if both are set, user_id wins);
  grants take effect only with INTERNAL. The vendor's walkthrough sends `"user_name": ""` next
  to a user_id, so an empty string counts as not set.
* enterprise_project_id: optional, default "0"; the example request uses an id of the
  8-4-4-4-12 form. The pages give no other format.

Each case is an input a user could declare, what the pages say about it, and the field our
check must name when the pages reject it (None: the pages accept it, so must we). Where our
check is deliberately stricter than the pages, the case says so and why (DELIBERATE).

The same table judges the emulator, our stand-in for the API, which must accept what the pages
accept (DELIBERATE cases included) and reject, naming the field, what they reject.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import pytest

from modelarts_provider.dynamic.workspace_provider import WorkspaceProvider
from modelarts_provider.emulator import bodies
from modelarts_provider.emulator.config import EmulatorConfig
from modelarts_provider.emulator.errors import ErrorAnswer
from modelarts_provider.emulator.iam import UserDirectory
from modelarts_provider.emulator.store import WorkspaceStore

EPS = "5b2d6a1e-887f-4839-9929-cbc884f1e3c4"
UID = "aa7efa8801024da08a7fa92dc0123456"


@dataclass(frozen=True)
class Case:
    rule: str
    props: dict[str, Any]
    rejects: str | None  # the field the failure must name; None = accepted
    deliberate: bool = False  # the pages accept it; only our check rejects it, on purpose


def ws(**props: Any) -> dict[str, Any]:
    return {"name": "ml-team", **props}


CASES = [
    # name
    Case("name is mandatory", {"description": "x"}, "name"),
    Case("name: 4 characters is the minimum", ws(name="abcd"), None),
    Case("name: 3 characters is too short", ws(name="abc"), "name"),
    Case("name: 64 characters is the maximum", ws(name="a" * 64), None),
    Case("name: 65 characters is too long", ws(name="a" * 65), "name"),
    Case("name: letters, digits, '-' and '_'", ws(name="Team_01-ml"), None),
    Case("name: a space is not allowed", ws(name="ml team"), "name"),
    Case("name: '.' is not allowed", ws(name="ml.team"), "name"),
    Case("name: '/' is not allowed", ws(name="ml/team"), "name"),
    Case("name: an empty name is too short", ws(name=""), "name"),
    Case("name: 'default' is reserved", ws(name="default"), "name"),
    Case("name: 'default' inside a longer name is not reserved", ws(name="default-2"), None),
    Case("name: Chinese characters (modify page)", ws(name="机器学习团队"), None),
    Case("name: 4 Chinese characters are 4 characters, not 12 bytes", ws(name="训练推理"), None),
    Case("name: 64 Chinese characters are within 64", ws(name="训" * 64), None),
    Case("name: 65 Chinese characters are too long", ws(name="训" * 65), "name"),
    Case("name: Chinese and other allowed characters mixed", ws(name="团队-ml_01"), None),
    Case("name: CJK punctuation is not a Chinese character", ws(name="团队。ml"), "name"),
    Case("name: a String, not a number", ws(name=12345), "name"),
    # description
    Case("description: optional", ws(), None),
    Case("description: 0 characters", ws(description=""), None),
    Case("description: 256 characters", ws(description="d" * 256), None),
    Case("description: 257 characters are too long", ws(description="d" * 257), "description"),
    Case("description: 256 Chinese characters", ws(description="描" * 256), None),
    Case("description: a String, not a list", ws(description=["x"]), "description"),
    # auth_type
    Case("auth_type: optional (PUBLIC)", ws(), None),
    Case("auth_type: PUBLIC", ws(auth_type="PUBLIC"), None),
    Case("auth_type: PRIVATE", ws(auth_type="PRIVATE"), None),
    Case("auth_type: INTERNAL", ws(auth_type="INTERNAL"), None),
    Case("auth_type: the example request's lower-case 'internal'", ws(auth_type="internal"), None),
    Case("auth_type: only the three options", ws(auth_type="PROTECTED"), "auth_type"),
    Case("auth_type: a String, not a boolean", ws(auth_type=True), "auth_type"),
    # grants
    Case("grants: by user_name", ws(auth_type="INTERNAL", grants=[{"user_name": "test"}]), None),
    Case("grants: by user_id", ws(auth_type="INTERNAL", grants=[{"user_id": UID}]), None),
    Case(
        "grants: both set (user_id wins)", ws(auth_type="INTERNAL", grants=[{"user_id": UID, "user_name": "t"}]), None
    ),
    Case(
        "grants: user_id with an empty user_name (walkthrough)",
        ws(auth_type="INTERNAL", grants=[{"user_id": UID, "user_name": ""}]),
        None,
    ),
    Case("grants: optional, empty by default", ws(auth_type="INTERNAL", grants=[]), None),
    Case("grants: each needs user_id or user_name", ws(auth_type="INTERNAL", grants=[{}]), "grants[0]"),
    Case(
        "grants: empty strings are not set",
        ws(auth_type="INTERNAL", grants=[{"user_name": "a"}, {"user_id": "", "user_name": ""}]),
        "grants[1]",
    ),
    Case("grants: an array, not one object", ws(auth_type="INTERNAL", grants={"user_name": "a"}), "grants"),
    Case("grants: an array of objects, not names", ws(auth_type="INTERNAL", grants=["alice"]), "grants[0]"),
    Case("grants: user_name is a String", ws(auth_type="INTERNAL", grants=[{"user_name": 7}]), "grants[0].user_name"),
    # DELIBERATE: the pages accept grants with PUBLIC/PRIVATE and ignore them ("takes effect only when
    # auth_type is INTERNAL"; the walkthrough sends grants with PUBLIC). We reject them at preview: a grant
    # the API drops would show as a change on every later preview.
    Case("grants: ignored without INTERNAL (DELIBERATE)", ws(grants=[{"user_name": "a"}]), "grants", deliberate=True),
    Case(
        "grants: ignored with PRIVATE (DELIBERATE)",
        ws(auth_type="PRIVATE", grants=[{"user_name": "a"}]),
        "grants",
        deliberate=True,
    ),
    # enterprise_project_id
    Case("enterprise_project_id: optional ('0')", ws(), None),
    Case("enterprise_project_id: '0'", ws(enterprise_project_id="0"), None),
    Case("enterprise_project_id: an id like the example's", ws(enterprise_project_id=EPS), None),
    Case("enterprise_project_id: a String, not a number", ws(enterprise_project_id=0), "enterprise_project_id"),
    # the walkthrough's whole request body (with auth_type INTERNAL, see DELIBERATE above)
    Case(
        "walkthrough request body",
        {
            "name": "test_workspace",
            "description": "It is my workspace",
            "enterprise_project_id": "0",
            "auth_type": "INTERNAL",
            "grants": [{"user_id": UID, "user_name": ""}],
        },
        None,
    ),
    # the modify page's sample request
    Case(
        "modify sample request",
        {
            "name": "new_name",
            "description": "update description",
            "auth_type": "INTERNAL",
            "grants": [{"user_name": "test-user1"}],
        },
        None,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_check_follows_the_vendor_rules(case: Case) -> None:
    failures = WorkspaceProvider().check({}, case.props).failures or []
    named = [f.property for f in failures]
    if case.rejects is None:
        assert failures == [], f"the API reference accepts {case.props!r}: {[(f.property, f.reason) for f in failures]}"
    else:
        assert case.rejects in named, f"the API reference rejects {case.props!r} for {case.rejects}; check: {named}"
        assert all(f.reason for f in failures)


def emulator_store() -> WorkspaceStore:
    lock = threading.RLock()
    return WorkspaceStore(EmulatorConfig(), lock, UserDirectory(lock))


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_the_emulator_follows_the_vendor_rules(case: Case) -> None:
    try:
        emulator_store().create(bodies.new_workspace(case.props), "owner", lambda: False)
    except ErrorAnswer as exc:
        assert case.rejects and not case.deliberate, f"the API reference accepts {case.props!r}: {exc.error_msg}"
        assert (exc.status, exc.error_code) == (400, "ModelArts.0104")
        field = case.rejects.split(".")[-1].split("[")[0]
        assert field in exc.error_msg, f"{exc.error_msg!r} does not name {field}"
    else:
        assert case.rejects is None or case.deliberate, f"the API reference rejects {case.props!r} for {case.rejects}"


def test_the_table_covers_every_rule_both_ways() -> None:
    """Each field the pages constrain has an accepted and a rejected case."""
    fields = ("name", "description", "auth_type", "grants", "enterprise_project_id")
    for field in fields:
        assert any(c.rejects and c.rejects.split("[")[0] == field for c in CASES), field
        assert any(c.rejects is None and field in c.props for c in CASES), field
