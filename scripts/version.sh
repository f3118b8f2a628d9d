#!/usr/bin/env sh
# Print the release version: `__version__` in modelarts_provider/core/version.py, the one place it is
# written (pyproject.toml, the plugin archive, the schema and the SDKs all take it from there).
cd "$(dirname "$0")/.." && sed -n 's/^__version__ = "\([^"]*\)".*/\1/p' modelarts_provider/core/version.py
