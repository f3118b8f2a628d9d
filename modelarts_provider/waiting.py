"""Polling without fixed sleeps: the first check comes quickly and the interval grows, so a
fast operation is noticed soon after it finishes and a slow one costs few calls."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

FIRST_INTERVAL = 0.25
GROWTH = 1.3
MAX_INTERVAL = 5.0


def intervals(first: float = FIRST_INTERVAL, growth: float = GROWTH, cap: float = MAX_INTERVAL) -> Iterator[float]:
    interval = first
    while True:
        yield interval
        interval = min(cap, interval * growth)


def poll(
    check: Callable[[], bool],
    timeout: float,
    on_wait: Callable[[float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Call `check` until it returns True; False when `timeout` seconds passed first."""
    start = time.monotonic()
    for interval in intervals():
        elapsed = time.monotonic() - start
        if elapsed >= timeout:
            return False
        sleep(min(interval, timeout - elapsed))
        if check():
            return True
        if on_wait is not None:
            on_wait(time.monotonic() - start)
    return False  # pragma: no cover - intervals() never ends
