"""The declared workspace: every rule of ModelArts' create and modify API that needs no server,
checked before any API call (tests/test_vendor_rules.py holds the API reference's rules as a
table of cases), and the one normalisation that check, diff and read share so that only real
changes are changes."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime.rpc import unwrap_rpc_secret

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_\-\u4e00-\u9fa5]+$")
WORKSPACE_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
EPS_ID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
AUTH_TYPES = ("PUBLIC", "PRIVATE", "INTERNAL")
USER_TYPES = ("IAM", "FEDERATE", "AGENCY")
MAX_GRANTS = 500
DEFAULT_CREATE_TIMEOUT = 600.0
DEFAULT_DELETE_TIMEOUT = 600.0
MAX_TIMEOUT = 24 * 3600.0

API_FIELDS = ("name", "description", "auth_type", "grants", "enterprise_project_id")
CONTROL_FIELDS = ("adopt_id", "adopt_by_name", "create_timeout", "delete_timeout")
# Where the workspace lives: `region` is declared (optional, default from config at create);
# both it and `project_id` are recorded in the state, and read/update/delete use them.
LOCATION_FIELDS = ("region", "project_id")
INPUT_FIELDS = (*API_FIELDS, "region", *CONTROL_FIELDS)
REGION_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
OUTPUT_FIELDS = (
    "project_id",
    "workspace_id",
    "owner",
    "status",
    "status_info",
    "create_time",
    "update_time",
    "enterprise_project_name",
    "server_grants",
)
# Outputs computed from an input of another name: secret whenever that input holds a secret.
DERIVED_OUTPUTS = {"grants": ("server_grants",), "enterprise_project_id": ("enterprise_project_name",)}
# Hidden input (Pulumi does not display `__` properties): the inputs that hold a secret.
SECRET_INPUTS = "__secret_inputs"
# Hidden marker: `region` was declared. The `region` output is always where the workspace lives;
# a refresh puts it back into the inputs only when it was declared (else a preview would show
# an undeclared region as removed).
DECLARED_REGION = "__declared_region"
GRANT_FIELDS = ("user_id", "user_name", "user_type")


@dataclass(frozen=True)
class Failure:
    property: str
    reason: str


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def unwrap(value: Any) -> Any:
    """Plain values from secret-wrapped ones, recursively (inputs may come from secret Outputs)."""
    value = unwrap_rpc_secret(value)
    if isinstance(value, Mapping):
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [unwrap(v) for v in value]
    return value


def secret_inputs(props: Mapping[str, Any]) -> frozenset[str]:
    """The inputs the program marked secret (see `resource._secret_inputs`)."""
    keys = props.get(SECRET_INPUTS)
    if isinstance(keys, (list, tuple)):
        return frozenset(k for k in keys if isinstance(k, str))
    return frozenset()


def secret_values(props: Mapping[str, Any]) -> set[str]:
    """Every string inside the secret inputs, to keep out of messages (very short ones, like a
    user type, would only garble the message and reveal nothing)."""
    found: set[str] = set()

    def collect(value: Any) -> None:
        if isinstance(value, str) and len(value) >= 4:
            found.add(value)
        elif isinstance(value, Mapping):
            for item in value.values():
                collect(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                collect(item)

    for key in secret_inputs(props):
        collect(props.get(key))
        for derived in DERIVED_OUTPUTS.get(key, ()):
            collect(props.get(derived))
    return found


def redact(text: str, secrets: set[str]) -> str:
    for value in sorted(secrets, key=len, reverse=True):
        text = text.replace(value, "[secret]")
    return text


def _type_name(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _check_name(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, got {_type_name(value)}"
    if not 4 <= len(value) <= 64:
        return f"must be 4 to 64 characters long, got {len(value)}"
    if not NAME_PATTERN.match(value):
        return "may contain only letters, digits, hyphens (-) and underscores (_)"
    if value == "default":
        return "'default' is reserved for the system's default workspace"
    return None


def _check_grant(index: int, grant: Any) -> list[Failure]:
    where = f"grants[{index}]"
    if is_unknown(grant):
        return []
    if not isinstance(grant, Mapping):
        return [Failure(where, f"must be an object with user_id or user_name, got {_type_name(grant)}")]
    failures = [
        Failure(f"{where}.{key}", f"is not a grant field (allowed: {', '.join(GRANT_FIELDS)})")
        for key in grant
        if key not in GRANT_FIELDS
    ]
    for key in GRANT_FIELDS:
        value = grant.get(key)
        if value is not None and not is_unknown(value) and not isinstance(value, str):
            failures.append(Failure(f"{where}.{key}", f"must be a string, got {_type_name(value)}"))
    user_id, user_name = grant.get("user_id"), grant.get("user_name")
    if not (is_unknown(user_id) or is_unknown(user_name)) and not (user_id or user_name):
        failures.append(Failure(where, "needs user_id or user_name"))
    user_type = grant.get("user_type")
    if isinstance(user_type, str) and user_type.upper() not in USER_TYPES:
        failures.append(Failure(f"{where}.user_type", f"must be one of {', '.join(USER_TYPES)}, got {user_type!r}"))
    return failures


def check_enterprise_project(value: Any) -> str | None:
    if not isinstance(value, str) or not (value == "0" or EPS_ID_PATTERN.match(value)):
        return f"must be '0' or an enterprise project id (UUID), got {value!r}"
    return None


def validate(props: Mapping[str, Any]) -> list[Failure]:
    """Every rule that can be checked without the API. Unknown values are never a failure, and
    a secret value is never repeated in a reason."""
    secret = secret_inputs(props)
    if not secret:
        return _failures(props)
    values = secret_values(props)
    return [
        Failure(
            f.property,
            re.sub(r"got .*$", "got a secret value", f.reason)
            if re.split(r"[.\[]", f.property)[0] in secret
            else redact(f.reason, values),
        )
        for f in _failures(props)
    ]


# -- the rules, one per field -------------------------------------------------------------------
# Each rule gets the field's value (never None, never unknown) and all inputs (for rules that
# depend on another field), and returns its failures. `_failures` runs them in table order.

Rule = Callable[[Any, Mapping[str, Any]], list[Failure]]


def _name_rule(value: Any, _props: Mapping[str, Any]) -> list[Failure]:
    reason = _check_name(value)
    return [Failure("name", reason)] if reason else []


def _description_rule(value: Any, _props: Mapping[str, Any]) -> list[Failure]:
    if not isinstance(value, str):
        return [Failure("description", f"must be a string, got {_type_name(value)}")]
    if len(value) > 256:
        return [Failure("description", f"must be at most 256 characters, got {len(value)}")]
    return []


def _auth_type_rule(value: Any, _props: Mapping[str, Any]) -> list[Failure]:
    if not isinstance(value, str) or value.upper() not in AUTH_TYPES:
        return [Failure("auth_type", f"must be one of {', '.join(AUTH_TYPES)}, got {value!r}")]
    return []


def _grants_rule(value: Any, props: Mapping[str, Any]) -> list[Failure]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        return [Failure("grants", f"must be a list of grants, got {_type_name(value)}")]
    failures: list[Failure] = []
    if len(value) > MAX_GRANTS:
        failures.append(Failure("grants", f"must have at most {MAX_GRANTS} entries, got {len(value)}"))
    auth_type = props.get("auth_type")
    if value and not is_unknown(auth_type) and str(auth_type or "PUBLIC").upper() != "INTERNAL":
        failures.append(Failure("grants", "take effect only with auth_type INTERNAL; set auth_type='INTERNAL'"))
    for index, grant in enumerate(value):
        failures.extend(_check_grant(index, grant))
    keys = [grant_key(g) for g in value if isinstance(g, Mapping) and not _has_unknown(g)]
    if len(keys) != len(set(keys)):
        failures.append(Failure("grants", "lists the same user more than once"))
    return failures


def _enterprise_project_rule(value: Any, _props: Mapping[str, Any]) -> list[Failure]:
    reason = check_enterprise_project(value)
    return [Failure("enterprise_project_id", reason)] if reason else []


def _region_rule(value: Any, _props: Mapping[str, Any]) -> list[Failure]:
    if not isinstance(value, str) or not 2 <= len(value) <= 64 or not REGION_PATTERN.match(value):
        return [Failure("region", f"must be a region id such as cn-north-4, got {value!r}")]
    return []


def _adopt_id_rule(value: Any, _props: Mapping[str, Any]) -> list[Failure]:
    if not isinstance(value, str) or not WORKSPACE_ID_PATTERN.match(value):
        return [Failure("adopt_id", f"must be a workspace id of 32 lower-case hex characters, got {value!r}")]
    return []


def _adopt_by_name_rule(value: Any, props: Mapping[str, Any]) -> list[Failure]:
    failures = []
    if not isinstance(value, bool):
        failures.append(Failure("adopt_by_name", f"must be true or false, got {_type_name(value)}"))
    adopt_id = props.get("adopt_id")
    if value and adopt_id and not is_unknown(adopt_id):
        failures.append(Failure("adopt_by_name", "cannot be combined with adopt_id; choose one"))
    return failures


def _timeout_rule(key: str) -> Rule:
    def rule(value: Any, _props: Mapping[str, Any]) -> list[Failure]:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return [Failure(key, f"must be a number of seconds, got {_type_name(value)}")]
        if not 0 < value <= MAX_TIMEOUT:
            return [Failure(key, f"must be between 0 and {int(MAX_TIMEOUT)} seconds, got {value}")]
        return []

    return rule


RULES: dict[str, Rule] = {
    "name": _name_rule,
    "description": _description_rule,
    "auth_type": _auth_type_rule,
    "grants": _grants_rule,
    "enterprise_project_id": _enterprise_project_rule,
    "region": _region_rule,
    "adopt_id": _adopt_id_rule,
    "adopt_by_name": _adopt_by_name_rule,
    "create_timeout": _timeout_rule("create_timeout"),
    "delete_timeout": _timeout_rule("delete_timeout"),
}


def _failures(props: Mapping[str, Any]) -> list[Failure]:
    failures = [
        Failure(key, f"is not a Workspace input (allowed: {', '.join(INPUT_FIELDS)})")
        for key, value in props.items()
        if not key.startswith("__") and not (key in OUTPUT_FIELDS and value is None) and key not in INPUT_FIELDS
    ]
    if props.get("name") is None:
        failures.append(Failure("name", "is required"))
    for key, rule in RULES.items():
        value = props.get(key)
        if value is not None and not is_unknown(value):
            failures.extend(rule(value, props))
    return failures


def _has_unknown(value: Any) -> bool:
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(_has_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_unknown(v) for v in value)
    return False


def grant_key(grant: Mapping[str, Any]) -> tuple[str, str, str]:
    """How a declared grant is identified: user_id wins over user_name (as in the API)."""
    user_type = str(grant.get("user_type") or "IAM").upper()
    if grant.get("user_id"):
        return ("id", str(grant["user_id"]), user_type)
    return ("name", str(grant.get("user_name") or ""), user_type)


def normalize_grant(grant: Mapping[str, Any]) -> dict[str, Any]:
    """The declared form: the identifying field(s) given, and user_type spelled out."""
    if _has_unknown(grant):
        return dict(grant)
    out: dict[str, Any] = {}
    if grant.get("user_id"):
        out["user_id"] = grant["user_id"]
    if grant.get("user_name"):
        out["user_name"] = grant["user_name"]
    out["user_type"] = str(grant.get("user_type") or "IAM").upper()
    return out


def _sort_key(grant: Any) -> tuple[str, str, str]:
    return grant_key(grant) if isinstance(grant, Mapping) and not _has_unknown(grant) else ("~", "", "")


def normalize(props: Mapping[str, Any]) -> dict[str, Any]:
    """Declared inputs in one canonical form: defaults filled in, case and order settled."""
    out: dict[str, Any] = {}
    for key in INPUT_FIELDS:
        if key in props and props[key] is not None:
            out[key] = props[key]
    out.setdefault("description", "")
    auth_type = out.get("auth_type", "PUBLIC")
    out["auth_type"] = auth_type.upper() if isinstance(auth_type, str) else auth_type
    out.setdefault("enterprise_project_id", "0")
    grants = out.get("grants", [])
    if isinstance(grants, list):
        out["grants"] = sorted_grants([normalize_grant(g) if isinstance(g, Mapping) else g for g in grants])
    out.setdefault("create_timeout", DEFAULT_CREATE_TIMEOUT)
    out.setdefault("delete_timeout", DEFAULT_DELETE_TIMEOUT)
    if secret_inputs(props):
        out[SECRET_INPUTS] = sorted(secret_inputs(props))
    if props.get("region") is not None or props.get(DECLARED_REGION):
        out[DECLARED_REGION] = True
    return out


def sorted_grants(grants: list[Any]) -> list[Any]:
    return sorted(grants, key=_sort_key)


def grants_match(declared: Sequence[Mapping[str, Any]], actual: Sequence[Mapping[str, Any]]) -> bool:
    """Same users with the same types, in any order; fields the server filled in are not drift."""
    pairs, leftover = _pair(declared, actual)
    return len(pairs) == len(declared) and not leftover


def _matches(want: Mapping[str, Any], have: Mapping[str, Any]) -> bool:
    kind, ident, user_type = grant_key(want)
    field = "user_id" if kind == "id" else "user_name"
    return have.get(field) == ident and str(have.get("user_type") or "IAM").upper() == user_type


def _pair(
    declared: Sequence[Mapping[str, Any]], live: Sequence[Mapping[str, Any]]
) -> tuple[list[tuple[Mapping[str, Any], dict[str, Any]]], list[dict[str, Any]]]:
    """(declared, live) pairs in declared order, and the live grants nobody declared."""
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
    pairs, leftover = _pair(declared, live)
    return [normalize_grant(want) for want, _ in pairs] + [normalize_grant(g) for g in leftover]


def server_view(declared: Sequence[Mapping[str, Any]], live: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The live grants as the server holds them (ids and names filled in), index by index
    aligned with `declared_view`."""
    pairs, leftover = _pair(declared, live)
    return [have for _, have in pairs] + leftover


