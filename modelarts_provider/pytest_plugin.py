"""The pytest plugin's public name (`-p modelarts_provider.pytest_plugin`, the `pytest11` entry
point): the `modelarts_emulator` and `modelarts_env` fixtures of `tools.pytest_plugin`."""

from .tools.pytest_plugin import modelarts_emulator, modelarts_env, pytest_addoption, pytest_configure

__all__ = ["modelarts_emulator", "modelarts_env", "pytest_addoption", "pytest_configure"]
