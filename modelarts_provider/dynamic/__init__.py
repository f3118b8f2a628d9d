"""The dynamic face: the `Workspace` and `WorkspaceQuotas` resource classes and the dynamic
providers Pulumi's Python host runs for them. Imports the layers below, never `native`."""
