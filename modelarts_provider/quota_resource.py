"""Old import path of `WorkspaceQuotas` and `WorkspaceQuotasArgs`, kept for programs written
before 0.2 (import them from `modelarts_provider`)."""

from .dynamic.quotas import WorkspaceQuotas
from .program.quotas import WorkspaceQuotasArgs

__all__ = ["WorkspaceQuotas", "WorkspaceQuotasArgs"]
