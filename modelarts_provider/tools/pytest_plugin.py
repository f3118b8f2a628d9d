"""pytest plugin: a local ModelArts for the tests of a team's own stacks.

Installing the package registers it (entry point `pytest11`), so `def test_x(modelarts_emulator)`
works without a conftest. The fixture starts the emulator on a free 127.0.0.1 port for one test
and stops it afterwards; everything a test needs to point a stack at it (URL, credentials,
the `HW_*` environment, an API client, fault injection) hangs off the object it yields.

Timings, from the most specific: the marker `@pytest.mark.modelarts_emulator(latency=0.1)`
(any `EmulatorConfig` field), the options `--modelarts-latency` / `--modelarts-delete-duration`,
then the defaults below (no latency; deletes take 0.2 s, long enough to show `DELETING`).
Disable the plugin with `-p no:modelarts_provider.tools.pytest_plugin`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # the emulator and client load on first use, not with every pytest run
    from ..api.client import ModelArtsClient
    from ..emulator import Emulator, EmulatorConfig, Fault

MARKER = "modelarts_emulator"
DEFAULT_LATENCY = 0.0
DEFAULT_DELETE_DURATION = 0.2
# Fields a marker may not set: the fixture owns where the emulator listens.
FIXED_FIELDS = frozenset({"host", "port"})


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("modelarts", "ModelArts emulator (modelarts-provider)")
    group.addoption(
        "--modelarts-latency",
        type=float,
        default=None,
        metavar="SECONDS",
        help=f"delay of every ModelArts/IAM request in the modelarts_emulator fixture (default {DEFAULT_LATENCY})",
    )
    group.addoption(
        "--modelarts-delete-duration",
        type=float,
        default=None,
        metavar="SECONDS",
        help=f"how long a deleted workspace stays DELETING in the fixture (default {DEFAULT_DELETE_DURATION})",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**settings): EmulatorConfig fields for this test's modelarts_emulator, "
        "e.g. latency=0.05, delete_duration=2, max_workspaces=3",
    )


def stack_env(emulator: Emulator, method: str = "aksk") -> dict[str, str]:
    """The `HW_*` variables that point the provider, the lookups and the CLI at `emulator`:
    `aksk` (access key pair) or `password` (user, password and domain: one IAM token per process)."""
    cfg = emulator.config
    env = {"HW_REGION_NAME": cfg.region, "HW_MODELARTS_ENDPOINT": emulator.url, "HW_AUTH_URL": emulator.url + "/v3"}
    if method == "aksk":
        env.update(HW_ACCESS_KEY=cfg.access_key, HW_SECRET_KEY=cfg.secret_key)
    elif method == "password":
        env.update(HW_USER_NAME=cfg.user, HW_USER_PASSWORD=cfg.password, HW_DOMAIN_NAME=cfg.domain)
    else:
        raise ValueError(f"method must be 'aksk' or 'password', not {method!r}")
    return env


def emulator_config(request: pytest.FixtureRequest) -> EmulatorConfig:
    """Defaults, then the command-line options, then the test's marker (closest wins)."""
    from ..emulator import EmulatorConfig

    settings: dict[str, Any] = {"latency": DEFAULT_LATENCY, "delete_duration": DEFAULT_DELETE_DURATION}
    for name in ("latency", "delete_duration"):
        value = request.config.getoption(f"--modelarts-{name.replace('_', '-')}")
        if value is not None:
            settings[name] = value
    # Nearest first: a function's marker beats its class's and module's.
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if marker.args:
            pytest.fail(f"@pytest.mark.{MARKER} takes keyword arguments only, e.g. latency=0.1", pytrace=False)
        settings.update(marker.kwargs)
    known = {f.name for f in dataclasses.fields(EmulatorConfig)} - FIXED_FIELDS
    unknown = sorted(set(settings) - known)
    if unknown:
        pytest.fail(f"@pytest.mark.{MARKER}: unknown setting(s) {unknown}; known: {sorted(known)}", pytrace=False)
    for name in ("latency", "delete_duration"):
        if not isinstance(settings[name], (int, float)) or settings[name] < 0:
            pytest.fail(f"modelarts emulator {name} must be a number >= 0, got {settings[name]!r}", pytrace=False)
    return EmulatorConfig(host="127.0.0.1", port=0, **settings)


