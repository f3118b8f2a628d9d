"""The emulator's error catalogue: each vendor error code defined once, answered as the vendor does."""

from __future__ import annotations

import json
import urllib.request
from urllib.error import HTTPError

from modelarts_provider.emulator import errors
from modelarts_provider.emulator.service import Emulator


def coded_classes() -> list[type[errors.CodedError]]:
    found: list[type[errors.CodedError]] = []
    pending = list(errors.CodedError.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_every_status_and_code_pair_has_one_class() -> None:
    pairs = [(cls.STATUS, cls.CODE) for cls in coded_classes()]
    assert len(pairs) >= 12
    assert len(pairs) == len(set(pairs)), sorted(pairs)
    assert all(code.startswith(("ModelArts.", "APIGW.")) for _status, code in pairs)


def test_an_error_class_answers_with_its_status_code_and_the_request_id() -> None:
    error = errors.WorkspaceNameExists()
    assert (error.status, error.error_code) == (400, "ModelArts.7002")
    assert error.body("req-1") == {
        "error_code": "ModelArts.7002",
        "error_msg": "workspace name already exists",
        "request_id": "req-1",
    }
    assert errors.AuthenticationFailed("token expired").error_msg == errors.AUTH_PREFIX + "token expired"


def test_the_server_answers_with_the_class_the_store_raises(emulator: Emulator) -> None:
    """Deleting the reserved workspace: the store raises DefaultWorkspaceProtected, the client sees 3566."""
    request = urllib.request.Request(
        f"{emulator.url}/v1/{emulator.config.project_id}/workspaces/0",
        method="DELETE",
        headers={"X-Auth-Token": emulator.issue_token()},
    )
    try:
        urllib.request.urlopen(request, timeout=10)
    except HTTPError as answer:
        body = json.loads(answer.read())
        assert (answer.code, body["error_code"]) == (400, "ModelArts.3566")
        assert body["error_msg"] == "the default workspace cannot be deleted"
        assert body["request_id"] == answer.headers["X-Request-Id"]
    else:
        raise AssertionError("deleting the default workspace must fail")
