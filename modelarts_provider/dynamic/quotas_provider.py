"""`WorkspaceQuotasProvider`: the dynamic face of `quota_lifecycle`.

Configuration, the one client per process, pickling by reference and one-line errors are those
of `WorkspaceProvider`, which this class extends.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from ..domain.quotas import lifecycle as quota_lifecycle
from .workspace_provider import WorkspaceProvider, _one_line_errors


class WorkspaceQuotasProvider(WorkspaceProvider):
    """check/diff/create/read/update/delete for `WorkspaceQuotas`; the id is the workspace id.
    Calls go to the region and project recorded in the state (or declared at create), through the
    Workspace's per-location clients (`WorkspaceProvider._client`)."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        props, failures = quota_lifecycle.check(news)
        return CheckResult(props, [CheckFailure(f.property, f.reason) for f in failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        plan = quota_lifecycle.plan(olds, news, self._default_region())
        return DiffResult(changes=plan.changes, replaces=plan.replaces)

    @_one_line_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(*quota_lifecycle.create(self._client({"region": props.get("region")}), props))

    @_one_line_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        found = quota_lifecycle.read(self._client(props), id_, props)
        return ReadResult("", {}) if found is None else ReadResult(*found)

    @_one_line_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(quota_lifecycle.update(self._client(olds), olds, news))

    @_one_line_errors
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        quota_lifecycle.delete(self._client(props), id_, props)
