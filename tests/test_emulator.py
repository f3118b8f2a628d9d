"""Tests of the ModelArts/IAM emulator over real HTTP, with plain `requests`."""

from __future__ import annotations

import contextlib
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from modelarts_provider.api import signing
from modelarts_provider.emulator import Emulator, EmulatorConfig, Fault
from modelarts_provider.emulator import __main__ as cli

REPO_ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 5


# -- helpers ----------------------------------------------------------------------------------------


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(delete_duration=0.2, lockout_seconds=0.3)) as emulator:
        yield emulator


def token_body(cfg: EmulatorConfig, **changes: Any) -> dict[str, Any]:
    user = {"name": changes.get("user", cfg.user), "password": changes.get("password", cfg.password)}
    user["domain"] = {"name": changes.get("domain", cfg.domain)}
    scope = changes.get("scope", {"project": {"name": cfg.region}})
    return {"auth": {"identity": {"methods": ["password"], "password": {"user": user}}, "scope": scope}}


def get_token(emu: Emulator) -> str:
    r = requests.post(f"{emu.url}/v3/auth/tokens", json=token_body(emu.config), timeout=TIMEOUT)
    assert r.status_code == 201, r.text
    return r.headers["X-Subject-Token"]


def sign(
    cfg: EmulatorConfig,
    method: str,
    url: str,
    body: bytes = b"",
    *,
    secret_key: str | None = None,
    access_key: str | None = None,
    sdk_date: str | None = None,
    project_id: str | None = None,
    security_token: str | None = None,
    signed: tuple[str, ...] = ("content-type", "host", "x-project-id", "x-sdk-date"),
) -> dict[str, str]:
    """Headers of an AK/SK-signed request, computed with the shared signing module."""
    parts = urlsplit(url)
    headers = {
        "Content-Type": "application/json",
        "Host": parts.netloc,
        "X-Sdk-Date": sdk_date or time.strftime(signing.DATE_FORMAT, time.gmtime()),
        "X-Project-Id": project_id or cfg.project_id,
    }
    names = list(signed)
    if security_token is not None:
        headers["X-Security-Token"] = security_token
        names.append("x-security-token")
    names.sort()
    canonical = signing.canonical_request(
        method, parts.path, parse_qsl(parts.query, keep_blank_values=True), headers, names, body
    )
    sig = signing.signature(secret_key or cfg.secret_key, signing.string_to_sign(canonical, headers["X-Sdk-Date"]))
    headers["Authorization"] = signing.authorization_header(access_key or cfg.access_key, names, sig)
    return headers


def aksk(emu: Emulator, method: str, path: str, body: bytes = b"", **kwargs: Any) -> requests.Response:
    url = emu.url + path
    return requests.request(method, url, data=body, headers=sign(emu.config, method, url, body, **kwargs), timeout=5)


