"""The AK/SK signature judged by the official Huawei Cloud SDK's signer (`huaweicloudsdkcore`).

Each case is one request as a user of either library would describe it: method, path segments,
query pairs (repeated keys, non-ASCII keys and values, reserved characters), JSON body, project
id and security token, at a fixed time. Our `AkSkSigner` signs it as `requests` sends it; the SDK's
`Signer` signs the same description the way its HTTP client hands it over (path parameters
percent-encoded, query as (key, value) tuples, the time given as `X-Sdk-Date`). The two
`Authorization` headers must be identical.

Our signer signs a fixed set of headers (content-type, host, x-project-id, x-sdk-date,
x-security-token) while the SDK signs every header it holds, so the SDK is handed exactly those.
"""

from __future__ import annotations

import calendar
import json
import time
from dataclasses import dataclass
from urllib.parse import quote

import pytest
import requests
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from modelarts_provider.api import signing
from modelarts_provider.api.auth import AkSkSigner

HOST = "modelarts.cn-north-4.myhuaweicloud.com"
SDK_DATE = "20240315T123456Z"
AK, SK = "HPUAEXAMPLEAK0000000", "sk-Example/Secret+Key=="
PROJECT = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"


@dataclass(frozen=True)
class Case:
    method: str
    segments: tuple[str, ...]
    query: tuple[tuple[str, str], ...] = ()
    body: object = None
    content_type: str | None = "application/json"
    project_id: str | None = PROJECT
    token: str | None = None


WS = ("v1", PROJECT, "workspaces")
CASES = {
    "list with filters": Case(
        "GET", WS, (("name", "my ws"), ("limit", "10"), ("offset", "0"), ("filter_accessible", "true"))
    ),
    "repeated keys": Case("GET", WS, (("tag", "b"), ("tag", "a"), ("tag", "B"), ("limit", "5"), ("tag", ""))),
    "non-ASCII keys and values": Case(
        "GET", WS, (("name", "工作区"), ("名字", "值"), ("é", "1"), ("z", "2"), ("Z", "ü"))
    ),
    "reserved characters": Case(
        "GET", WS, (("q", "a+b/c?d=e&f"), ("s", "x;y:z,@!$'()*"), ("~t", "-._~"), ("empty", ""))
    ),
    # raw order and percent-encoded order differ: ':' > '0' but '%3A' < '0', 'é' > 'z' but '%C3%A9' < 'z'
    "order before encoding": Case("GET", WS, (("k", "a:b"), ("k", "a0"), ("k", "é"), ("k", "z"), ("a b", "1"))),
    "create with unicode body": Case(
        "POST",
        WS,
        body={"name": "ml-team", "description": "训练 and “inference”", "auth_type": "INTERNAL", "grants": []},
        token="security-token-from-a-temporary-credential",
    ),
    "update with charset": Case(
        "PUT",
        (*WS, "0123456789abcdef0123456789abcdef"),
        body={"description": ""},
        content_type="application/json;charset=UTF-8",
    ),
    "delete without body or content type": Case(
        "DELETE", (*WS, "0123456789abcdef0123456789abcdef"), content_type=None, project_id=None
    ),
    "path segments that need encoding": Case("GET", ("v1", PROJECT, "work spaces", "名~x", "a/b", "100%")),
    "header value with trailing space": Case("GET", WS, project_id=f"{PROJECT} ", token="t"),
}


def path_of(case: Case) -> str:
    """Path parameters percent-encoded, as the SDK's client and `requests` both send them."""
    return "/" + "/".join(quote(segment, safe="") for segment in case.segments)


def body_of(case: Case) -> bytes | None:
    return None if case.body is None else json.dumps(case.body, ensure_ascii=False).encode("utf-8")


def ours(case: Case) -> requests.PreparedRequest:
    fixed = calendar.timegm(time.strptime(SDK_DATE, signing.DATE_FORMAT))
    headers = {"Content-Type": case.content_type} if case.content_type else {}
    prepared = requests.Request(
        case.method, f"https://{HOST}{path_of(case)}", params=list(case.query), headers=headers, data=body_of(case)
    ).prepare()
    signer = AkSkSigner(AK, SK, project_id=case.project_id, security_token=case.token, clock=lambda: fixed)
    return signer(prepared)


def sdk(case: Case) -> SdkRequest:
    headers = {"X-Sdk-Date": SDK_DATE}
    if case.content_type:
        headers["Content-Type"] = case.content_type
    if case.project_id:
        headers["X-Project-Id"] = case.project_id
    if case.token:
        headers["X-Security-Token"] = case.token
    request = SdkRequest(
        method=case.method,
        schema="https",
        host=HOST,
        resource_path=path_of(case),
        query_params=list(case.query),
        header_params=headers,
        body=body_of(case) or "",
    )
    result: SdkRequest = Signer(BasicCredentials(ak=AK, sk=SK)).sign(request)
    return result


@pytest.mark.parametrize("name", CASES)
def test_authorization_matches_the_official_sdk(name: str) -> None:
    case = CASES[name]
    mine = ours(case)
    theirs = sdk(case)
    assert mine.headers["X-Sdk-Date"] == theirs.header_params["X-Sdk-Date"] == SDK_DATE
    assert mine.headers["Authorization"] == theirs.header_params["Authorization"]


def test_the_cases_differ_from_each_other() -> None:
    """Guards the table: a case that signs like another one checks nothing new."""
    signatures = [ours(case).headers["Authorization"] for case in CASES.values()]
    assert len(set(signatures)) == len(signatures)
