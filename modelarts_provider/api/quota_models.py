"""The API's view of workspace quotas, read as leniently as workspaces are (`lenient`): nulls
become defaults, extra fields are ignored, a missing `resource` or `quota` is a ResponseError."""

from __future__ import annotations

from dataclasses import dataclass, field

from .lenient import MILLIS


@dataclass(frozen=True, kw_only=True)
class QuotaItem:
    """One quota resource of a workspace. `used_quota` is None when the quota is unlimited (-1)
    and in modify answers, which carry no usage."""

    resource: str
    quota: int
    min_quota: int | None = None
    max_quota: int | None = None
    used_quota: int | None = None
    name_en: str = ""
    name_cn: str = ""
    unit_en: str = ""
    unit_cn: str = ""
    update_time: int | None = field(default=None, metadata=MILLIS)

    def allows(self, value: int) -> bool:
        """Whether `value` lies in this item's min..max (a missing bound does not limit)."""
        return (self.min_quota is None or value >= self.min_quota) and (
            self.max_quota is None or value <= self.max_quota
        )

    def range_text(self) -> str:
        low = "no minimum" if self.min_quota is None else str(self.min_quota)
        high = "no maximum" if self.max_quota is None else str(self.max_quota)
        return f"{low}..{high}"


@dataclass(frozen=True, kw_only=True)
class QuotaList:
    """`{"quotas": [...]}`, the answer of both quota calls."""

    quotas: list[QuotaItem] = field(default_factory=list)

    def by_resource(self) -> dict[str, QuotaItem]:
        return {item.resource: item for item in self.quotas}
