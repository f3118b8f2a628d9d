"""Tools around the provider: the `python -m modelarts_provider` commands (`cli`), the access
review of a preview (`review`) and the pytest plugin. May import every layer and the emulator."""
