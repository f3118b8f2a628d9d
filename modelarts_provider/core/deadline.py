"""Time limits that nest: an API call, the IAM call it needs for a token, and a whole CLI command,
lookup or native operation (its `customTimeouts`) each end by their own limit or an enclosing
one, whichever comes first.

The limit lives in a context variable, so it follows the code that runs under it (a token fetch
made while signing a request) without being passed along; threads started inside a limit get it
with `contextvars.copy_context().run`. Each limit carries a label, so whatever gives up for lack
of time names the limit that really bound it (`retryDeadline`, or the engine's custom timeout),
and marks it, so the code that set the limit can tell "ran out of time" from any other failure.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Limit:
    """One time limit: its end (a `time.monotonic()` value), what set it, and whether some code
    under it gave up because it ended."""

    end: float
    label: str = ""
    ran_out: bool = False

    def passed(self) -> bool:
        return self.ran_out or time.monotonic() >= self.end


_LIMIT: ContextVar[Limit | None] = ContextVar("modelarts_provider_deadline", default=None)


@contextmanager
def time_limit(seconds: float, label: str = "") -> Iterator[float]:
    """Everything inside ends within `seconds` (or the enclosing limit); yields the end as a
    `time.monotonic()` value. `label` names the limit in messages (e.g. `customTimeouts update of
    3s`); inside, the binding limit (`current()`) is this one or the enclosing one if it ends first."""
    own = Limit(time.monotonic() + seconds, label)
    outer = _LIMIT.get()
    binding = outer if outer is not None and outer.end <= own.end else own
    token = _LIMIT.set(binding)
    try:
        yield binding.end
    finally:
        _LIMIT.reset(token)


def current() -> Limit | None:
    """The limit that ends the code running now (the earliest enclosing one); None outside any."""
    return _LIMIT.get()


def left(seconds: float) -> float:
    """`seconds`, or less when the enclosing limit ends sooner: how long a wait may last."""
    limit = _LIMIT.get()
    if limit is None:
        return seconds
    return max(0.0, min(seconds, limit.end - time.monotonic()))


def expired() -> bool:
    """The binding limit has ended, or something under it gave up for lack of time: a wait
    counts a check that failed then as "not yet" and reports its own timeout."""
    limit = _LIMIT.get()
    return limit is not None and limit.passed()


def ran_out() -> None:
    """Mark the binding limit as the reason something gave up (no time left for another try)."""
    limit = _LIMIT.get()
    if limit is not None:
        limit.ran_out = True