def changed_fields(news: Mapping[str, Any], olds: Mapping[str, Any], default_region: str | None = None) -> list[str]:
    """Fields whose declared value differs from the old state (unknown = may change)."""
    new, old = normalize(news), normalize(olds)
    changed = []
    for key in (*API_FIELDS, "create_timeout", "delete_timeout"):
        want, have = new.get(key), old.get(key)
        if _has_unknown(want):
            changed.append(key)
        elif key == "grants":
            if not grants_match(want or [], have or []):
                changed.append(key)
        elif want != have:
            changed.append(key)
    # An undeclared region keeps the recorded one; a state without one (older releases) counts
    # as the region the default points at (`default_region`), recorded when it is next read.
    want, have = new.get("region"), old.get("region") or default_region
    if _has_unknown(want) or (want is not None and have is not None and want != have):
        changed.append("region")
    return changed


def api_body(props: Mapping[str, Any], include_eps: bool) -> dict[str, Any]:
    """The request body for POST (with the enterprise project) or PUT (full state, without it)."""
    spec = normalize(props)
    body: dict[str, Any] = {
        "name": spec["name"],
        "description": spec["description"],
        "auth_type": spec["auth_type"],
        "grants": [{k: v for k, v in g.items() if k in GRANT_FIELDS} for g in spec["grants"]]
        if spec["auth_type"] == "INTERNAL"
        else [],
    }
    if include_eps:
        body["enterprise_project_id"] = spec["enterprise_project_id"]
    return body
