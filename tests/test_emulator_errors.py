"""The emulator's error catalogue: each vendor error code defined once, answered as the vendor does."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

from modelarts_provider.emulator import Fault, errors, policy
from modelarts_provider.emulator.config import EmulatorConfig
from modelarts_provider.emulator.service import Emulator

EMULATOR = Path(errors.__file__).parent
CODE_LITERAL = re.compile(r"[\"'](?:ModelArts|APIGW|IAM|Emulator)\.\d{4}[\"']")


def coded_classes() -> list[type[errors.CodedError]]:
    """Every class that fixes a code (the bases that only add a body shape have none)."""
    found: list[type[errors.CodedError]] = []
    pending = list(errors.CodedError.__subclasses__())
    while pending:
        cls = pending.pop()
        if "CODE" in vars(cls):
            found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_every_code_has_one_class() -> None:
    codes = [cls.CODE for cls in coded_classes()]
    assert len(codes) >= 19
    assert len(codes) == len(set(codes)), sorted(codes)
    assert all(code.startswith(("ModelArts.", "APIGW.", "IAM.", "Emulator.")) for code in codes)


def test_no_module_but_errors_names_an_error_code() -> None:
    """The codes live in errors.py only; the faults' default code is InternalError's."""
    for module in EMULATOR.glob("*.py"):
        if module.name != "errors.py":
            assert not CODE_LITERAL.findall(module.read_text(encoding="utf-8")), module.name
    assert Fault("status").error_code == errors.InternalError.CODE


def test_an_error_class_answers_with_its_status_code_and_the_request_id() -> None:
    error = errors.WorkspaceNameExists()
    assert (error.status, error.error_code) == (400, "ModelArts.7002")
    assert error.body("req-1") == {
        "error_code": "ModelArts.7002",
        "error_msg": "workspace name already exists",
        "request_id": "req-1",
    }
    assert errors.AuthenticationFailed("token expired").error_msg == errors.AUTH_PREFIX + "token expired"


def test_iam_errors_put_iam_s_own_error_object_first() -> None:
    """IAM's body shape, byte for byte as sent; its permission denial has no title."""
    bad = json.dumps(errors.IamBadRequest("auth.scope must be an object").body("r"))
    assert bad == (
        '{"error": {"code": 400, "message": "auth.scope must be an object", "title": "Bad Request"}, '
        '"error_code": "IAM.0011", "error_msg": "auth.scope must be an object", "request_id": "r"}'
    )
    denied = errors.IamActionDenied("iam:projects:list").body("r")
    message = "Policy doesn't allow iam:projects:list to be performed."
    assert denied["error"] == {"code": 403, "message": message} and denied["error_code"] == "IAM.0003"
    assert errors.AgencyNotFound().body("r")["error"]["title"] == "Not Found"
    assert errors.ActionDenied("modelarts:workspace:get").body("r") == {
        "error_code": "ModelArts.0112",
        "error_msg": "Policy doesn't allow modelarts:workspace:get to be performed.",
        "request_id": "r",
    }


def answer(emu: Emulator, method: str, path: str, body: bytes = b"") -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"{emu.url}/v1/{emu.config.project_id}/workspaces{path}",
        data=body or None,
        method=method,
        headers={"X-Auth-Token": emu.issue_token(), "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as ok:
            return ok.status, json.loads(ok.read())
    except HTTPError as error:
        return error.code, {**json.loads(error.read()), "header_request_id": error.headers["X-Request-Id"]}


def test_the_server_answers_with_the_class_the_store_raises(emulator: Emulator) -> None:
    """Deleting the reserved workspace: the store raises DefaultWorkspaceProtected, the client sees 3566."""
    status, body = answer(emulator, "DELETE", "/0")
    assert (status, body["error_code"]) == (400, "ModelArts.3566")
    assert body["error_msg"] == "the default workspace cannot be deleted"
    assert body["request_id"] == body["header_request_id"]


def test_a_put_answers_for_its_target_before_its_body() -> None:
    """Unparseable JSON first, then the workspace (3566, 7005, 7004), then the body's rules;
    the same for a workspace's quotas (7005, 7004)."""
    with Emulator(EmulatorConfig(delete_duration=60)) as emulator:
        _put_order(emulator)


def _put_order(emulator: Emulator) -> None:
    missing = "/0123456789abcdef0123456789abcdef"
    bad_body = json.dumps({"name": "x"}).encode()
    bad_quotas = json.dumps({"quotas": []}).encode()
    assert answer(emulator, "PUT", missing, b"{")[1]["error_code"] == "ModelArts.0104"
    assert answer(emulator, "PUT", f"{missing}/quotas", b"{")[1]["error_code"] == "ModelArts.0104"
    assert answer(emulator, "PUT", f"{missing}/quotas", bad_quotas)[1]["error_code"] == "ModelArts.7005"
    assert answer(emulator, "PUT", "/0", bad_body)[1]["error_code"] == "ModelArts.3566"
    assert answer(emulator, "PUT", missing, bad_body)[1]["error_code"] == "ModelArts.7005"
    status, created = answer(emulator, "POST", "", json.dumps({"name": "put-order"}).encode())
    assert status == 200
    assert answer(emulator, "PUT", f"/{created['id']}", bad_body)[1]["error_code"] == "ModelArts.0104"
    assert answer(emulator, "PUT", f"/{created['id']}/quotas", bad_quotas)[1]["error_code"] == "ModelArts.0104"
    assert answer(emulator, "DELETE", f"/{created['id']}")[0] == 200
    assert answer(emulator, "PUT", f"/{created['id']}", bad_body)[1]["error_code"] == "ModelArts.7004"
    assert answer(emulator, "PUT", f"/{created['id']}/quotas", bad_quotas)[1]["error_code"] == "ModelArts.7004"


def test_each_call_needs_the_action_the_vendor_names(emulator: Emulator) -> None:
    """A caller allowed every action but a call's own gets that call's 403 naming it; allowed
    only that action, it gets past the policy (to the call's own answer)."""
    calls = [
        ("GET", "", policy.WORKSPACE_LIST),
        ("POST", "", policy.WORKSPACE_CREATE),
        ("GET", "/0", policy.WORKSPACE_GET),
        ("PUT", "/0", policy.WORKSPACE_UPDATE),
        ("DELETE", "/0", policy.WORKSPACE_DELETE),
        ("GET", "/0/quotas", policy.WORKSPACE_GET_QUOTAS),
        ("PUT", "/0/quotas", policy.WORKSPACE_UPDATE_QUOTAS),
    ]
    everything = {action for _method, _path, action in calls} | {policy.PROJECTS_LIST, policy.AGENCIES_ASSUME}
    user = emulator.config.user
    try:
        for method, path, action in calls:
            emulator.restrict(user, everything - {action})
            status, body = answer(emulator, method, path, b"{}")
            assert (status, body["error_code"]) == (403, "ModelArts.0112"), (method, path)
            assert body["error_msg"] == f"Policy doesn't allow {action} to be performed."
            emulator.restrict(user, {action})
            assert answer(emulator, method, path, b"{}")[0] != 403, (method, path)
    finally:
        emulator.restrict(user, None)
