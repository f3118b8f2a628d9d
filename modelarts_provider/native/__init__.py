"""The native face: the Pulumi plugin `modelarts` (`pulumi-resource-modelarts`) over the same
domain lifecycles as the dynamic face, and its typed Python classes (`sdk`, `quota_sdk`).

`schema` declares the package in Pulumi's conventions from the domain's field lists, `values`
translates property values and names, `provider` hands each engine call to the handler
registered for its type token (`registry`): `workspace` and `quotas`, one per resource, sharing
the thread pool and clients of `runtime`; `server` serves it (errors as one line, partial state).
Imports the layers below, never `dynamic`.
"""
