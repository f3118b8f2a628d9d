"""Time limits that nest: an API call, the IAM call it needs for a token, and a whole CLI command
or lookup each end by their own limit or an enclosing one, whichever comes first.

The limit lives in a context variable, so it follows the code that runs under it (a token fetch
made while signing a request) without being passed along; threads started inside a limit get it
with `contextvars.copy_context().run`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_END: ContextVar[float | None] = ContextVar("modelarts_provider_deadline", default=None)


@contextmanager
def time_limit(seconds: float) -> Iterator[float]:
    """Everything inside ends within `seconds` (or the enclosing limit); yields the end as a
    `time.monotonic()` value."""
    end = time.monotonic() + seconds
    outer = _END.get()
    if outer is not None:
        end = min(end, outer)
    token = _END.set(end)
    try:
        yield end
    finally:
        _END.reset(token)


def current_end() -> float | None:
    """The `time.monotonic()` value by which the enclosing limit ends; None outside any."""
    return _END.get()