class Client:
    """Token-authenticated calls to the workspace API of one emulator."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.session = requests.Session()
        self.session.headers["X-Auth-Token"] = get_token(emu)
        self.base = f"{emu.url}/v1/{emu.config.project_id}/workspaces"

    def create(self, body: Any) -> requests.Response:
        return self.session.post(self.base, json=body, timeout=TIMEOUT)

    def create_ok(self, name: str, **fields: Any) -> dict[str, Any]:
        r = self.create({"name": name, **fields})
        assert r.status_code == 200, r.text
        result: dict[str, Any] = r.json()
        return result

    def get(self, workspace_id: str) -> requests.Response:
        return self.session.get(f"{self.base}/{workspace_id}", timeout=TIMEOUT)

    def put(self, workspace_id: str, body: Any) -> requests.Response:
        return self.session.put(f"{self.base}/{workspace_id}", json=body, timeout=TIMEOUT)

    def delete(self, workspace_id: str) -> requests.Response:
        return self.session.delete(f"{self.base}/{workspace_id}", timeout=TIMEOUT)

    def list(self, **params: Any) -> requests.Response:
        return self.session.get(self.base, params=params, timeout=TIMEOUT)


@pytest.fixture
def client(emu: Emulator) -> Iterator[Client]:
    c = Client(emu)
    yield c
    c.session.close()


def assert_error(r: requests.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()
    assert body["error_code"] == code, body
    assert body["request_id"] == r.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", body["request_id"])
    return body


def wait_until(predicate: Any, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


# -- IAM --------------------------------------------------------------------------------------------


def test_token_success(emu: Emulator) -> None:
    r = requests.post(f"{emu.url}/v3/auth/tokens", json=token_body(emu.config), timeout=TIMEOUT)
    assert r.status_code == 201
    assert len(r.headers["X-Subject-Token"]) >= 100
    assert r.headers["Content-Type"] == "application/json"
    token = r.json()["token"]
    assert token["project"]["id"] == emu.config.project_id
    assert token["project"]["name"] == emu.config.region
    assert token["user"]["name"] == emu.config.user
    assert token["user"]["domain"]["name"] == emu.config.domain
    assert token["methods"] == ["password"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", token["expires_at"])


def test_token_scoped_by_project_id(emu: Emulator) -> None:
    body = token_body(emu.config, scope={"project": {"id": emu.config.project_id}})
    r = requests.post(f"{emu.url}/v3/auth/tokens", json=body, timeout=TIMEOUT)
    assert r.status_code == 201
    assert r.json()["token"]["project"]["id"] == emu.config.project_id


@pytest.mark.parametrize("field", ["user", "password", "domain"])
def test_token_wrong_credentials(emu: Emulator, field: str) -> None:
    body = token_body(emu.config, **{field: "wrong"})
    r = requests.post(f"{emu.url}/v3/auth/tokens", json=body, timeout=TIMEOUT)
    assert r.status_code == 401
    data = r.json()
    assert data["error"] == {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}
    assert data["error_code"] == "IAM.0004"
    assert "X-Subject-Token" not in r.headers


@pytest.mark.parametrize(
    "payload",
    [b"not json", b"[]", b'{"auth": {}}', b'{"auth": {"identity": {"methods": ["token"]}}}'],
)
def test_token_malformed_body(emu: Emulator, payload: bytes) -> None:
    r = requests.post(f"{emu.url}/v3/auth/tokens", data=payload, timeout=TIMEOUT)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == 400


@pytest.mark.parametrize("scope", [{"project": {"name": "eu-west-0"}}, {"project": {"id": "f" * 32}}])
def test_token_unknown_project(emu: Emulator, scope: dict[str, Any]) -> None:
    r = requests.post(f"{emu.url}/v3/auth/tokens", json=token_body(emu.config, scope=scope), timeout=TIMEOUT)
    assert r.status_code == 400
    assert "not found" in r.json()["error_msg"]


def test_token_expires_after_lifetime(emu: Emulator) -> None:
    emu.config.token_lifetime = 0.3
    token = get_token(emu)
    url = f"{emu.url}/v1/{emu.config.project_id}/workspaces"
    assert requests.get(url, headers={"X-Auth-Token": token}, timeout=TIMEOUT).status_code == 200
    time.sleep(0.4)
    body = assert_error(requests.get(url, headers={"X-Auth-Token": token}, timeout=TIMEOUT), 401, "APIGW.0301")
    assert body["error_msg"] == "Incorrect IAM authentication information: token expired"
    assert token not in body["error_msg"]


def test_expire_tokens(emu: Emulator) -> None:
    old = get_token(emu)
    url = f"{emu.url}/v1/{emu.config.project_id}/workspaces"
    emu.expire_tokens()
    assert_error(requests.get(url, headers={"X-Auth-Token": old}, timeout=TIMEOUT), 401, "APIGW.0301")
    new = get_token(emu)
    assert requests.get(url, headers={"X-Auth-Token": new}, timeout=TIMEOUT).status_code == 200


def test_unknown_token_and_missing_credentials(emu: Emulator) -> None:
    url = f"{emu.url}/v1/{emu.config.project_id}/workspaces"
    body = assert_error(requests.get(url, headers={"X-Auth-Token": "MIIbogus"}, timeout=TIMEOUT), 401, "APIGW.0301")
    assert "MIIbogus" not in body["error_msg"]
    assert_error(requests.get(url, timeout=TIMEOUT), 401, "APIGW.0301")


def test_projects_lookup(emu: Emulator) -> None:
    url = f"{emu.url}/v3/projects"
    headers = {"X-Auth-Token": get_token(emu)}
    r = requests.get(url, params={"name": emu.config.region}, headers=headers, timeout=TIMEOUT)
    assert r.status_code == 200
    [project] = r.json()["projects"]
    assert project["id"] == emu.config.project_id and project["name"] == emu.config.region
    r = requests.get(url, params={"name": "eu-west-0"}, headers=headers, timeout=TIMEOUT)
    assert r.json() == {"projects": []}
    assert_error(requests.get(url, params={"name": emu.config.region}, timeout=TIMEOUT), 401, "APIGW.0301")
    r = aksk(emu, "GET", f"/v3/projects?name={emu.config.region}")
    assert r.status_code == 200 and r.json()["projects"][0]["id"] == emu.config.project_id


def test_other_project_id_is_forbidden(emu: Emulator) -> None:
    other = "f" * 32
    headers = {"X-Auth-Token": get_token(emu)}
    r = requests.get(f"{emu.url}/v1/{other}/workspaces", headers=headers, timeout=TIMEOUT)
    assert_error(r, 403, "ModelArts.0210")
    assert_error(aksk(emu, "GET", f"/v1/{other}/workspaces", project_id=other), 403, "ModelArts.0210")
    # The signed X-Project-Id must name the project of the path.
    path = f"/v1/{emu.config.project_id}/workspaces"
    assert_error(aksk(emu, "GET", path, project_id=other), 403, "ModelArts.0210")


# -- AK/SK --------------------------------------------------------------------------------------------


def test_aksk_success(emu: Emulator) -> None:
    path = f"/v1/{emu.config.project_id}/workspaces"
    assert aksk(emu, "GET", path + "?limit=10&name=my%20ws&filter_accessible=true").status_code == 200
    r = aksk(emu, "POST", path, b'{"name": "signed-ws"}')
    assert r.status_code == 200, r.text
    assert r.json()["owner"] == emu.config.user
    assert aksk(emu, "GET", path, security_token=emu.config.security_token).status_code == 200


def _tampered(emu: Emulator, case: str) -> requests.Response:
    cfg = emu.config
    base = f"{emu.url}/v1/{cfg.project_id}/workspaces"
    body = b'{"name": "original"}'
    if case == "body":
        return requests.post(base, data=b'{"name": "tampered"}', headers=sign(cfg, "POST", base, body), timeout=5)
    if case == "path":
        return requests.get(base + "/0", headers=sign(cfg, "GET", base, b""), timeout=TIMEOUT)
    if case == "query":
        return requests.get(base + "?limit=2", headers=sign(cfg, "GET", base + "?limit=1"), timeout=TIMEOUT)
    if case == "method":
        return requests.delete(base + "/0", headers=sign(cfg, "GET", base + "/0"), timeout=TIMEOUT)
    if case == "wrong_sk":
        return requests.get(base, headers=sign(cfg, "GET", base, secret_key="not-the-key"), timeout=TIMEOUT)
    if case == "host_unsigned":
        headers = sign(cfg, "GET", base, signed=("content-type", "x-project-id", "x-sdk-date"))
        return requests.get(base, headers=headers, timeout=TIMEOUT)
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["body", "path", "query", "method", "wrong_sk", "host_unsigned"])
def test_aksk_rejects_bad_signatures(emu: Emulator, case: str) -> None:
    body = assert_error(_tampered(emu, case), 401, "APIGW.0301")
    assert body["error_msg"].startswith("Incorrect IAM authentication information: verify aksk signature fail")
    assert emu.workspaces()[-1]["name"] == "default"


def test_aksk_stale_date(emu: Emulator) -> None:
    stale = time.strftime(signing.DATE_FORMAT, time.gmtime(time.time() - 3600))
    body = assert_error(aksk(emu, "GET", f"/v1/{emu.config.project_id}/workspaces", sdk_date=stale), 401, "APIGW.0301")
    assert body["error_msg"].endswith("request expired")


def test_aksk_wrong_security_token_and_unknown_key(emu: Emulator) -> None:
    path = f"/v1/{emu.config.project_id}/workspaces"
    assert_error(aksk(emu, "GET", path, security_token="stolen"), 401, "APIGW.0301")
    assert_error(aksk(emu, "GET", path, access_key="UNKNOWNAK"), 401, "APIGW.0301")
    r = requests.get(emu.url + path, headers={"Authorization": "Bearer x"}, timeout=TIMEOUT)
    assert_error(r, 401, "APIGW.0301")


def test_aksk_lockout_after_consecutive_failures(emu: Emulator) -> None:
    path = f"/v1/{emu.config.project_id}/workspaces"
    for _ in range(4):
        assert_error(aksk(emu, "GET", path, secret_key="bad"), 401, "APIGW.0301")
    assert aksk(emu, "GET", path).status_code == 200  # a success resets the counter
    for _ in range(5):
        assert_error(aksk(emu, "GET", path, secret_key="bad"), 401, "APIGW.0301")
    body = assert_error(aksk(emu, "GET", path), 401, "APIGW.0301")
    assert body["error_msg"].endswith("access key locked")
    time.sleep(0.35)  # lockout_seconds of the fixture
    assert aksk(emu, "GET", path).status_code == 200


# -- create ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "ModelArts.0104"),
        ({"name": "abc"}, "ModelArts.0104"),
        ({"name": "a" * 65}, "ModelArts.0104"),
        ({"name": "has space"}, "ModelArts.0104"),
        ({"name": "dots.not.ok"}, "ModelArts.0104"),
        ({"name": "default"}, "ModelArts.0104"),
        ({"name": 1234}, "ModelArts.0104"),
        ({"name": "okname", "description": "d" * 257}, "ModelArts.0104"),
        ({"name": "okname", "description": 5}, "ModelArts.0104"),
        ({"name": "okname", "auth_type": "SECRET"}, "ModelArts.0104"),
        ({"name": "okname", "auth_type": 1}, "ModelArts.0104"),
        ({"name": "okname", "grants": {"user_name": "x"}}, "ModelArts.0104"),
        ({"name": "okname", "grants": ["x"]}, "ModelArts.0104"),
        ({"name": "okname", "grants": [{}]}, "ModelArts.0104"),
        ({"name": "okname", "grants": [{"user_id": "", "user_name": ""}]}, "ModelArts.0104"),
        ({"name": "okname", "grants": [{"user_name": 7}]}, "ModelArts.0104"),
        ({"name": "okname", "grants": [{"user_name": "x", "user_type": "ROBOT"}]}, "ModelArts.0104"),
        ({"name": "okname", "grants": [{"user_name": f"u{i}"} for i in range(501)]}, "ModelArts.0104"),
        ({"name": "okname", "enterprise_project_id": "eps-1"}, "ModelArts.0104"),
        ({"name": "okname", "enterprise_project_id": "1234567890123456789012345678901234567"}, "ModelArts.0104"),
        ({"name": "okname", "enterprise_project_id": 0}, "ModelArts.0104"),
        (["okname"], "ModelArts.0104"),
        ("okname", "ModelArts.0104"),
        (None, "ModelArts.0104"),
    ],
)
def test_create_validation(client: Client, body: Any, code: str) -> None:
    body_out = assert_error(client.create(body), 400, code)
    assert body_out["error_msg"]
    assert len(client.emu.workspaces()) == 1


def test_create_rejects_invalid_json(client: Client) -> None:
    r = client.session.post(client.base, data=b"{not json", timeout=TIMEOUT)
    assert_error(r, 400, "ModelArts.0104")


def test_create_error_messages_name_the_field(client: Client) -> None:
    assert "name" in client.create({"name": "abc"}).json()["error_msg"]
    assert "description" in client.create({"name": "okname", "description": "d" * 257}).json()["error_msg"]
    assert "grants[0]" in client.create({"name": "okname", "grants": [{}]}).json()["error_msg"]


def test_create_success_shape(client: Client) -> None:
    """The answer has every field of the create page's response table, `grants` included
    (assumption create-answer-grants: the table and the SDK list it, the example does not)."""
    ws = client.create_ok("my_ws-1", description="desc", auth_type="Private", extra_field="ignored")
    assert re.fullmatch(r"[0-9a-f]{32}", ws["id"])
    assert ws.pop("grants") == []
    assert ws["name"] == "my_ws-1" and ws["description"] == "desc"
    assert ws["auth_type"] == "private"
    assert ws["status"] == "NORMAL" and ws["status_info"] == ""
    assert ws["enterprise_project_id"] == "0" and ws["enterprise_project_name"] == "default"
    assert ws["owner"] == client.emu.config.user
    assert isinstance(ws["create_time"], int) and ws["create_time"] == ws["update_time"]
    assert abs(ws["create_time"] - time.time() * 1000) < 60_000
    got = client.get(ws["id"]).json()
    assert got == {**ws, "grants": []}


def test_create_accepts_chinese_names_and_eps_uuid(client: Client) -> None:
    eps = "0aab0091-887f-4839-9929-cbc884f1e000"
    ws = client.create_ok("工作空间-ab", enterprise_project_id=eps)
    assert ws["name"] == "工作空间-ab"
    assert ws["enterprise_project_id"] == eps and ws["enterprise_project_name"] == "eps-0aab0091"


def test_create_answer_without_grants(emu: Emulator, client: Client) -> None:
    """`create_answer_grants=False` answers like the create page's example: no `grants` key."""
    emu.config.create_answer_grants = False
    ws = client.create_ok("no-grants-answer", auth_type="INTERNAL", grants=[{"user_name": "alice"}])
    assert "grants" not in ws
    assert client.get(ws["id"]).json()["grants"][0]["user_name"] == "alice"
    emu.config.create_answer_grants = True
    ws = client.create_ok("grants-answer", auth_type="INTERNAL", grants=[{"user_name": "alice"}])
    assert [g["user_name"] for g in ws["grants"]] == ["alice"] and ws["grants"][0]["user_id"]


