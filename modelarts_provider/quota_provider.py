"""`WorkspaceQuotasProvider`: the quotas of one workspace under Pulumi.

Create and update read the live quotas once, check the declared values against them (the
resource exists, the value is within min..max) and PUT only the items that change. The state
keeps each managed quota's value from before Pulumi managed it; removing a quota resource from
`quotas`, or deleting the whole resource, restores those values. A workspace that is gone or
DELETING counts as restored, so the quotas and their workspace may be deleted in either order.

Configuration, the one client per process, pickling by reference and one-line errors are those
of `WorkspaceProvider`, which this class extends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from . import quota_spec
from .errors import ApiError, ModelArtsError, NotFoundError
from .provider import WorkspaceProvider, _one_line_errors
from .spec import is_unknown, unwrap

if TYPE_CHECKING:
    from .client import ModelArtsClient
    from .quota_models import QuotaList

BUSY_CODE = "ModelArts.7004"  # workspace status abnormal, e.g. DELETING


class WorkspaceQuotasProvider(WorkspaceProvider):
    """check/diff/create/read/update/delete for `WorkspaceQuotas`; the id is the workspace id."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        props = unwrap(news)
        failures = quota_spec.validate(props)
        if failures:
            return CheckResult(props, [CheckFailure(f.property, f.reason) for f in failures])
        return CheckResult(quota_spec.normalize(props), [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        new, old = quota_spec.normalize(unwrap(news)), unwrap(olds)
        workspace_id = new.get("workspace_id")
        # An unknown id is an update, not a replace: in a preview it is unknown whenever the
        # workspace is merely updated (dynamic providers cannot preview their outputs); `up`
        # diffs again with the real id and replaces only if it really changed.
        replaces = [] if is_unknown(workspace_id) or workspace_id == old.get("workspace_id") else ["workspace_id"]
        quotas = new.get("quotas")
        quotas_changed = quota_spec.has_unknown(quotas) or quota_spec.ints(quotas) != quota_spec.ints(old.get("quotas"))
        return DiffResult(changes=bool(replaces) or quotas_changed or is_unknown(workspace_id), replaces=replaces)

    # -- create / update ------------------------------------------------------------------

    @_one_line_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        spec = quota_spec.normalize(unwrap(props))
        workspace_id = spec["workspace_id"]
        return CreateResult(workspace_id, self._apply(workspace_id, quota_spec.ints(spec["quotas"]), {}))

    @_one_line_errors
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        spec = quota_spec.normalize(unwrap(news))
        originals = quota_spec.ints(unwrap(olds).get("original_quotas"))
        return UpdateResult(self._apply(spec["workspace_id"], quota_spec.ints(spec["quotas"]), originals))

    def _apply(self, workspace_id: str, declared: dict[str, int], originals: dict[str, int]) -> dict[str, Any]:
        """One GET, the live rules, then one PUT with only the items that change (if any)."""
        api = self._client()
        live = self._live(api, workspace_id)
        problems = quota_spec.live_problems(workspace_id, declared, live)
        if problems:
            raise ModelArtsError("; ".join(problems) + " (nothing was changed)")
        change = quota_spec.plan(declared, originals, live)
        items = live.by_resource()
        if change.put:
            answer = api.update_workspace_quotas(workspace_id, change.put)
            for item in answer.quotas:
                if item.resource in items:
                    items[item.resource] = item
            items.update({r: items[r].model_copy(update={"quota": v}) for r, v in change.put.items() if r in items})
        return self._quota_outputs(workspace_id, list(items.values()), set(declared), change.originals)

    @staticmethod
    def _live(api: ModelArtsClient, workspace_id: str) -> QuotaList:
        try:
            return api.get_workspace_quotas(workspace_id)
        except NotFoundError:
            raise ModelArtsError(f"workspace_id: workspace {workspace_id} does not exist in this project") from None

    @staticmethod
    def _quota_outputs(
        workspace_id: str, items: list[Any], managed: set[str], originals: dict[str, int]
    ) -> dict[str, Any]:
        return {
            "workspace_id": workspace_id,
            "quotas": {i.resource: i.quota for i in sorted(items, key=lambda i: i.resource) if i.resource in managed},
            "original_quotas": originals,
            "all_quotas": quota_spec.shown(items),
        }

    # -- read -----------------------------------------------------------------------------

    @_one_line_errors
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Live values of the managed quota resources, so drift shows in the next preview."""
        old = unwrap(props)
        try:
            live = self._client().get_workspace_quotas(id_)
        except NotFoundError:
            return ReadResult("", {})
        originals = quota_spec.ints(old.get("original_quotas"))
        managed = set(originals) or set(quota_spec.ints(old.get("quotas")))
        outputs = self._quota_outputs(id_, live.quotas, managed, originals)
        return ReadResult(id_, outputs, {"workspace_id": id_, "quotas": outputs["quotas"]})

    # -- delete ---------------------------------------------------------------------------

    @_one_line_errors
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Restore the values from before Pulumi; a workspace gone or DELETING needs nothing."""
        originals = quota_spec.ints(unwrap(props).get("original_quotas"))
        api = self._client()
        try:
            items = api.get_workspace_quotas(id_).by_resource()
            restore = {r: v for r, v in originals.items() if r in items and items[r].quota != v}
            if not restore or api.get_workspace(id_).status == "DELETING":
                return
            api.update_workspace_quotas(id_, restore)
        except NotFoundError:
            return
        except ApiError as exc:
            if exc.error_code != BUSY_CODE or not self._going(api, id_):
                raise

    @staticmethod
    def _going(api: ModelArtsClient, workspace_id: str) -> bool:
        """The workspace is gone or being deleted (it started while we restored)."""
        try:
            return api.get_workspace(workspace_id).status == "DELETING"
        except NotFoundError:
            return True
