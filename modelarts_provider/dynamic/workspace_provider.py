"""`WorkspaceProvider`: the dynamic provider of `Workspace`, over `domain.workspace.lifecycle`.

The object is pickled into the state by reference (this module is importable), holds nothing
until `configure()` runs in the provider process, and gets credentials only from stack config
and the environment there. Errors reach the user as one line, without a Python traceback.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from ..core import wire
from ..core.settings import default_enterprise_project
from ..domain.workspace import lifecycle, spec
from .base import ConfiguredProvider, one_line_errors, progress, secret_derived

# the dynamic host: no URN, no engine timeouts, no partial state (a failed create leaves nothing)
_CALL = lifecycle.Call(progress=lambda message: progress(message))


class WorkspaceProvider(ConfiguredProvider):
    """check/diff/create/read/update/delete for `Workspace`, over `domain.workspace.lifecycle`."""

    # Pickled into every state by reference under this public path (a re-export), so states stay
    # the same across releases that move the code, and an older release can still load them.
    __module__ = "modelarts_provider.provider"

    # -- check / diff ---------------------------------------------------------------------

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        default = default_enterprise_project(getattr(self, "_config", {}))
        props, failures = lifecycle.check(news, olds, default)
        return CheckResult(props, [CheckFailure(f.property, f.reason) for f in failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        note = self._locations().elsewhere(olds, news)
        if note:
            progress(note)
        plan = lifecycle.plan(olds, news, self._default_region())
        return DiffResult(
            changes=plan.changes, replaces=plan.replaces, delete_before_replace=plan.delete_before_replace
        )

    # -- create / read / update / delete ---------------------------------------------------

    @one_line_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        id_, outs = lifecycle.create(self._client({"region": wire.unwrap(props).get("region")}), props, _CALL)
        return CreateResult(id_, secret_derived(outs, spec.DERIVED_OUTPUTS))

    @one_line_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        found = lifecycle.read(self._client(props), id_, props)
        if found is None:
            return ReadResult("", {})
        id_, outs, inputs = found
        return ReadResult(id_, secret_derived(outs, spec.DERIVED_OUTPUTS), inputs)

    @one_line_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(
            secret_derived(lifecycle.update(self._client(olds), id_, olds, news, _CALL), spec.DERIVED_OUTPUTS)
        )

    @one_line_errors
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        lifecycle.delete(self._client(props), id_, props, _CALL)
