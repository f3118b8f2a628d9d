"""`WorkspaceQuotasProvider`: the dynamic provider of `WorkspaceQuotas`, over
`domain.quotas.lifecycle`. Configuration, the process's clients (shared with `WorkspaceProvider`),
pickling by reference and one-line errors come from `base`.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from ..domain.quotas import lifecycle as quota_lifecycle
from ..domain.quotas import spec as quota_spec
from .base import ConfiguredProvider, one_line_errors, secret_derived


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
        id_, outs = quota_lifecycle.create(self._client({"region": props.get("region")}), props)
        return CreateResult(id_, secret_derived(outs, quota_spec.DERIVED_OUTPUTS))

    @one_line_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        found = quota_lifecycle.read(self._client(props), id_, props)
        if found is None:
            return ReadResult("", {})
        id_, outs, inputs = found
        return ReadResult(id_, secret_derived(outs, quota_spec.DERIVED_OUTPUTS), inputs)

    @one_line_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        outs = quota_lifecycle.update(self._client(olds), olds, news)
        return UpdateResult(secret_derived(outs, quota_spec.DERIVED_OUTPUTS))

    @one_line_errors
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        quota_lifecycle.delete(self._client(props), id_, props)
