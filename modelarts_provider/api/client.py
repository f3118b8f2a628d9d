"""`ModelArtsClient`: the ModelArts part of the API, the workspace and quota endpoints (the
workspace bodies arrive built from the declared fields, `domain.workspace.body`). Every call goes
through `calling.ApiCaller` (one deadline each, the retry policy, ModelArts' error fields); IAM's
part (tokens, the project id, who signs) is `iam.IamClient`. Close a client you open
(`with ModelArtsClient(...) as client:`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Any
from urllib.parse import quote

import requests

from ..core import error_codes
from ..core.errors import ApiError, ConfigurationError, NotFoundError, ResponseError
from ..core.settings import Settings
from .auth import Authenticator
from .calling import ApiCaller
from .iam import IamClient
from .models import LiveWorkspace, MaasWorkspaces, WorkspacePage, WorkspaceSummary, parse
from .quota_models import QuotaList

PAGE_SIZE = 1000
SORT_KEYS = ("name", "update_time", "status")  # the list API's sort_by values
ORDERS = ("asc", "desc")


class ModelArtsClient:
    """Workspace operations for one project. Safe to share between threads."""

    def __init__(self, settings: Settings, session: requests.Session | None = None) -> None:
        self.settings = settings
        self._caller = ApiCaller(settings, session)
        self._session = self._caller.session
        self._iam = IamClient(self._caller)  # checks the credentials are there
        self._method = settings.auth_method
        self._auth: Authenticator | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<ModelArtsClient {self.settings.modelarts_url} auth={self._method}>"

    @property
    def calls(self) -> Mapping[str, int]:
        """Attempts sent so far, by method ("IAM" for IAM's)."""
        return self._caller.calls

    def close(self) -> None:
        self._caller.close()

    def __enter__(self) -> ModelArtsClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    @property
    def project_id(self) -> str:
        """Given in settings, else found through IAM (once per client)."""
        return self._iam.project_id

    def _authenticator(self) -> Authenticator:
        if self._auth is not None:
            return self._auth
        with self._lock:
            if self._auth is None:
                self._auth = self._iam.modelarts_signer()
            return self._auth

    def _call(
        self,
        method: str,
        path: str,
        operation: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> dict[str, Any]:
        url = f"{self.settings.modelarts_url}/v1/{quote(self.project_id, safe='')}{path}"
        response = self._caller.send(method, url, operation, params=params, json=json, auth=self._authenticator())
        return self._caller.json_object(response, operation)

    # -- workspaces -----------------------------------------------------------------------

    def create_workspace(self, body: Mapping[str, Any]) -> LiveWorkspace:
        """POST once. A lost answer raises TransportError(maybe_applied=True): look it up by name."""
        operation = f"create workspace {body.get('name')!r}"
        return parse(LiveWorkspace, self._call("POST", "/workspaces", operation, json=dict(body)), operation)

    def get_workspace(self, workspace_id: str) -> LiveWorkspace:
        operation = f"get workspace {workspace_id}"
        found = parse(LiveWorkspace, self._get_of_workspace(workspace_id, "", operation), operation)
        if found.id != workspace_id:  # never let a confused answer point the state at another workspace
            raise ResponseError(f"{operation}: the answer is about another workspace ({found.id[:64]!r})")
        return found

    def _get_of_workspace(self, workspace_id: str, subpath: str, operation: str) -> dict[str, Any]:
        """GET `/workspaces/{id}{subpath}`; NotFoundError when the workspace does not exist."""
        try:
            return self._call("GET", f"/workspaces/{quote(workspace_id, safe='')}{subpath}", operation)
        except ApiError as exc:
            # Some regions answer a missing workspace with the generic parameter error.
            if exc.status == 400 and exc.error_code == error_codes.PARAMETER_ERROR and not self._listed(workspace_id):
                raise NotFoundError(exc.operation, exc.status, exc.error_code, exc.error_msg, exc.request_id) from None
            raise

    def _listed(self, workspace_id: str) -> bool:
        return any(w.id == workspace_id for w in self.iter_workspaces())

    def iter_workspaces(
        self,
        name: str | None = None,
        enterprise_project_id: str | None = None,
        filter_accessible: bool | None = None,
        sort_by: str | None = None,
        order: str | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Iterator[WorkspaceSummary]:
        """Every page of `GET /workspaces`; `name` is the API's fuzzy match."""
        params: dict[str, Any] = {"limit": page_size}
        if name is not None:
            params["name"] = name
        if enterprise_project_id is not None:
            params["enterprise_project_id"] = enterprise_project_id
        if filter_accessible is not None:
            params["filter_accessible"] = "true" if filter_accessible else "false"
        if sort_by is not None:
            params["sort_by"] = sort_by
        if order is not None:
            params["order"] = order
        offset = 0
        seen: set[str] = set()
        while True:
            params["offset"] = offset
            page = parse(
                WorkspacePage, self._call("GET", "/workspaces", "list workspaces", params=params), "list workspaces"
            )
            ids = {w.id for w in page.workspaces}
            if ids and ids <= seen:  # an API that ignores offset would otherwise page forever
                raise ResponseError(f"list workspaces: offset {offset} returned only workspaces already listed")
            seen |= ids
            yield from page.workspaces
            offset += len(page.workspaces)
            if not page.workspaces or offset >= page.total_count:
                return

    def list_workspaces(self, **filters: Any) -> list[WorkspaceSummary]:
        return list(self.iter_workspaces(**filters))

    def find_by_name(self, name: str) -> list[WorkspaceSummary]:
        """Workspaces whose name is exactly `name` (the API filter is fuzzy)."""
        return [w for w in self.iter_workspaces(name=name) if w.name == name]

    def update_workspace(self, workspace_id: str, body: Mapping[str, Any]) -> None:
        operation = f"update workspace {workspace_id}"
        self._call("PUT", f"/workspaces/{quote(workspace_id, safe='')}", operation, json=dict(body))

    def delete_workspace(self, workspace_id: str) -> None:
        operation = f"delete workspace {workspace_id}"
        self._call("DELETE", f"/workspaces/{quote(workspace_id, safe='')}", operation)

    def get_maas_workspaces(self, region_id: str | None = None) -> MaasWorkspaces:
        region = region_id or self.settings.region
        if not region:
            raise ConfigurationError("get MaaS workspaces: give a region id or set huaweicloud:region (HW_REGION_NAME)")
        operation = f"get MaaS workspaces of {region}"
        path = f"/maas/services/workspace/{quote(region, safe='')}"
        return parse(MaasWorkspaces, self._call("GET", path, operation), operation)

    # -- quotas ---------------------------------------------------------------------------

    def get_workspace_quotas(self, workspace_id: str) -> QuotaList:
        """Every quota resource of a workspace, with min/max and usage."""
        operation = f"get quotas of workspace {workspace_id}"
        return parse(QuotaList, self._get_of_workspace(workspace_id, "/quotas", operation), operation)

    def update_workspace_quotas(self, workspace_id: str, quotas: Mapping[str, int]) -> QuotaList:
        """PUT only the given items (the vendor: send only what is modified); the answer holds
        the updated items. Idempotent, so it is retried like a GET."""
        operation = f"update quotas of workspace {workspace_id} ({', '.join(sorted(quotas))})"
        body = {"quotas": [{"resource": resource, "quota": quota} for resource, quota in sorted(quotas.items())]}
        path = f"/workspaces/{quote(workspace_id, safe='')}/quotas"
        return parse(QuotaList, self._call("PUT", path, operation, json=body), operation)
