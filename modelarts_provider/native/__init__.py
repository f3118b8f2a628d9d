"""The native Pulumi plugin `modelarts`: a second face over the same lifecycle (`lifecycle.py`).

`schema` declares the package in Pulumi's conventions from the same field lists as the dynamic
face, `values` translates property values and names, `provider` answers the engine's calls in a
thread pool, `server` serves it (errors as one line, partial state) as `pulumi-resource-modelarts`.
"""
