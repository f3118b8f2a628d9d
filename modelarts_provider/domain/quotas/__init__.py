"""The quotas of one workspace: their rules (`spec`) and lifecycle (`lifecycle`). Builds on the
workspace domain (a workspace-scoped resource lives where its workspace lives)."""
