"""The API's view of workspaces, parsed leniently: nulls become defaults, extra fields are
ignored, and anything we rely on that is missing or malformed becomes a ResponseError."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..core.errors import ResponseError


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _null_is_default(cls, value: Any, info: Any) -> Any:
        if value is None:
            field = cls.model_fields[info.field_name]
            if not field.is_required():
                return field.get_default(call_default_factory=True)
        return value


class LiveGrant(_Lenient):
    """A grant as the API returns it (the public `resource.Grant` is what users declare)."""

    user_id: str | None = None
    user_name: str | None = None
    user_type: str | None = None


def _millis(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("a time must be a number")
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError("a time must be milliseconds since the epoch")


class _WorkspaceFields(_Lenient):
    """The fields every workspace answer has (the MaaS page's `WorkspaceInfo`); times may come
    as strings."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    description: str = ""
    owner: str = ""
    create_time: int | None = None
    update_time: int | None = None
    auth_type: str = "PUBLIC"

    @field_validator("create_time", "update_time", mode="before")
    @classmethod
    def _times(cls, value: Any) -> int | None:
        return _millis(value)

    @field_validator("auth_type", mode="after")
    @classmethod
    def _upper_auth_type(cls, value: str) -> str:
        return value.upper()


class MaasWorkspace(_WorkspaceFields):
    """A workspace as the MaaS real-time-service page defines it: no enterprise project, no status."""


class WorkspaceSummary(_WorkspaceFields):
    """A workspace as the list call returns it (no grants)."""

    enterprise_project_id: str = "0"
    enterprise_project_name: str = ""
    status: str = ""
    status_info: str = ""

    @field_validator("status", mode="after")
    @classmethod
    def _upper_status(cls, value: str) -> str:
        return value.upper()


class LiveWorkspace(WorkspaceSummary):
    """A workspace as `GET /workspaces/{id}` returns it."""

    grants: list[LiveGrant] = Field(default_factory=list)

    def grant_dicts(self) -> list[dict[str, Any]]:
        """The grants as plain dicts, fields the API left out omitted (state, lookups, diffs)."""
        return [g.model_dump(exclude_none=True) for g in self.grants]


class WorkspacePage(_Lenient):
    total_count: int = 0
    count: int = 0
    workspaces: list[WorkspaceSummary] = Field(default_factory=list)


class MaasWorkspaces(_Lenient):
    total_count: int = 0
    count: int = 0
    workspaces: list[MaasWorkspace] = Field(default_factory=list)


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any, operation: str) -> M:
    """Validate an answer, naming the first bad field instead of crashing."""
    if not isinstance(data, dict):
        raise ResponseError(f"{operation}: expected a JSON object, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise ResponseError(f"{operation}: unexpected answer, field {where!r}: {first['msg']}") from None
