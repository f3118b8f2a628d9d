"""`WorkspaceQuotasProvider`: the dynamic provider of `WorkspaceQuotas`, over
`domain.quotas.lifecycle`. Configuration, the process's clients (shared with `WorkspaceProvider`),
pickling by reference and one-line errors come from `base`.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from ..domain.quotas import lifecycle as quota_lifecycle
from .base import ConfiguredProvider, one_line_errors


class WorkspaceQuotasProvider(ConfiguredProvider):
    """check/diff/create/read/update/delete for `WorkspaceQuotas`; the id is the workspace id.
    Calls go to the region and project recorded in the state (or declared at create)."""

    # Pickled into every state by reference under this public path (a re-export), so states stay
    # the same across releases that move the code, and an older release can still load them.
    __module__ = "modelarts_provider.quota_provider"

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        props, failures = quota_lifecycle.check(news)
        return CheckResult(props, [CheckFailure(f.property, f.reason) for f in failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        plan = quota_lifecycle.plan(olds, news, self._default_region())
        return DiffResult(changes=plan.changes, replaces=plan.replaces)

    @one_line_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(*quota_lifecycle.create(self._client({"region": props.get("region")}), props))

    @one_line_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        found = quota_lifecycle.read(self._client(props), id_, props)
        return ReadResult("", {}) if found is None else ReadResult(*found)

    @one_line_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(quota_lifecycle.update(self._client(olds), olds, news))

    @one_line_errors
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        quota_lifecycle.delete(self._client(props), id_, props)
