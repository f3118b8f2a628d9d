"""Benchmark of the provider against the engine's floor and the API latency floor (see README.md)."""
