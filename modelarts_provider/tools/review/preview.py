"""Reading `pulumi preview --json`: the steps that touch ModelArts workspaces and their quotas,
in one form for both faces (snake_case names, unknown and secret values as markers).

The document is Pulumi's preview digest (`pkg/backend/display/json.go`, `display.PreviewDigest`):
`steps` hold `op`, `urn`, `oldState`/`newState` (each `type`, `inputs`, `outputs`, `protect`),
`replaceReasons`, `diffReasons` and `detailedDiff`. Pulumi writes every secret as the string
`[secret]` and every value not known before `up` as its computed sentinel. Fields this module
does not know are ignored, so documents of other Pulumi versions read as far as they can.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from ...native.values import snake

# How Pulumi writes a value that is not known before `up`: the wire's computed sentinel, which the
# CLI's JSON serializer writes too (pkg/resource/stack/deployment.go, computedValuePlaceholder).
UNKNOWN_SENTINEL = UNKNOWN
# How Pulumi writes a secret value in `--json` output, whatever `--show-secrets` says.
SECRET_TEXT = "[secret]"

Kind = Literal["workspace", "quotas"]
KINDS: dict[str, Kind] = {
    "pulumi-python:dynamic/modelarts:Workspace": "workspace",
    "modelarts:index:Workspace": "workspace",
    "pulumi-python:dynamic/modelarts:WorkspaceQuotas": "quotas",
    "modelarts:index:WorkspaceQuotas": "quotas",
}
# Maps whose keys are data (quota resource names such as `exemlProject.gpu_duration`), not
# property names: their keys are kept as written.
DATA_KEYED = frozenset({"quotas", "original_quotas"})
# The three steps of one replacement: the logical `replace` step says it all.
REPLACEMENT_PARTS = frozenset({"create-replacement", "delete-replaced", "discard-replaced"})


class PreviewError(Exception):
    """The input cannot be read as a preview; the message is one line that says what to do."""


class Secret:
    """A value Pulumi showed as `[secret]`: never equal to anything, not even another secret."""

    def __repr__(self) -> str:
        return SECRET_TEXT


def is_secret(value: Any) -> bool:
    return isinstance(value, Secret)


@dataclass(frozen=True)
class State:
    """One side of a step: the resource's inputs and outputs, plain, both faces alike."""

    inputs: dict[str, Any]
    outputs: dict[str, Any]
    protect: bool = False
    id: str = ""
    dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)  # property -> URNs it is wired from

    def value(self, key: str) -> Any:
        """An input, else the output of that name (a read-only reference has only outputs)."""
        return self.inputs[key] if key in self.inputs else self.outputs.get(key)


@dataclass(frozen=True)
class Step:
    """What the preview plans for one workspace or quota resource."""

    op: str
    kind: Kind
    urn: str
    old: State | None
    new: State | None
    replace_reasons: tuple[str, ...] = ()
    diff_reasons: tuple[str, ...] = ()
    synthetic: bool = False  # made up by the review (drift), not a step of the preview

    @property
    def resource(self) -> str:
        """The Pulumi resource name (the last part of the URN)."""
        return self.urn.rsplit("::", 1)[-1]

    @property
    def protected(self) -> bool:
        return bool((self.new and self.new.protect) or (self.old and self.old.protect))


@dataclass(frozen=True)
class Preview:
    """The steps of interest, the stack they belong to, and the errors Pulumi reported."""

    stack: str
    steps: list[Step] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    refreshed: bool = False  # the preview read every resource first (`--refresh`): drift


