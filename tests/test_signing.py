"""The AK/SK signature step by step: a hand-written canonical request, string to sign and header
(the whole signature is judged against the official SDK in test_signing_sdk.py)."""

from __future__ import annotations

import calendar
import hashlib
import hmac
import time

import requests

from modelarts_provider.api import signing
from modelarts_provider.api.auth import AkSkSigner

VECTOR_HEADERS = {
    "Content-Type": "application/json",
    "User-Agent": "x",
    "X-Project-Id": "proj123",
    "X-Security-Token": "TOKEN",
    "X-Sdk-Date": "20240101T000000Z",
    "Host": "modelarts.cn-north-4.myhuaweicloud.com",
}


def test_vector_canonical_query_and_signed_headers() -> None:
    query = [("name", "my ws"), ("limit", "10"), ("filter_accessible", "true")]
    assert signing.canonical_query(query) == "filter_accessible=true&limit=10&name=my%20ws"
    assert ";".join(signing.signed_header_names(VECTOR_HEADERS)) == (
        "content-type;host;user-agent;x-project-id;x-sdk-date;x-security-token"
    )


def test_vector_signature_follows_the_documented_steps() -> None:
    names = signing.signed_header_names(VECTOR_HEADERS)
    canonical = signing.canonical_request(
        "get",
        "/v1/proj123/workspaces",
        [("name", "my ws"), ("limit", "10"), ("filter_accessible", "true")],
        VECTOR_HEADERS,
        names,
        b"",
    )
    expected_canonical = (
        "GET\n/v1/proj123/workspaces/\nfilter_accessible=true&limit=10&name=my%20ws\n"
        "content-type:application/json\nhost:modelarts.cn-north-4.myhuaweicloud.com\nuser-agent:x\n"
        "x-project-id:proj123\nx-sdk-date:20240101T000000Z\nx-security-token:TOKEN\n\n"
        "content-type;host;user-agent;x-project-id;x-sdk-date;x-security-token\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert canonical == expected_canonical
    to_sign = signing.string_to_sign(canonical, "20240101T000000Z")
    assert to_sign == "SDK-HMAC-SHA256\n20240101T000000Z\n" + hashlib.sha256(expected_canonical.encode()).hexdigest()
    expected = hmac.new(b"SKEXAMPLE", to_sign.encode(), hashlib.sha256).hexdigest()
    assert signing.signature("SKEXAMPLE", to_sign) == expected
    header = signing.authorization_header("AKEXAMPLE", names, expected)
    assert signing.parse_authorization(header) == {
        "Access": "AKEXAMPLE",
        "SignedHeaders": ";".join(names),
        "Signature": expected,
    }


def test_path_segments_are_percent_encoded_with_trailing_slash() -> None:
    assert signing.canonical_uri("/v1/p/work spaces") == "/v1/p/work%20spaces/"
    assert signing.canonical_uri("/v1/p/a~b/") == "/v1/p/a~b/"


def test_signer_signs_what_requests_sends() -> None:
    fixed = calendar.timegm(time.strptime("20240101T000000Z", signing.DATE_FORMAT))
    signer = AkSkSigner("AKEXAMPLE", "SKEXAMPLE", project_id="proj123", security_token="TOKEN", clock=lambda: fixed)
    prepared = requests.Request(
        "GET",
        "https://modelarts.cn-north-4.myhuaweicloud.com/v1/proj123/workspaces",
        params={"name": "my ws", "limit": 10, "filter_accessible": "true"},
        headers={"Content-Type": "application/json"},
    ).prepare()
    signer(prepared)
    auth = signing.parse_authorization(prepared.headers["Authorization"])
    assert auth is not None
    assert auth["SignedHeaders"] == "content-type;host;x-project-id;x-sdk-date;x-security-token"
    headers = {k: v for k, v in VECTOR_HEADERS.items() if k != "User-Agent"}
    names = signing.signed_header_names(headers)
    canonical = signing.canonical_request(
        "GET",
        "/v1/proj123/workspaces",
        [("name", "my ws"), ("limit", "10"), ("filter_accessible", "true")],
        headers,
        names,
        b"",
    )
    assert auth["Signature"] == signing.signature("SKEXAMPLE", signing.string_to_sign(canonical, "20240101T000000Z"))
    assert "SKEXAMPLE" not in repr(signer) and "SKEXAMPLE" not in str(prepared.headers)