def test_create_duplicate_name(client: Client) -> None:
    client.create_ok("dup-name")
    assert_error(client.create({"name": "dup-name"}), 400, "ModelArts.7002")


def test_taken_name_code_is_an_option(emu: Emulator, client: Client) -> None:
    """No vendor source names the taken-name code (assumption taken-name-code): tests choose it."""
    emu.config.taken_name_code = "ModelArts.0104"
    ws = client.create_ok("dup-other")
    assert_error(client.create({"name": "dup-other"}), 400, "ModelArts.0104")
    other = client.create_ok("dup-other-2")
    assert_error(client.put(other["id"], {"name": ws["name"]}), 400, "ModelArts.0104")


def test_create_quota(emu: Emulator, client: Client) -> None:
    emu.config.max_workspaces = 2
    client.create_ok("first")
    client.create_ok("second")
    assert_error(client.create({"name": "third"}), 400, "ModelArts.7006")


def test_grants_fill_in_both_ways(client: Client) -> None:
    uid = "aa7efa8801024da08a7fa92dc0123456"
    ws = client.create_ok(
        "granted",
        auth_type="INTERNAL",
        grants=[
            {"user_name": "alice"},
            {"user_id": uid, "user_name": ""},
            {"user_name": "fed", "user_type": "FEDERATE"},
        ],
    )
    grants = client.get(ws["id"]).json()["grants"]
    alice_id = grants[0]["user_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", alice_id)
    assert grants[0] == {"user_id": alice_id, "user_name": "alice", "user_type": "IAM"}
    assert grants[1] == {"user_id": uid, "user_name": "iam-user-aa7efa88", "user_type": "IAM"}
    assert grants[2]["user_type"] == "FEDERATE"
    # Remembered both ways: alice's id gives her name back; user_id wins over a wrong name.
    other = client.create_ok("granted2", auth_type="internal", grants=[{"user_id": alice_id, "user_name": "bob"}])
    assert client.get(other["id"]).json()["grants"] == [grants[0]]


