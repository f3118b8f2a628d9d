"""Grants as sets of users: how a declared grant is identified, its declared form, and how
declared grants pair with the live ones (fields the server fills in are never drift)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...core.wire import has_unknown


def grant_key(grant: Mapping[str, Any]) -> tuple[str, str, str]:
    """How a declared grant is identified: user_id wins over user_name (as in the API)."""
    user_type = str(grant.get("user_type") or "IAM").upper()
    if grant.get("user_id"):
        return ("id", str(grant["user_id"]), user_type)
    return ("name", str(grant.get("user_name") or ""), user_type)


def normalize_grant(grant: Mapping[str, Any]) -> dict[str, Any]:
    """The declared form: the identifying field(s) given, and user_type spelled out."""
    if has_unknown(grant):
        return dict(grant)
    out: dict[str, Any] = {}
    if grant.get("user_id"):
        out["user_id"] = grant["user_id"]
    if grant.get("user_name"):
        out["user_name"] = grant["user_name"]
    out["user_type"] = str(grant.get("user_type") or "IAM").upper()
    return out


def _sort_key(grant: Any) -> tuple[str, str, str]:
    return grant_key(grant) if isinstance(grant, Mapping) and not has_unknown(grant) else ("~", "", "")


def sorted_grants(grants: list[Any]) -> list[Any]:
    return sorted(grants, key=_sort_key)


def grants_match(declared: Sequence[Mapping[str, Any]], actual: Sequence[Mapping[str, Any]]) -> bool:
    """Same users with the same types, in any order; fields the server filled in are not drift."""
    pairs, leftover = pair(declared, actual)
    return len(pairs) == len(declared) and not leftover


def _matches(want: Mapping[str, Any], have: Mapping[str, Any]) -> bool:
    kind, ident, user_type = grant_key(want)
    field = "user_id" if kind == "id" else "user_name"
    return have.get(field) == ident and str(have.get("user_type") or "IAM").upper() == user_type


def pair(
    declared: Sequence[Mapping[str, Any]], live: Sequence[Mapping[str, Any]]
) -> tuple[list[tuple[Mapping[str, Any], dict[str, Any]]], list[dict[str, Any]]]:
    """(declared, live) pairs in declared order, and the live grants nobody declared. A declared
    grant pairs with the first live one of the same user id (or name) and type, so a user declared
    by name pairs with the server's grant that carries the id too."""
    remaining = [dict(g) for g in live]
    pairs: list[tuple[Mapping[str, Any], dict[str, Any]]] = []
    for want in declared:
        for i, have in enumerate(remaining):
            if _matches(want, have):
                pairs.append((want, have))
                del remaining[i]
                break
    return pairs, sorted_grants(remaining)


def declared_view(declared: Sequence[Mapping[str, Any]], live: Sequence[Mapping[str, Any]]) -> list[Any]:
    """The live grants in the form they were declared in, in the checked inputs' order; grants
    added out of band follow in full. Appending them (instead of sorting them in) makes a grant
    added in the console show as one added entry, not as index-by-index renames."""
    pairs, leftover = pair(declared, live)
    return [normalize_grant(want) for want, _ in pairs] + [normalize_grant(g) for g in leftover]


def server_view(declared: Sequence[Mapping[str, Any]], live: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The live grants as the server holds them (ids and names filled in), index by index
    aligned with `declared_view`."""
    pairs, leftover = pair(declared, live)
    return [have for _, have in pairs] + leftover
