"""The declared workspace: its fields (`FIELDS`, each declared once with its kind, role, default,
description and rule), which of them hold secrets, and every rule of ModelArts' create and
modify API that needs no server, checked before any API call
(tests/test_vendor_rules.py holds the API reference's rules as a table of cases). The canonical
form lives in `canonical`, grant identity and pairing in `pairing`, Pulumi's wire values in
`wire`, and the request body in `body`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...core.wire import has_unknown, is_unknown
from ..fields import Field, Kind, Role, names
from .pairing import grant_key

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_\-\u4e00-\u9fa5]+$")
WORKSPACE_ID_PATTERN = re.compile(r"^[0-9a-f]{32}$")
EPS_ID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
AUTH_TYPES = ("PUBLIC", "PRIVATE", "INTERNAL")
USER_TYPES = ("IAM", "FEDERATE", "AGENCY")
MAX_GRANTS = 500
DEFAULT_CREATE_TIMEOUT = 600.0
DEFAULT_DELETE_TIMEOUT = 600.0
MAX_TIMEOUT = 24 * 3600.0

REGION_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
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


def secret_inputs(props: Mapping[str, Any]) -> frozenset[str]:
    """The inputs the program marked secret (see `program.workspace.secret_inputs`)."""
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
    keys = [grant_key(g) for g in value if isinstance(g, Mapping) and not has_unknown(g)]
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


# -- the fields, each declared once -----------------------------------------------------------
# Descriptions are the native schema's and the reference pages'. The order is the state's and
# the API body's.

FIELDS: tuple[Field, ...] = (
    Field("name", Kind.STRING, Role.API, "4-64 letters, digits, `-` or `_`; not `default`. Changes in place.",
          rule=_name_rule),
    Field("description", Kind.STRING, Role.API, "Up to 256 characters (default empty).", default="",
          rule=_description_rule),
    Field("auth_type", Kind.STRING, Role.API, "PUBLIC (default), PRIVATE or INTERNAL; compared case-insensitively.",
          default=AUTH_TYPES[0], rule=_auth_type_rule),
    Field("grants", Kind.OBJECTS, Role.API, "Users allowed into an INTERNAL workspace; a set (order ignored).",
          default=[], item_fields=GRANT_FIELDS, item_type="Grant", rule=_grants_rule),
    Field("enterprise_project_id", Kind.STRING, Role.API,
          'Enterprise project: "0" (default) or a UUID. A change replaces the workspace.',
          default="0", replaces=True, sent_at_create_only=True, rule=_enterprise_project_rule),
    # Where the workspace lives (default: the configured region at create); recorded in the state
    # with the `project_id` output, and read/update/delete go there.
    Field("region", Kind.STRING, Role.LOCATION, "Region of the workspace (default: the provider's region).",
          replaces=True, rule=_region_rule),
    Field("adopt_id", Kind.STRING, Role.CREATE_OPTION,
          "Take over the existing workspace with this id (32 lower-case hex characters) on the first create.",
          rule=_adopt_id_rule),
    Field("adopt_by_name", Kind.BOOLEAN, Role.CREATE_OPTION,
          "Take over the existing workspace called `name` on the first create, or create it.",
          rule=_adopt_by_name_rule),
    Field("create_timeout", Kind.NUMBER, Role.OPTION,
          "Seconds to wait for a new workspace to become NORMAL (at most 86400).",
          default=DEFAULT_CREATE_TIMEOUT, rule=_timeout_rule("create_timeout")),
    Field("delete_timeout", Kind.NUMBER, Role.OPTION,
          "Seconds to wait for a deleted workspace to be gone (at most 86400).",
          default=DEFAULT_DELETE_TIMEOUT, rule=_timeout_rule("delete_timeout")),
    Field("project_id", Kind.STRING, Role.OUTPUT,
          "Project of the workspace's region, recorded when the workspace is created or imported."),
    Field("workspace_id", Kind.STRING, Role.OUTPUT, "The id ModelArts gave the workspace."),
    Field("owner", Kind.STRING, Role.OUTPUT, "The user who created the workspace."),
    Field("status", Kind.STRING, Role.OUTPUT, "NORMAL, CREATE_FAILED, DELETING or DELETE_FAILED."),
    Field("status_info", Kind.STRING, Role.OUTPUT,
          "Why the workspace has its status (for example why a create failed), when ModelArts says."),
    Field("create_time", Kind.INTEGER, Role.OUTPUT, "Milliseconds since the epoch."),
    Field("update_time", Kind.INTEGER, Role.OUTPUT, "Milliseconds since the epoch."),
    Field("enterprise_project_name", Kind.STRING, Role.OUTPUT, "Name of the enterprise project."),
    Field("server_grants", Kind.OBJECTS, Role.OUTPUT,
          "The same grants as ModelArts holds them (user ids and names filled in).", item_fields=GRANT_FIELDS,
          item_type="Grant"),
)  # fmt: skip
FIELD = {f.name: f for f in FIELDS}
API_FIELDS = names(FIELDS, Role.API)
CONTROL_FIELDS = names(FIELDS, Role.OPTION, Role.CREATE_OPTION)
INPUT_FIELDS = tuple(f.name for f in FIELDS if f.declared)
OUTPUT_FIELDS = names(FIELDS, Role.OUTPUT)
# Every field of a workspace's state: the inputs the API holds, where the workspace lives, and
# the outputs (`lifecycle.outputs` fills exactly these).
STATE_FIELDS = names(FIELDS, Role.API, Role.LOCATION, Role.OUTPUT)
RULES: dict[str, Rule] = {f.name: f.rule for f in FIELDS if f.rule is not None}


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