def test_grants_ignored_unless_internal(client: Client) -> None:
    body: dict[str, Any] = {"name": "test_workspace", "enterprise_project_id": "0", "auth_type": "PUBLIC"}
    body["grants"] = [{"user_id": "aa7efa8801024da08a7fa92dc0123456", "user_name": ""}]
    r = client.create(body)
    assert r.status_code == 200
    assert r.json()["auth_type"] == "public"
    assert client.get(r.json()["id"]).json()["grants"] == []


def test_concurrent_creates(client: Client) -> None:
    token = client.session.headers["X-Auth-Token"]

    def create(name: str) -> int:
        r = requests.post(client.base, json={"name": name}, headers={"X-Auth-Token": token}, timeout=10)
        return r.status_code

    with ThreadPoolExecutor(32) as pool:
        distinct = list(pool.map(create, [f"parallel-{i}" for i in range(32)]))
        same = list(pool.map(create, ["contested"] * 32))
    assert distinct == [200] * 32
    assert sorted(same) == [200] + [400] * 31
    assert len(client.emu.workspaces()) == 34


# -- get / modify -----------------------------------------------------------------------------------


def test_get_default_and_unknown(client: Client) -> None:
    default = client.get("0").json()
    assert default["name"] == "default" and default["auth_type"] == "public" and default["grants"] == []
    assert default["status"] == "NORMAL" and default["owner"] == client.emu.config.user
    assert_error(client.get("f" * 32), 400, "ModelArts.7005")


def test_put_rules(client: Client) -> None:
    assert_error(client.put("0", {"description": "x"}), 400, "ModelArts.3566")
    assert_error(client.put("f" * 32, {"description": "x"}), 400, "ModelArts.7005")
    ws = client.create_ok("to-modify", description="before")
    client.create_ok("taken-name")
    assert_error(client.put(ws["id"], {"name": "taken-name"}), 400, "ModelArts.7002")
    assert_error(client.put(ws["id"], {"enterprise_project_id": "0"}), 400, "ModelArts.0104")
    assert_error(client.put(ws["id"], {"name": "x"}), 400, "ModelArts.0104")
    assert_error(client.put(ws["id"], {"auth_type": "nope"}), 400, "ModelArts.0104")
    assert_error(client.put(ws["id"], {"grants": [{"user_type": "IAM"}]}), 400, "ModelArts.0104")
    assert_error(client.put(ws["id"], ["x"]), 400, "ModelArts.0104")
    assert client.get(ws["id"]).json()["description"] == "before"