def _plain(value: Any, keep_keys: bool = False) -> Any:
    """The JSON value with markers for unknown and secret values, map keys in snake_case (those of
    data-keyed maps kept)."""
    if value == UNKNOWN_SENTINEL:
        return Unknown()  # type: ignore[no-untyped-call]
    if value == SECRET_TEXT:
        return Secret()
    if isinstance(value, Mapping):
        return {
            (k if keep_keys else snake(k)): _plain(v, (not keep_keys) and snake(k) in DATA_KEYED)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _properties(value: Any) -> dict[str, Any]:
    """A property map without Pulumi's and the provider's internal properties (`__provider`, ...)."""
    if not isinstance(value, Mapping):
        return {}
    plain = _plain({k: v for k, v in value.items() if isinstance(k, str) and not k.startswith("__")})
    return plain if isinstance(plain, dict) else {}


def _state(value: Any) -> State | None:
    if not isinstance(value, Mapping):
        return None
    return State(
        inputs=_properties(value.get("inputs")),
        outputs=_properties(value.get("outputs")),
        protect=value.get("protect") is True,
        id=str(value.get("id") or ""),
        dependencies=_dependencies(value.get("propertyDependencies")),
    )


def _dependencies(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        return {}
    return {
        snake(k): tuple(u for u in urns if isinstance(u, str))
        for k, urns in value.items()
        if isinstance(k, str) and isinstance(urns, list)
    }


def _type_of(step: Mapping[str, Any]) -> str:
    for side in ("newState", "oldState"):
        state = step.get(side)
        if isinstance(state, Mapping) and isinstance(state.get("type"), str):
            return str(state["type"])
    urn = step.get("urn")
    if isinstance(urn, str) and urn.count("::") >= 3:
        return urn.split("::")[2].rsplit("$", 1)[-1]
    return ""


def _names(value: Any) -> tuple[str, ...]:
    return tuple(snake(v) for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _stack(urns: list[str]) -> str:
    for urn in urns:
        parts = urn.split("::")
        if urn.startswith("urn:pulumi:") and len(parts) >= 2:
            return parts[0].removeprefix("urn:pulumi:")
    return ""


def parse(text: str) -> Preview:
    """The steps of a `pulumi preview --json` document; PreviewError when it is not one."""
    if not text.strip():
        raise PreviewError("the input is empty: pipe `pulumi preview --json` into it, or name the file it wrote")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            end = text.rstrip()
            where = f"line {end.count(chr(10)) + 1}, column {len(end) - end.rfind(chr(10))}"
            raise PreviewError(f"the JSON ends early at {where}: the preview output is truncated") from None
        where = f"line {exc.lineno}, column {exc.colno}"
        raise PreviewError(f"not JSON ({exc.msg} at {where}): give it the output of `pulumi preview --json`") from None
    if not isinstance(document, Mapping) or not ({"steps", "changeSummary", "diagnostics"} & set(document)):
        raise PreviewError("JSON, but not from `pulumi preview --json`: it has no steps, changeSummary or diagnostics")
    raw_steps = document.get("steps") or []
    if not isinstance(raw_steps, list):
        raise PreviewError("`steps` is not a list: give it the output of `pulumi preview --json`")
    objects = [s for s in raw_steps if isinstance(s, Mapping)]
    steps = []
    for raw in objects:
        kind = KINDS.get(_type_of(raw))
        op, urn = raw.get("op"), raw.get("urn")
        if kind is None or not isinstance(op, str) or not isinstance(urn, str) or op in REPLACEMENT_PARTS:
            continue
        steps.append(
            Step(
                op=op,
                kind=kind,
                urn=urn,
                old=_state(raw.get("oldState")),
                new=_state(raw.get("newState")),
                replace_reasons=_names(raw.get("replaceReasons")),
                diff_reasons=_names(raw.get("diffReasons")),
            )
        )
    diagnostics = document.get("diagnostics") or []
    errors = [
        str(d.get("message", "")).strip()
        for d in (diagnostics if isinstance(diagnostics, list) else [])
        if isinstance(d, Mapping) and d.get("severity") == "error"
    ]
    urns = [s["urn"] for s in objects if isinstance(s.get("urn"), str)]
    refreshed = any(s.get("op") == "refresh" for s in objects)
    return Preview(stack=_stack(urns), steps=steps, errors=[e for e in errors if e], refreshed=refreshed)
