"""Huawei Cloud `SDK-HMAC-SHA256` request signing, shared by the client and the emulator.

Both sides derive the canonical request from the URL as it is sent, so a request signed here
verifies in the emulator exactly as it would at the API gateway.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote

ALGORITHM = "SDK-HMAC-SHA256"
DATE_HEADER = "X-Sdk-Date"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"


def _encode(value: str) -> str:
    return quote(value, safe="~")


def canonical_uri(path: str) -> str:
    """The decoded path re-encoded segment by segment, ending with `/`, as the official SDK does
    (so an encoded `/` inside a segment is signed as a separator)."""
    segments = [_encode(segment) for segment in unquote(path).split("/")]
    uri = "/".join(segments)
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """`key=value` pairs sorted as decoded text, then percent-encoded, as the official SDK does
    (sorting the encoded form orders `é` before `z` and `:` before `0`, which the SDK does not)."""
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in sorted(pairs))


def signed_header_names(headers: Mapping[str, str]) -> list[str]:
    """Every header whose name has no `_`, lower-cased and sorted."""
    return sorted(name.lower() for name in headers if "_" not in name)


def canonical_request(
    method: str,
    path: str,
    query_pairs: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: list[str],
    body: bytes,
) -> str:
    lowered = {name.lower(): value for name, value in headers.items()}
    header_block = "".join(f"{name}:{lowered.get(name, '').strip()}\n" for name in signed_headers)
    return "\n".join(
        [
            method.upper(),
            canonical_uri(path),
            canonical_query(query_pairs),
            header_block,
            ";".join(signed_headers),
            hashlib.sha256(body).hexdigest(),
        ]
    )


def string_to_sign(canonical: str, sdk_date: str) -> str:
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{sdk_date}\n{digest}"


def signature(secret_key: str, to_sign: str) -> str:
    return hmac.new(secret_key.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization_header(access_key: str, signed_headers: list[str], sig: str) -> str:
    return f"{ALGORITHM} Access={access_key}, SignedHeaders={';'.join(signed_headers)}, Signature={sig}"


def parse_authorization(value: str) -> dict[str, str] | None:
    """Split an `SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...` header."""
    if not value.startswith(ALGORITHM + " "):
        return None
    fields: dict[str, str] = {}
    for part in value[len(ALGORITHM) + 1 :].split(","):
        key, sep, val = part.strip().partition("=")
        if not sep:
            return None
        fields[key] = val
    if not {"Access", "SignedHeaders", "Signature"} <= fields.keys():
        return None
    return fields