def test_put_updates_and_clears_grants(client: Client) -> None:
    ws = client.create_ok("to-modify", description="before", auth_type="INTERNAL", grants=[{"user_name": "alice"}])
    time.sleep(0.01)
    r = client.put(ws["id"], {"auth_type": "INTERNAL", "grants": [{"user_name": "bob"}]})
    assert r.status_code == 200 and r.json() == {"workspace_id": ws["id"]}
    got = client.get(ws["id"]).json()
    assert [g["user_name"] for g in got["grants"]] == ["bob"]
    assert got["name"] == "to-modify" and got["description"] == "before" and got["auth_type"] == "internal"
    assert got["update_time"] > ws["update_time"]
    # Absent grants clear them; absent auth_type keeps it.
    assert client.put(ws["id"], {"description": "after", "name": "renamed"}).status_code == 200
    got = client.get(ws["id"]).json()
    assert got["grants"] == [] and got["auth_type"] == "internal"
    assert got["name"] == "renamed" and got["description"] == "after"
    # Grants only stay with INTERNAL.
    client.put(ws["id"], {"auth_type": "PUBLIC", "grants": [{"user_name": "bob"}]})
    got = client.get(ws["id"]).json()
    assert got["grants"] == [] and got["auth_type"] == "public"
    assert client.put(ws["id"], {"name": "renamed"}).status_code == 200  # its own name is fine


# -- delete and lifecycle ---------------------------------------------------------------------------


def test_delete_lifecycle(emu: Emulator, client: Client) -> None:
    assert_error(client.delete("0"), 400, "ModelArts.3566")
    assert_error(client.delete("f" * 32), 400, "ModelArts.7005")
    ws = client.create_ok("short-lived")
    r = client.delete(ws["id"])
    assert r.status_code == 200 and r.json() == {"workspace_id": ws["id"]}
    assert client.get(ws["id"]).json()["status"] == "DELETING"
    assert_error(client.delete(ws["id"]), 400, "ModelArts.7004")
    assert_error(client.put(ws["id"], {"description": "x"}), 400, "ModelArts.7004")
    assert_error(client.create({"name": "short-lived"}), 400, "ModelArts.7002")
    wait_until(lambda: client.get(ws["id"]).status_code == 400)
    assert_error(client.get(ws["id"]), 400, "ModelArts.7005")
    client.create_ok("short-lived")


def test_delete_failed_fault(emu: Emulator, client: Client) -> None:
    ws = client.create_ok("fails-to-delete")
    emu.add_fault(Fault("delete_failed"))
    assert client.delete(ws["id"]).status_code == 200
    assert client.get(ws["id"]).json()["status"] == "DELETING"
    wait_until(lambda: client.get(ws["id"]).json()["status"] == "DELETE_FAILED")
    assert client.get(ws["id"]).json()["status_info"]
    assert client.delete(ws["id"]).status_code == 200  # accepted again
    wait_until(lambda: client.get(ws["id"]).status_code == 400)


def test_create_failed_fault(emu: Emulator, client: Client) -> None:
    emu.add_fault(Fault("create_failed", method="POST"))
    assert_error(client.create({"name": "bad"}), 400, "ModelArts.0104")  # invalid creates do not use it
    r = client.create({"name": "fails-to-create"})
    assert r.status_code == 200
    assert r.json()["status"] == "CREATE_FAILED" and r.json()["status_info"].startswith("emulated failure")
    assert client.get(r.json()["id"]).json()["status"] == "CREATE_FAILED"
    assert client.create_ok("works-again")["status"] == "NORMAL"
    assert client.delete(r.json()["id"]).status_code == 200


def test_delete_duration_is_live(emu: Emulator, client: Client) -> None:
    emu.config.delete_duration = 60
    ws = client.create_ok("slow-delete")
    client.delete(ws["id"])
    assert client.get(ws["id"]).json()["status"] == "DELETING"
    emu.config.delete_duration = 0
    assert_error(client.get(ws["id"]), 400, "ModelArts.7005")


# -- list -------------------------------------------------------------------------------------------


def test_list_paging_filters_and_sort(client: Client) -> None:
    eps = "0aab0091-887f-4839-9929-cbc884f1e000"
    for name in ("alpha", "Beta-ws", "gamma", "delta_ws"):
        client.create_ok(name, enterprise_project_id=eps if name == "gamma" else "0")
        time.sleep(0.002)
    everything = client.list().json()
    assert everything["total_count"] == everything["count"] == 5
    names = [ws["name"] for ws in everything["workspaces"]]
    assert names == sorted(names, reverse=True)  # default: name, desc
    assert all("grants" not in ws for ws in everything["workspaces"])
    page = client.list(offset=1, limit=2, order="asc").json()
    assert page["total_count"] == 5 and page["count"] == 2
    assert [ws["name"] for ws in page["workspaces"]] == sorted(names)[1:3]
    assert client.list(offset=10).json() == {"total_count": 5, "count": 0, "workspaces": []}
    by_name = client.list(name="WS").json()
    assert sorted(ws["name"] for ws in by_name["workspaces"]) == ["Beta-ws", "delta_ws"]
    by_eps = client.list(enterprise_project_id=eps).json()
    assert [ws["name"] for ws in by_eps["workspaces"]] == ["gamma"]
    by_time = client.list(sort_by="update_time", order="asc", filter_accessible="true").json()
    assert [ws["name"] for ws in by_time["workspaces"]] == ["default", "alpha", "Beta-ws", "gamma", "delta_ws"]
    assert client.list(sort_by="status").status_code == 200


def test_list_filter_accessible_keeps_what_the_caller_may_use(emu: Emulator, client: Client) -> None:
    mine = client.create_ok("mine-private", auth_type="PRIVATE")
    theirs = client.create_ok("their-private", auth_type="PRIVATE")
    granted = client.create_ok("their-internal", auth_type="INTERNAL", grants=[{"user_name": emu.config.user}])
    closed = client.create_ok("their-closed", auth_type="INTERNAL", grants=[{"user_name": "someone"}])
    for ws in (theirs, granted, closed):
        emu.put_workspace_raw(ws["id"], owner="another-user")
    names = {ws["name"] for ws in client.list(filter_accessible="true").json()["workspaces"]}
    assert names == {"default", mine["name"], granted["name"]}
    assert len(client.list(filter_accessible="false").json()["workspaces"]) == 5


