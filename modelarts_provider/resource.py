"""Old import path of `Workspace`, `WorkspaceArgs` and `Grant`, kept for programs written
before 0.2 (import them from `modelarts_provider`)."""

from .dynamic.workspace import Workspace
from .program.workspace import Grant, WorkspaceArgs

__all__ = ["Grant", "Workspace", "WorkspaceArgs"]
