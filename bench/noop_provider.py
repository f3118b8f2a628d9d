"""The engine's floor: a dynamic resource shaped like `Workspace` whose provider does nothing.

It lives in an importable module, so it is pickled by reference into the state exactly like
`WorkspaceProvider`, and it deliberately imports nothing of `modelarts_provider`: what the
floor stack costs is the Pulumi engine, the program and the dynamic-provider process, and
nothing of ours (our imports, validation and HTTP calls are what the benchmark measures).
"""

from __future__ import annotations

import uuid
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, Resource, ResourceProvider, UpdateResult

# The same property names as `modelarts_provider.domain.workspace.spec` (copied, not imported: see above).
INPUT_FIELDS = (
    "name",
    "description",
    "auth_type",
    "grants",
    "enterprise_project_id",
    "adopt_id",
    "adopt_by_name",
    "create_timeout",
    "delete_timeout",
)
OUTPUT_FIELDS = (
    "workspace_id",
    "owner",
    "status",
    "status_info",
    "create_time",
    "update_time",
    "enterprise_project_name",
)
DEFAULTS: dict[str, Any] = {
    "description": "",
    "auth_type": "PUBLIC",
    "grants": [],
    "enterprise_project_id": "0",
    "create_timeout": 600.0,
    "delete_timeout": 600.0,
}


def _inputs(props: dict[str, Any]) -> dict[str, Any]:
    """Declared inputs with the defaults filled in: the shape `WorkspaceProvider.check` returns."""
    out = {k: props[k] for k in INPUT_FIELDS if props.get(k) is not None}
    for key, value in DEFAULTS.items():
        out.setdefault(key, value)
    return out


def _outputs(id_: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """The same output keys `WorkspaceProvider` returns, with values of similar size."""
    return {
        **inputs,
        "workspace_id": id_,
        "enterprise_project_name": "default",
        "owner": "emulator-user",
        "status": "NORMAL",
        "status_info": "",
        "create_time": 1700000000000,
        "update_time": 1700000000000,
        "server_grants": inputs.get("grants", []),
    }


class NoopProvider(ResourceProvider):
    """check/diff/create/read/update/delete without any I/O."""

    serialize_as_secret_always = False

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(_inputs(news), [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = _inputs(olds), _inputs(news)
        return DiffResult(changes=any(old.get(k) != new.get(k) for k in INPUT_FIELDS))

    def create(self, props: dict[str, Any]) -> CreateResult:
        id_ = uuid.uuid4().hex
        return CreateResult(id_, _outputs(id_, _inputs(props)))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        inputs = _inputs(props)
        return ReadResult(id_, _outputs(id_, inputs), inputs)

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(_outputs(id_, _inputs(news)))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class NoopWorkspace(Resource, module="bench", name="NoopWorkspace"):
    """Takes the keyword arguments `Workspace` takes (plain values, grants as dicts)."""

    def __init__(self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **kwargs: Any) -> None:
        props = dict(kwargs)
        for key in INPUT_FIELDS + OUTPUT_FIELDS:
            props.setdefault(key, None)
        super().__init__(NoopProvider(), resource_name, props, opts)
