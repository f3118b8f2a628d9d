"""The release version, written here once (see CHANGELOG.md and scripts/version.sh): every layer
that reports it (the plugin, its schema, the CLI) reads it here, below the package root."""

__version__ = "0.1.0"
