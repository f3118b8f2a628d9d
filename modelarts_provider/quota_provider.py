"""Old import path of `WorkspaceQuotasProvider` (now `dynamic.quotas_provider`). States written
before 0.2 hold the dynamic provider pickled by this path, so it must stay importable."""

from .dynamic.quotas_provider import WorkspaceQuotasProvider

__all__ = ["WorkspaceQuotasProvider"]
