"""Fault injection and request counters: what tests use to provoke and observe client behaviour.

Faults are consumed in order of addition; each fires `count` times (None = forever) and is
then removed. Counters record every non-admin request, including ones a fault or the
authentication rejected, so tests can assert exactly how many calls a client made.

`loss` is random: each matching request is lost with `probability`, half of the lost ones before
the emulator acts on them (like `drop`), half after (like `lost_response`), drawn from a random
generator seeded with `seed`, so a run's sequence of losses can be repeated.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, get_args

from .errors import InternalError

FaultKind = Literal["latency", "status", "drop", "lost_response", "loss", "create_failed", "delete_failed"]
FAULT_KINDS: frozenset[str] = frozenset(get_args(FaultKind))
# Kinds the HTTP layer takes for a request once it is routed and counted: latency, status and
# drop act before the handler runs, lost_response after it (loss turns into drop or
# lost_response). The other two are outcomes the store asks for when an operation is accepted.
TRANSPORT_KINDS: frozenset[str] = frozenset({"latency", "status", "drop", "lost_response", "loss"})
COUNT_KINDS: tuple[str, ...] = ("IAM", "POST", "GET", "PUT", "DELETE")


@dataclass
class Fault:
    """One injected misbehaviour; see the package docstring for what each kind does."""

    kind: FaultKind
    method: str | None = None
    path: str | None = None
    count: int | None = 1
    status: int = 503
    error_code: str = InternalError.CODE  # status only: the code its answer carries
    retry_after: float | None = None
    seconds: float = 0.0
    probability: float = 1.0  # loss only: the share of matching requests that are lost
    seed: int | None = None  # loss only: seeds the generator that picks them
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)
    _random: random.Random = field(default_factory=random.Random, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {sorted(FAULT_KINDS)}")
        if self.count is not None and (not isinstance(self.count, int) or self.count < 1):
            raise ValueError("fault count must be a positive integer or None (forever)")
        if not isinstance(self.status, int) or not 100 <= self.status <= 599:
            raise ValueError("fault status must be an HTTP status code")
        if self.seconds < 0 or (self.retry_after is not None and self.retry_after < 0):
            raise ValueError("fault seconds and retry_after must not be negative")
        if isinstance(self.probability, bool) or not isinstance(self.probability, (int, float)):
            raise ValueError("fault probability must be a number from 0 to 1")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError("fault probability must be a number from 0 to 1")
        if self.seed is not None and (isinstance(self.seed, bool) or not isinstance(self.seed, int)):
            raise ValueError("fault seed must be an integer")
        self._random = random.Random(self.seed)
        if self.method is not None:
            self.method = self.method.upper()
        self._pattern = re.compile(self.path) if self.path is not None else None

    @classmethod
    def from_dict(cls, data: Any) -> Fault:
        """Build a fault from the JSON of `POST /_emulator/faults`; unknown keys are errors."""
        if not isinstance(data, dict):
            raise ValueError("fault must be a JSON object")
        allowed = {f.name for f in fields(cls) if f.init}
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        if "kind" not in data:
            raise ValueError("fault needs a kind")
        try:
            return cls(**data)
        except (TypeError, re.error) as exc:
            raise ValueError(f"invalid fault: {exc}") from None

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.init}
        return data

    def draw(self) -> Fault | None:
        """For `loss`: the fault this request meets (`drop` or `lost_response`), or None when it
        gets through; other kinds always fire. Call under the fault set's lock."""
        if self.kind != "loss":
            return self
        if self._random.random() >= self.probability:
            return None
        kind: FaultKind = "drop" if self._random.random() < 0.5 else "lost_response"
        return replace(self, kind=kind, probability=1.0, seed=None)

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method.upper():
            return False
        return self._pattern is None or self._pattern.search(path) is not None


class FaultSet:
    """The ordered list of pending faults, safe to use from every request thread."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, kinds: frozenset[str], method: str, path: str) -> Fault | None:
        """Fire the first fault of one of `kinds` matching the request, using up one count."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.kind in kinds and fault.matches(method, path):
                    fired = fault.draw()
                    if fired is None:
                        continue
                    if fault.count is not None:
                        fault.count -= 1
                        if fault.count <= 0:
                            del self._faults[index]
                    return fired
        return None


class RequestCounters:
    """Counts by kind (IAM or the ModelArts method) and by route template."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self._kinds: dict[str, int] = {}
        self._routes: dict[str, int] = {}
        self._connections = 0
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._kinds = dict.fromkeys(COUNT_KINDS, 0)
            self._kinds["total"] = 0
            self._routes = {}
            self._connections = 0

    def connection(self) -> None:
        """A TCP connection was accepted: few of them per many requests means keep-alive works."""
        with self._lock:
            self._connections += 1

    def connections(self) -> int:
        with self._lock:
            return self._connections

    def record(self, kind: str | None, route: str) -> None:
        """`kind` None (a path outside /v1 and /v3) still counts in the total and its route."""
        with self._lock:
            self._kinds["total"] += 1
            if kind is not None and kind in self._kinds:
                self._kinds[kind] += 1
            self._routes[route] = self._routes.get(route, 0) + 1

    def kinds(self) -> dict[str, int]:
        with self._lock:
            return dict(self._kinds)

    def routes(self) -> dict[str, int]:
        with self._lock:
            return dict(self._routes)
