"""Workspace quotas: `GET`/`PUT /v1/{project_id}/workspaces/{workspace_id}/quotas`.

Every workspace (the default one `0` included) has the same catalogue of quota resources. A
quota nobody modified has the catalogue's default and `update_time` equal to the workspace's
creation time; `used_quota` is null while the quota is -1 (unlimited). The rules are the
emulator's own copy of what the API reference states for these endpoints.

The catalogue is the one resource the vendor documents (`DOCUMENTED`: its example item,
`exemlProject.gpu_duration`). `INVENTED` holds five more that NO vendor source lists, plausible
ones in the same naming style so that clients meet more than one item, units other than minutes
and a range that excludes -1; they exist only with the emulator's `invented_quotas` option.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import BadParameter, WorkspaceNotFound, WorkspaceStatusAbnormal
from .store import DEFAULT_ID, DELETING, now_ms

UNLIMITED = -1


@dataclass(frozen=True)
class QuotaDefinition:
    """One quota resource as every workspace has it until someone changes it."""

    resource: str
    name_en: str
    name_cn: str
    unit_en: str
    unit_cn: str
    default: int
    min_quota: int
    max_quota: int


def _duration(resource: str, name_en: str, name_cn: str, max_quota: int) -> QuotaDefinition:
    """A time quota: minutes, unlimited (-1) until someone sets it."""
    return QuotaDefinition(resource, name_en, name_cn, "minute", "分钟", UNLIMITED, -1, max_quota)


# Assumption quota-defaults (docs/emulator.md): the vendor gives one example item (quota 10,
# range -1..60000) but not what a new workspace starts with; the emulator starts it unlimited.
DOCUMENTED: tuple[QuotaDefinition, ...] = (
    _duration(
        "exemlProject.gpu_duration",
        "ExeML training duration (image classification, object detection, and sound classification)",
        "自动学习训练时长（图像分类、物体检测、声音分类）",
        60000,
    ),
)
# Invented: no vendor source lists these (only behind EmulatorConfig.invented_quotas).
INVENTED: tuple[QuotaDefinition, ...] = (
    _duration(
        "exemlProject.cpu_duration",
        "ExeML training duration (predictive analytics)",
        "自动学习训练时长（预测分析）",
        60000,
    ),
    _duration("trainJob.gpu_duration", "Training job duration (GPU)", "训练作业时长（GPU）", 6000000),
    _duration("notebook.gpu_duration", "Notebook duration (GPU)", "开发环境时长（GPU）", 6000000),
    _duration("service.gpu_duration", "Real-time service duration (GPU)", "在线服务时长（GPU）", 6000000),
    QuotaDefinition("notebook.instances", "Notebook instances", "开发环境实例数", "instance", "个", 20, 1, 100),
)
BY_RESOURCE = {d.resource: d for d in (*DOCUMENTED, *INVENTED)}
# The default workspace shows the vendor page's example values (quota 10); the 5 used minutes
# are the emulator's own choice (assumption quota-defaults).
SEEDED: dict[str, dict[str, tuple[int, int]]] = {DEFAULT_ID: {"exemlProject.gpu_duration": (10, 5)}}


def catalogue(invented: bool) -> tuple[QuotaDefinition, ...]:
    """The quota resources every workspace has: the documented one, plus the invented ones."""
    return (*DOCUMENTED, *INVENTED) if invented else DOCUMENTED


def requested_quotas(body: Any, known: tuple[QuotaDefinition, ...] = DOCUMENTED) -> dict[str, int]:
    """A `PUT .../quotas` body as resource -> quota; every item is checked before any is applied.
    `known` is the catalogue in force."""
    by_resource = {d.resource: d for d in known}
    if not isinstance(body, dict):
        raise BadParameter("request body must be a JSON object")
    items = body.get("quotas")
    if not isinstance(items, list) or not items:
        raise BadParameter("quotas must be a non-empty list")
    wanted: dict[str, int] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise BadParameter(f"quotas[{index}] must be an object")
        resource, quota = item.get("resource"), item.get("quota")
        if not isinstance(resource, str) or resource not in by_resource:
            raise BadParameter(f"quotas[{index}].resource {str(resource)[:64]!r} is not a quota resource")
        if resource in wanted:
            raise BadParameter(f"quotas[{index}].resource {resource!r} is given twice")
        if not isinstance(quota, int) or isinstance(quota, bool) or (quota < 1 and quota != UNLIMITED):
            raise BadParameter(f"quotas[{index}].quota must be a positive integer or -1")
        definition = by_resource[resource]
        if not definition.min_quota <= quota <= definition.max_quota:
            raise BadParameter(
                f"quotas[{index}].quota of {resource} must be between {definition.min_quota} and {definition.max_quota}"
            )
        wanted[resource] = quota
    return wanted


@dataclass
class QuotaValue:
    """A quota somebody set (or usage a test set): what differs from the catalogue."""

    quota: int
    used: int
    update_time: int | None  # None: never modified, so the workspace's creation time


class QuotaStore:
    """Quota values per workspace; `workspace(id)` gives (status, create_time) or raises 7005;
    `invented()` says whether the invented quota resources are in the catalogue (read per
    request, so a test may switch it on a running emulator)."""

    def __init__(
        self, lock: threading.RLock, workspace: Callable[[str], tuple[str, int]], invented: Callable[[], bool]
    ) -> None:
        self._lock = lock
        self._workspace = workspace
        self._invented = invented
        self._values: dict[str, dict[str, QuotaValue]] = {
            ws: {res: QuotaValue(q, u, None) for res, (q, u) in items.items()} for ws, items in SEEDED.items()
        }

    def _value(self, workspace_id: str, definition: QuotaDefinition) -> QuotaValue:
        values = self._values.setdefault(workspace_id, {})
        value = values.get(definition.resource)
        if value is None:
            value = values[definition.resource] = QuotaValue(definition.default, 0, None)
        return value

    def _item(self, workspace_id: str, created: int, definition: QuotaDefinition, with_usage: bool) -> dict[str, Any]:
        value = self._value(workspace_id, definition)
        item: dict[str, Any] = {
            "resource": definition.resource,
            "quota": value.quota,
            "min_quota": definition.min_quota,
            "max_quota": definition.max_quota,
            "name_en": definition.name_en,
            "name_cn": definition.name_cn,
            "unit_en": definition.unit_en,
            "unit_cn": definition.unit_cn,
            "update_time": value.update_time if value.update_time is not None else created,
        }
        if with_usage:
            item["used_quota"] = None if value.quota == UNLIMITED else value.used
        return item

    def _existing(self, workspace_id: str) -> tuple[str, int]:
        try:
            return self._workspace(workspace_id)
        except WorkspaceNotFound:
            self._values.pop(workspace_id, None)  # a workspace that is gone leaves no quotas behind
            raise

    def get(self, workspace_id: str) -> dict[str, Any]:
        """`GET .../quotas`: every quota resource of the workspace, with its usage."""
        with self._lock:
            _status, created = self._existing(workspace_id)
            return {"quotas": [self._item(workspace_id, created, d, True) for d in self.catalogue()]}

    def catalogue(self) -> tuple[QuotaDefinition, ...]:
        return catalogue(self._invented())

    def update(
        self, workspace_id: str, read: Callable[[tuple[QuotaDefinition, ...]], Mapping[str, int]]
    ) -> dict[str, Any]:
        """`PUT .../quotas`; the answer carries the updated items (without usage, as the vendor's
        modify answer does).

        `read(catalogue)` gives the checked items (`requested_quotas`) once the workspace is known to exist
        (7005) and not to be deleting (7004): the API answers these before it looks at the body."""
        with self._lock:
            status, created = self._existing(workspace_id)
            if status == DELETING:
                raise WorkspaceStatusAbnormal(status)
            wanted = read(self.catalogue())
            stamp = now_ms()
            for resource, quota in wanted.items():
                value = self._value(workspace_id, BY_RESOURCE[resource])
                value.quota, value.update_time = quota, stamp
            return {"quotas": [self._item(workspace_id, created, BY_RESOURCE[r], False) for r in wanted]}

    # -- out-of-band access for tests --------------------------------------------------------

    def put_raw(self, workspace_id: str, resource: str, quota: int | None, used: int | None) -> dict[str, Any]:
        """Change a quota or its usage bypassing every rule (console edits, jobs running)."""
        with self._lock:
            _status, created = self._existing(workspace_id)
            known = {d.resource: d for d in self.catalogue()}
            if resource not in known:
                raise KeyError(
                    f"{resource} is not in the emulator's quota catalogue (invented_quotas: {self._invented()})"
                )
            definition = known[resource]
            value = self._value(workspace_id, definition)
            if quota is not None:
                value.quota, value.update_time = quota, now_ms()
            if used is not None:
                value.used = used
            return self._item(workspace_id, created, definition, True)