class RunningEmulator:
    """What the `modelarts_emulator` fixture yields: one emulator serving for one test."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self._client: ModelArtsClient | None = None

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`: the ModelArts endpoint and the IAM URL (with `/v3`)."""
        return self.emulator.url

    @property
    def config(self) -> EmulatorConfig:
        """The live settings: assigning `latency` or `delete_duration` affects the next request."""
        return self.emulator.config

    @property
    def credentials(self) -> dict[str, str]:
        """What the emulator accepts: the key pair, and user/password/domain for IAM tokens."""
        cfg = self.config
        return {
            "access_key": cfg.access_key,
            "secret_key": cfg.secret_key,
            "user_name": cfg.user,
            "password": cfg.password,
            "domain_name": cfg.domain,
            "region": cfg.region,
            "project_id": cfg.project_id,
        }

    @property
    def env(self) -> dict[str, str]:
        """`HW_*` variables (AK/SK) for a stack, the CLI or the lookups; see `stack_env`."""
        return stack_env(self.emulator)

    def env_for(self, method: str) -> dict[str, str]:
        """`HW_*` variables for `aksk` or `password` authentication."""
        return stack_env(self.emulator, method)

    @property
    def client(self) -> ModelArtsClient:
        """A ModelArts API client for this emulator (AK/SK), closed when the test ends."""
        if self._client is None:
            from ..api.client import ModelArtsClient
            from ..core.settings import resolve

            cfg = self.config
            explicit = {
                "region": cfg.region,
                "modelarts_endpoint": self.url,
                "auth_url": self.url + "/v3",
                "access_key": cfg.access_key,
                "secret_key": cfg.secret_key,
            }
            self._client = ModelArtsClient(resolve(explicit=explicit, config={}, environ={}))
        return self._client

    # -- what exists -----------------------------------------------------------------------

    def workspaces(self, include_default: bool = False) -> list[dict[str, Any]]:
        """Every workspace as the API shows it (with grants and status), without the reserved
        `default` one unless asked; read directly, so it costs no request and counts none."""
        return [ws for ws in self.emulator.workspaces() if include_default or ws.get("name") != "default"]

    def workspace(self, name: str) -> dict[str, Any]:
        """The one workspace called `name`; AssertionError naming what exists otherwise."""
        found = [ws for ws in self.workspaces(include_default=True) if ws.get("name") == name]
        assert len(found) == 1, f"expected one workspace named {name!r}, found {[w.get('name') for w in found]}"
        return found[0]

    # -- faults and counters ---------------------------------------------------------------

    def add_fault(self, kind: str | Fault, **fields: Any) -> Fault:
        """Inject a fault: `add_fault("status", status=503, method="POST", count=2)`, or a `Fault`.
        Kinds: latency, status, drop, lost_response, create_failed, delete_failed."""
        from ..emulator import Fault

        fault = kind if isinstance(kind, Fault) else Fault(kind, **fields)  # type: ignore[arg-type]
        self.emulator.add_fault(fault)
        return fault

    def clear_faults(self) -> None:
        self.emulator.clear_faults()

    def faults(self) -> list[Fault]:
        """Faults not yet used up, in firing order."""
        return self.emulator.faults()

    def counts(self) -> dict[str, int]:
        """Requests so far by kind: IAM, POST, GET, PUT, DELETE and total."""
        return self.emulator.counts()

    def reset_counts(self) -> None:
        self.emulator.reset_counts()

    def expire_tokens(self) -> None:
        """Every IAM token issued so far becomes expired (password-auth renewal)."""
        self.emulator.expire_tokens()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


@pytest.fixture
def modelarts_emulator(request: pytest.FixtureRequest) -> Iterator[RunningEmulator]:
    """A ModelArts emulator on a free 127.0.0.1 port for this test; stopped afterwards."""
    from ..emulator import Emulator

    emulator = Emulator(emulator_config(request)).start()
    running = RunningEmulator(emulator)
    try:
        yield running
    finally:
        running.close()
        emulator.stop()


@pytest.fixture
def modelarts_env(modelarts_emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> RunningEmulator:
    """`modelarts_emulator` with its `HW_*` variables set in `os.environ` for this test (and any
    `HW_*` variable already there removed), for code that reads the environment itself."""
    import os

    for name in [n for n in os.environ if n.startswith("HW_")]:
        monkeypatch.delenv(name)
    for name, value in modelarts_emulator.env.items():
        monkeypatch.setenv(name, value)
    return modelarts_emulator
