"""Shared fixtures: a real emulator on 127.0.0.1 and settings that point the client at it."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from modelarts_provider.api.auth import TOKENS
from modelarts_provider.api.gate import forget_all
from modelarts_provider.core.settings import Settings, resolve
from modelarts_provider.dynamic.base import forget_clients
from modelarts_provider.emulator import Emulator, EmulatorConfig
from modelarts_provider.tools.pytest_plugin import stack_env

# A suite started as a background job (`cmd &`) inherits SIGINT ignored, and so does every
# `pulumi` it runs, with its language host: the CLI stops the host with SIGINT and kills it 5 s
# later, which doubled the time of the end-to-end tests. Their children get the default action.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def _fresh_token_cache() -> Iterator[None]:
    TOKENS.clear()
    forget_all()
    forget_clients()
    yield
    TOKENS.clear()
    forget_all()
    forget_clients()


@pytest.fixture(autouse=True)
def _process_traceback_limit() -> Iterator[None]:
    """`WorkspaceProvider.configure` sets `sys.tracebacklimit = 0` for the provider's process (users
    get the message, not stack frames); in this shared test process it would leak into later tests
    (under it the Pulumi SDK finds no caller frame when a resource registers)."""
    before = getattr(sys, "tracebacklimit", None)
    yield
    if before is not None:
        sys.tracebacklimit = before
    elif hasattr(sys, "tracebacklimit"):
        del sys.tracebacklimit


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(delete_duration=0.3)) as emu:
        yield emu


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    """The same emulator under the short name most test modules use."""
    return emulator


@pytest.fixture
def no_hw_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No `HW_*` variable of the machine running the tests reaches the code under test."""
    for key in list(os.environ):
        if key.startswith("HW_"):
            monkeypatch.delenv(key)


def settings_for(emu: Emulator, method: str = "aksk", **overrides: Any) -> Settings:
    """Settings for one of the three ways in, against the emulator, without touching os.environ."""
    cfg = emu.config
    explicit: dict[str, Any] = {
        "region": cfg.region,
        "modelarts_endpoint": emu.url,
        "auth_url": emu.url + "/v3",
        "max_retries": 4,
        "connect_timeout": 2.0,
        "read_timeout": 5.0,
        "retry_deadline": 30.0,
    }
    if method == "aksk":
        explicit.update(access_key=cfg.access_key, secret_key=cfg.secret_key)
    elif method == "password":
        explicit.update(user_name=cfg.user, password=cfg.password, domain_name=cfg.domain)
    elif method == "token":
        explicit.update(token=overrides.pop("token"))
    explicit.update(overrides)
    return resolve(explicit=explicit, config={}, environ={})


def hw_env(emu: Emulator, method: str = "aksk") -> dict[str, str]:
    """The `HW_*` variables a pipeline would set for the emulator: they configure the CLI, the
    lookups and the provider alike, and keep secrets out of stack config."""
    return stack_env(emu, method)
