"""Old import path of `WorkspaceProvider` (now `dynamic.workspace_provider`). States written
before 0.2 hold the dynamic provider pickled by this path, so it must stay importable."""

from .dynamic.workspace_provider import WorkspaceProvider

__all__ = ["WorkspaceProvider"]