@pytest.mark.parametrize(
    "params",
    [
        {"offset": "-1"},
        {"offset": "x"},
        {"limit": "0"},
        {"limit": "1001"},
        {"limit": ""},
        {"sort_by": "id"},
        {"order": "up"},
        {"filter_accessible": "maybe"},
    ],
)
def test_list_validation(client: Client, params: dict[str, str]) -> None:
    assert_error(client.list(**params), 400, "ModelArts.0104")


def test_list_shows_deleting_and_failed(emu: Emulator, client: Client) -> None:
    emu.config.delete_duration = 60
    ws = client.create_ok("going-away")
    client.delete(ws["id"])
    statuses = {w["name"]: w["status"] for w in client.list().json()["workspaces"]}
    assert statuses["going-away"] == "DELETING"


# -- MaaS -------------------------------------------------------------------------------------------


def test_maas_only_in_cn_hong_kong(emu: Emulator, client: Client) -> None:
    """The vendor: "only supported in CN-Hong Kong". Elsewhere the emulator answers like a gateway
    without the API (assumption maas-region), before looking at the credentials."""
    url = f"{emu.url}/v1/{emu.config.project_id}/maas/services/workspace/{emu.config.region}"
    assert emu.config.region != "ap-southeast-1"
    assert_error(client.session.get(url, timeout=TIMEOUT), 404, "APIGW.0101")
    assert_error(requests.get(url, timeout=TIMEOUT), 404, "APIGW.0101")
    emu.config.maas_any_region = True
    assert client.session.get(url, timeout=TIMEOUT).status_code == 200


def test_maas_in_cn_hong_kong() -> None:
    config = EmulatorConfig(region="ap-southeast-1")
    with Emulator(config) as hk:
        answer = aksk(hk, "GET", f"/v1/{config.project_id}/maas/services/workspace/ap-southeast-1")
    assert answer.status_code == 200, answer.text
    assert answer.json()["count"] == 1 and answer.json()["workspaces"][0]["id"] == "0"


def test_maas_workspaces(emu: Emulator, client: Client) -> None:
    emu.config.maas_any_region = True
    emu.config.delete_duration = 60
    kept = client.create_ok("maas-kept")
    gone = client.create_ok("maas-deleting")
    client.delete(gone["id"])
    url = f"{emu.url}/v1/{emu.config.project_id}/maas/services/workspace/{emu.config.region}"
    body = client.session.get(url, timeout=TIMEOUT).json()
    assert body["total_count"] == body["count"] == 2
    by_id = {ws["id"]: ws for ws in body["workspaces"]}
    assert set(by_id) == {"0", kept["id"]}
    assert by_id[kept["id"]]["create_time"] == str(kept["create_time"])
    assert set(by_id["0"]) == {"id", "name", "description", "owner", "create_time", "update_time", "auth_type"}
    other = f"{emu.url}/v1/{emu.config.project_id}/maas/services/workspace/eu-west-0"
    assert_error(client.session.get(other, timeout=TIMEOUT), 400, "ModelArts.0104")


# -- faults -----------------------------------------------------------------------------------------


def test_status_fault(emu: Emulator, client: Client) -> None:
    emu.add_fault(Fault("status", method="GET", path=r"/workspaces/0$", status=503, retry_after=2))
    assert client.list().status_code == 200  # path does not match
    r = client.get("0")
    body = assert_error(r, 503, "ModelArts.7001")
    assert r.headers["Retry-After"] == "2" and body["error_msg"]
    assert client.get("0").status_code == 200  # count=1 used up
    emu.add_fault(Fault("status", status=429, error_code="ModelArts.2799", count=None))
    for _ in range(3):
        assert_error(client.get("0"), 429, "ModelArts.2799")
    emu.clear_faults()
    assert client.get("0").status_code == 200


def test_status_fault_does_not_process(emu: Emulator, client: Client) -> None:
    emu.add_fault(Fault("status", method="POST", status=500))
    assert_error(client.create({"name": "never-made"}), 500, "ModelArts.7001")
    assert [ws["name"] for ws in emu.workspaces()] == ["default"]


def test_latency_fault_and_config_latency(emu: Emulator, client: Client) -> None:
    emu.add_fault(Fault("latency", seconds=0.3))
    start = time.monotonic()
    assert client.get("0").status_code == 200
    assert time.monotonic() - start >= 0.3
    start = time.monotonic()
    client.get("0")
    assert time.monotonic() - start < 0.25
    emu.config.latency = 0.2
    start = time.monotonic()
    client.get("0")
    assert time.monotonic() - start >= 0.2


def test_drop_fault(emu: Emulator, client: Client) -> None:
    emu.add_fault(Fault("drop", method="POST"))
    with pytest.raises(requests.ConnectionError):
        client.create({"name": "dropped"})
    assert [ws["name"] for ws in emu.workspaces()] == ["default"]
    assert client.create({"name": "dropped"}).status_code == 200


def test_lost_response_fault(emu: Emulator, client: Client) -> None:
    emu.add_fault(Fault("lost_response", method="POST", path=r"/workspaces$"))
    with pytest.raises(requests.ConnectionError):
        client.create({"name": "applied-anyway"})
    assert [ws["name"] for ws in emu.workspaces()] == ["default", "applied-anyway"]
    assert_error(client.create({"name": "applied-anyway"}), 400, "ModelArts.7002")


def test_fault_validation() -> None:
    with pytest.raises(ValueError):
        Fault("explode")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Fault("status", count=0)
    for probability in (-0.1, 1.5, "half", True):
        with pytest.raises(ValueError):
            Fault("loss", probability=probability)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Fault("loss", seed="x")  # type: ignore[arg-type]


