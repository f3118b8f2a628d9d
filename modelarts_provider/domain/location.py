"""Where a resource lives, for both faces and both resources: its region and project, recorded in
its state, declared, or the configured default, and the one API client for each such place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..core import wire
from ..core.errors import ModelArtsError

if TYPE_CHECKING:  # the HTTP stack loads on the first API call, not for check/diff/preview
    from ..api.client import ModelArtsClient
    from ..core.settings import Settings


class Clients:
    """The client of the region and project a workspace lives in, for both faces: recorded in its
    state (old outputs), else declared (`region`), else the id's `REGION/` (an import), else the
    configured default. One client per (region, project); a recorded project equal to the
    region's own reuses that region's client (one project lookup and token per region)."""

    def __init__(self, settings: Callable[[], Settings], new: Callable[[Settings], ModelArtsClient]) -> None:
        self._settings = settings
        self._new = new
        self._default: Settings | None = None
        self._clients: dict[tuple[str | None, str | None], ModelArtsClient] = {}
        self._lock = threading.Lock()

    def settings(self) -> Settings:
        """The configured (default) settings, resolved once."""
        if self._default is None:
            self._default = self._settings()
        return self._default

    def of(self, props: Mapping[str, Any] | None = None, region: str | None = None) -> ModelArtsClient:
        props = wire.unwrap(props or {})
        region = props.get("region") or region or self.settings().region
        project_id = props.get("project_id") or None
        regional = self._at(region, None)  # the region's own project, like a new workspace
        if project_id is None or project_id == regional.project_id:
            return regional
        return self._at(region, project_id)

    def _at(self, region: str | None, project_id: str | None) -> ModelArtsClient:
        with self._lock:
            client = self._clients.get((region, project_id))
            if client is None:
                client = self._new(self.settings().for_location(region, project_id))
                self._clients[(region, project_id)] = client
            return client

    def close(self) -> None:
        """Close every client made so far."""
        with self._lock:
            made = list(self._clients.values())
            self._clients.clear()
        for client in made:
            client.close()

    def elsewhere(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> str | None:
        """The preview's note for a workspace recorded outside the current default region or
        project (it stays there), or None."""
        old, new = wire.unwrap(olds), wire.unwrap(news)
        region, project_id = old.get("region"), old.get("project_id")
        if new.get("region") or not region:
            return None
        try:
            default = self.settings()
        except ModelArtsError:
            return None
        if region == default.region and (not default.project_id or project_id == default.project_id):
            return None
        return (
            f"workspace {old.get('name')!r} ({old.get('workspace_id')}) lives in region {region} "
            f"(project {project_id}), not in the current default {default.region}"
            f"{f' (project {default.project_id})' if default.project_id else ''}; it is managed there"
        )

    def default_region(self) -> str | None:
        """The default region for `plan` (older states without one count as in it), if configured."""
        try:
            return self.settings().region
        except ModelArtsError:
            return None
