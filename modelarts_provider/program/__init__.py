"""What a Python Pulumi program calls, whichever face serves it: the typed args and outputs the
dynamic and native resource classes share, and the `get_*` lookups. Imports `core`, `api` and
`domain`, never a face."""