def lost_pattern(emu: Emulator, client: Client, requests_made: int = 60) -> list[str]:
    """For each of a run of GETs: 'ok', or how it was lost (the server saw it either way)."""
    pattern = []
    for _ in range(requests_made):
        try:
            pattern.append("ok" if client.get("0").status_code == 200 else "error")
        except requests.ConnectionError:
            pattern.append("lost")
    return pattern


def test_random_loss_is_seeded_and_loses_before_and_after_acting(emu: Emulator, client: Client) -> None:
    emu.add_fault(Fault("loss", probability=0.3, seed=5, count=None))
    first = lost_pattern(emu, client)
    assert 8 <= first.count("lost") <= 30 and "error" not in first
    emu.clear_faults()
    emu.add_fault(Fault("loss", probability=0.3, seed=5, count=None))
    assert lost_pattern(emu, client) == first  # the same seed loses the same requests
    assert [f.to_dict()["kind"] for f in emu.faults()] == ["loss"]  # stays until cleared
    emu.clear_faults()
    emu.add_fault(Fault("loss", probability=1.0, seed=1, count=20, method="POST"))
    made = []
    for i in range(20):
        with contextlib.suppress(requests.ConnectionError):
            client.create({"name": f"loss-{i:02d}"})
        made.append(any(w["name"] == f"loss-{i:02d}" for w in emu.workspaces()))
    assert 3 <= made.count(True) <= 17  # lost after acting (made) and before (not made), both


def test_random_loss_from_the_admin_api_and_the_command_line(emu: Emulator) -> None:
    r = requests.post(f"{emu.url}/_emulator/faults", json={"kind": "loss", "probability": 0.15, "seed": 7,
                                                            "count": None}, timeout=TIMEOUT)  # fmt: skip
    assert r.status_code == 200 and r.json()["fault"]["probability"] == 0.15 and r.json()["fault"]["seed"] == 7
    bad = requests.post(f"{emu.url}/_emulator/faults", json={"kind": "loss", "probability": 2}, timeout=TIMEOUT)
    assert bad.status_code == 400 and "probability" in bad.json()["error_msg"]
    config = cli.parse_args(["--loss", "0.15", "--loss-seed", "3"])
    assert (config.loss, config.loss_seed) == (0.15, 3)
    with Emulator(config) as lossy:
        assert [(f.kind, f.probability, f.seed, f.count) for f in lossy.faults()] == [("loss", 0.15, 3, None)]
    with pytest.raises(SystemExit):
        cli.parse_args(["--loss", "1.5"])


# -- counters, admin, raw access --------------------------------------------------------------------


def test_counts(emu: Emulator, client: Client) -> None:
    emu.add_fault(Fault("status", method="DELETE"))
    ws = client.create_ok("counted")
    client.get(ws["id"])
    client.get(ws["id"])
    client.list()
    client.put(ws["id"], {"description": "x"})
    client.delete(ws["id"])  # rejected by the fault, still counted
    requests.get(client.base, timeout=TIMEOUT)  # rejected by authentication, still counted
    requests.get(f"{emu.url}/_emulator/counts", timeout=TIMEOUT)  # admin: not counted
    assert emu.counts() == {"IAM": 1, "POST": 1, "GET": 4, "PUT": 1, "DELETE": 1, "total": 8}
    routes = emu.route_counts()
    assert routes["POST /v3/auth/tokens"] == 1
    assert routes["GET /v1/{project_id}/workspaces/{id}"] == 2
    assert routes["GET /v1/{project_id}/workspaces"] == 2
    assert routes["DELETE /v1/{project_id}/workspaces/{id}"] == 1
    emu.reset_counts()
    assert emu.counts() == {"IAM": 0, "POST": 0, "GET": 0, "PUT": 0, "DELETE": 0, "total": 0}
    assert emu.route_counts() == {}


def test_admin_endpoints(emu: Emulator, client: Client) -> None:
    admin = f"{emu.url}/_emulator"
    client.get("0")
    counts = requests.get(f"{admin}/counts", timeout=TIMEOUT).json()
    assert counts["counts"]["GET"] == 1 and counts["routes"]["GET /v1/{project_id}/workspaces/{id}"] == 1
    assert requests.post(f"{admin}/counts/reset", timeout=TIMEOUT).status_code == 200
    assert emu.counts()["total"] == 0

    r = requests.post(f"{admin}/faults", json={"kind": "status", "status": 502, "method": "GET"}, timeout=5)
    assert r.status_code == 200
    assert_error(client.get("0"), 502, "ModelArts.7001")
    requests.post(f"{admin}/faults", json={"kind": "status", "count": None}, timeout=TIMEOUT)
    assert requests.delete(f"{admin}/faults", timeout=TIMEOUT).status_code == 200
    assert client.get("0").status_code == 200
    assert requests.post(f"{admin}/faults", json={"kind": "nope"}, timeout=TIMEOUT).status_code == 400

    r = requests.post(f"{admin}/config", json={"latency": 0.01, "delete_duration": 0.05}, timeout=TIMEOUT)
    assert r.status_code == 200 and emu.config.delete_duration == 0.05 and emu.config.latency == 0.01
    assert requests.post(f"{admin}/config", json={"port": 1}, timeout=TIMEOUT).status_code == 400
    assert requests.post(f"{admin}/config", json={"latency": -1}, timeout=TIMEOUT).status_code == 400

    assert requests.post(f"{admin}/tokens/expire", timeout=TIMEOUT).status_code == 200
    assert_error(client.get("0"), 401, "APIGW.0301")
    workspaces = requests.get(f"{admin}/workspaces", timeout=TIMEOUT).json()["workspaces"]
    assert [ws["id"] for ws in workspaces] == ["0"]
    assert requests.get(f"{admin}/nothing", timeout=TIMEOUT).status_code == 404


