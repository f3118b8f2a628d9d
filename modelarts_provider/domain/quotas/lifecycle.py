"""The quotas lifecycle behind every provider face: check, plan (diff), create, read, update
and delete over plain dicts, as `lifecycle` is for workspaces.

Create and update read the live quotas once, check the declared values against them (the
resource exists, the value is within min..max) and PUT only the items that change. The outputs
keep each managed quota's value from before Pulumi managed it; removing a quota resource from
`quotas`, or deleting the whole resource, restores those values. A workspace that is gone or
DELETING counts as restored, so the quotas and their workspace may be deleted in either order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ...core import error_codes
from ...core.errors import ApiError, ModelArtsError, NotFoundError
from ...core.wire import has_unknown, is_unknown, unwrap
from ..workspace.canonical import region_changed
from ..workspace.lifecycle import Plan, located
from ..workspace.spec import DECLARED_REGION, SECRET_INPUTS, Failure, secret_inputs
from . import spec as quota_spec

if TYPE_CHECKING:
    from ...api.client import ModelArtsClient
    from ...api.quota_models import QuotaItem, QuotaList


def check(news: Mapping[str, Any]) -> tuple[dict[str, Any], list[Failure]]:
    """Canonical inputs, or the given ones with every rule they break."""
    props = unwrap(news)
    failures = quota_spec.validate(props)
    if failures:
        return props, failures
    return quota_spec.normalize(props), []


def plan(olds: Mapping[str, Any], news: Mapping[str, Any], default_region: str | None = None) -> Plan:
    """A changed workspace id replaces; an unknown one is an update, not a replace: `up` plans
    again with the real id (a dynamic Workspace's `workspace_id` is its resource id, known in
    the preview of an in-place update; other outputs of a dynamic resource are not). A changed region replaces, by the
    Workspace's rule (`canonical.region_changed`)."""
    new, old = quota_spec.normalize(unwrap(news)), unwrap(olds)
    workspace_id = new.get("workspace_id")
    changed: list[str] = []
    if is_unknown(workspace_id) or workspace_id != old.get("workspace_id"):
        changed.append("workspace_id")
    quotas = new.get("quotas")
    if has_unknown(quotas) or quota_spec.ints(quotas) != quota_spec.ints(old.get("quotas")):
        changed.append("quotas")
    replaces = [] if is_unknown(workspace_id) or "workspace_id" not in changed else ["workspace_id"]
    if region_changed(new, old, default_region):
        changed.append("region")
        replaces.append("region")
    return Plan(changed, replaces)


def create(api: ModelArtsClient, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The id (the workspace's) and outputs; nothing is written when a value breaks a rule."""
    spec = quota_spec.normalize(unwrap(props))
    workspace_id = spec["workspace_id"]
    return workspace_id, _located(api, spec, _apply(api, workspace_id, quota_spec.ints(spec["quotas"]), {}))


def update(api: ModelArtsClient, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
    spec = quota_spec.normalize(unwrap(news))
    originals = quota_spec.ints(unwrap(olds).get("original_quotas"))
    return _located(api, spec, _apply(api, spec["workspace_id"], quota_spec.ints(spec["quotas"]), originals))


def _located(api: ModelArtsClient, declared: Mapping[str, Any], outs: dict[str, Any]) -> dict[str, Any]:
    """The outputs pinned to the region and project of the client that did the work (read,
    update and delete use them), with the markers of a declared region and of secret inputs."""
    if declared.get(DECLARED_REGION):
        outs[DECLARED_REGION] = True
    if secret_inputs(declared):
        outs[SECRET_INPUTS] = sorted(secret_inputs(declared))
    return located(api, outs)


def _apply(
    api: ModelArtsClient, workspace_id: str, declared: dict[str, int], originals: dict[str, int]
) -> dict[str, Any]:
    """One GET, the live rules, then one PUT with only the items that change (if any)."""
    live = _live(api, workspace_id)
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
        items.update({r: replace(items[r], quota=v) for r, v in change.put.items() if r in items})
    return outputs(workspace_id, list(items.values()), set(declared), change.originals)


def _live(api: ModelArtsClient, workspace_id: str) -> QuotaList:
    try:
        return api.get_workspace_quotas(workspace_id)
    except NotFoundError:
        raise ModelArtsError(f"workspace_id: workspace {workspace_id} does not exist in this project") from None


def outputs(workspace_id: str, items: list[QuotaItem], managed: set[str], originals: dict[str, int]) -> dict[str, Any]:
    return {
        "workspace_id": workspace_id,
        "quotas": {i.resource: i.quota for i in sorted(items, key=lambda i: i.resource) if i.resource in managed},
        "original_quotas": originals,
        "all_quotas": quota_spec.shown(items),
    }


def read(api: ModelArtsClient, id_: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """Id, outputs and inputs with the live values of the managed quota resources, so drift
    shows in the next preview; None when the workspace is gone. A state from before regions
    gets the region and project in force recorded."""
    old = unwrap(props)
    try:
        live = api.get_workspace_quotas(id_)
    except NotFoundError:
        return None
    originals = quota_spec.ints(old.get("original_quotas"))
    managed = set(originals) or set(quota_spec.ints(old.get("quotas")))
    outs = _located(api, old, outputs(id_, live.quotas, managed, originals))
    inputs: dict[str, Any] = {"workspace_id": id_, "quotas": outs["quotas"]}
    if old.get(DECLARED_REGION):
        inputs.update({"region": outs["region"], DECLARED_REGION: True})
    if SECRET_INPUTS in outs:
        inputs[SECRET_INPUTS] = outs[SECRET_INPUTS]
    return id_, outs, inputs


def delete(api: ModelArtsClient, id_: str, props: Mapping[str, Any]) -> None:
    """Restore the values from before Pulumi; a workspace gone or DELETING needs nothing."""
    originals = quota_spec.ints(unwrap(props).get("original_quotas"))
    try:
        items = api.get_workspace_quotas(id_).by_resource()
        restore = {r: v for r, v in originals.items() if r in items and items[r].quota != v}
        if not restore or api.get_workspace(id_).status == "DELETING":
            return
        api.update_workspace_quotas(id_, restore)
    except NotFoundError:
        return
    except ApiError as exc:
        if exc.error_code != error_codes.STATUS_ABNORMAL or not _going(api, id_):
            raise


def _going(api: ModelArtsClient, workspace_id: str) -> bool:
    """The workspace is gone or being deleted (it started while we restored)."""
    try:
        return api.get_workspace(workspace_id).status == "DELETING"
    except NotFoundError:
        return True