def test_deletion_timeline_and_connections(emu: Emulator, client: Client) -> None:
    """The benchmark's hooks: when a deleted workspace was gone and when a GET first saw that."""
    admin = f"{emu.url}/_emulator"
    requests.post(f"{admin}/counts/reset", timeout=TIMEOUT)
    ws = client.create_ok("timeline")
    assert client.delete(ws["id"]).status_code == 200
    assert client.get(ws["id"]).json()["status"] == "DELETING"
    time.sleep(0.3)  # delete_duration is 0.2
    assert client.get(ws["id"]).status_code == 400
    client.get(ws["id"])  # a later GET does not move the first-noticed time
    # Five workspace calls over the client's one keep-alive connection, plus this request's own.
    assert requests.get(f"{admin}/counts", timeout=TIMEOUT).json()["connections"] == 2
    (record,) = requests.get(f"{admin}/deletions", timeout=TIMEOUT).json()["deletions"]
    assert record["id"] == ws["id"] and record["name"] == "timeline"
    assert record["gone"] == pytest.approx(record["accepted"] + 0.2)
    assert 0.0 < record["notice_lag"] == pytest.approx(record["noticed"] - record["gone"])
    assert emu.deletions() == [record]
    assert requests.delete(f"{admin}/deletions", timeout=TIMEOUT).json() == {"deletions": []}
    assert emu.deletions() == []


def test_raw_access_for_drift(emu: Emulator, client: Client) -> None:
    ws = client.create_ok("drifting", auth_type="INTERNAL", grants=[{"user_name": "alice"}])
    emu.put_workspace_raw(ws["id"], description="changed outside", auth_type="public", grants=[])
    got = client.get(ws["id"]).json()
    assert got["description"] == "changed outside" and got["auth_type"] == "public" and got["grants"] == []
    snapshot = {w["id"]: w for w in emu.workspaces()}
    assert snapshot[ws["id"]]["description"] == "changed outside" and "grants" in snapshot[ws["id"]]
    with pytest.raises(TypeError):
        emu.put_workspace_raw(ws["id"], colour="red")
    assert emu.remove_workspace_raw(ws["id"]) is True
    assert_error(client.get(ws["id"]), 400, "ModelArts.7005")
    assert emu.remove_workspace_raw(ws["id"]) is False


# -- HTTP behaviour ---------------------------------------------------------------------------------


def test_unknown_route_and_method(emu: Emulator, client: Client) -> None:
    assert_error(requests.get(f"{emu.url}/v2/whatever", timeout=TIMEOUT), 404, "APIGW.0101")
    r = client.session.patch(client.base, json={}, timeout=TIMEOUT)
    assert r.status_code == 405 and r.json()["error_msg"]


def test_malformed_http_gets_a_json_error(emu: Emulator) -> None:
    host, port = urlsplit(emu.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as sock:
        sock.sendall(b"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n")
        reply = sock.makefile("rb").read()
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") and b"X-Request-Id" in head
    assert json.loads(body)["error_code"]


def test_keep_alive_reuses_one_connection(emu: Emulator) -> None:
    with requests.Session() as session:
        session.headers["X-Auth-Token"] = emu.issue_token()
        before = emu.connections()
        for _ in range(5):
            r = session.get(f"{emu.url}/v1/{emu.config.project_id}/workspaces/0", timeout=TIMEOUT)
            assert r.status_code == 200 and r.headers["Content-Length"]
        assert emu.connections() - before == 1


def test_stop_is_idempotent_and_closes(emu: Emulator) -> None:
    url = emu.url
    with requests.Session() as session:
        assert session.get(f"{url}/_emulator/health", timeout=TIMEOUT).status_code == 200
        emu.stop()
        emu.stop()
        with pytest.raises(requests.ConnectionError):
            session.get(f"{url}/_emulator/health", timeout=TIMEOUT)


def test_verbose_logging_hides_secrets(capfd: pytest.CaptureFixture[str]) -> None:
    with Emulator(EmulatorConfig(verbose=True)) as emu:
        token = get_token(emu)
        requests.get(f"{emu.url}/v1/{emu.config.project_id}/workspaces", headers={"X-Auth-Token": token}, timeout=5)
    err = capfd.readouterr().err
    assert "POST /v3/auth/tokens 201" in err
    assert f"GET /v1/{emu.config.project_id}/workspaces 200" in err
    assert token not in err and emu.config.password not in err


def test_cli_prints_url_and_stops_on_sigterm() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "modelarts_provider.emulator", "--port", "0", "--region", "ap-southeast-1"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", line), line
        r = requests.get(f"{line}/v3/projects?name=ap-southeast-1", timeout=TIMEOUT)
        assert_error(r, 401, "APIGW.0301")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert proc.stdout.read() == ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_cli_help_shows_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.parse_args(["--help"])
    out = capsys.readouterr().out
    assert "--delete-duration" in out and "cn-north-4" in out and "EMULATORAK000000000" in out
    config = cli.parse_args(["--port", "8080", "--latency", "0.5", "--verbose"])
    assert config.port == 8080 and config.latency == 0.5 and config.verbose and config.user == "emulator-user"


def test_many_threads_mixed_traffic(emu: Emulator) -> None:
    token = emu.issue_token()
    base = f"{emu.url}/v1/{emu.config.project_id}/workspaces"
    errors: list[str] = []

    def worker(index: int) -> None:
        with requests.Session() as session:
            session.headers["X-Auth-Token"] = token
            r = session.post(base, json={"name": f"worker-{index}"}, timeout=10)
            if r.status_code != 200:
                errors.append(r.text)
                return
            wid = r.json()["id"]
            for _ in range(3):
                if session.get(f"{base}/{wid}", timeout=10).status_code != 200:
                    errors.append("get failed")
            if session.delete(f"{base}/{wid}", timeout=10).status_code != 200:
                errors.append("delete failed")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert emu.counts()["POST"] == 32 and emu.counts()["GET"] == 96 and emu.counts()["DELETE"] == 32
