"""Polling without fixed sleeps: the first check comes quickly and the interval grows, so a
fast operation is noticed soon after it finishes and a slow one costs few calls.

Each wait is a fixed fraction of the time waited so far (with a floor and a cap), so the end of
an operation is noticed at most ~GROWTH of its duration late (within ~0.3 s plus one round trip
for a 2 s delete, 10 checks), while the number of checks grows only with the logarithm of the
duration: a 10-minute delete costs about 55 (Terraform's provider: 10 s delay, then every 10 s).
"""

from __future__ import annotations

import time
from collections.abc import Callable

FIRST_INTERVAL = 0.2  # the first check, and the shortest wait between two checks
GROWTH = 0.15  # each wait is this fraction of the time already waited
MAX_INTERVAL = 30.0  # the longest wait between two checks
# Progress callbacks come after this long and then at most this often: a wait shorter than this
# prints nothing (a successful run has no diagnostics to read), and fast polling never floods the log.
REPORT_EVERY = 10.0


def interval(elapsed: float, first: float = FIRST_INTERVAL, growth: float = GROWTH, cap: float = MAX_INTERVAL) -> float:
    """Seconds to wait before the next check, `elapsed` seconds into the wait."""
    return min(cap, max(first, elapsed * growth))


def poll(
    check: Callable[[], bool],
    timeout: float,
    on_wait: Callable[[float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> bool:
    """Call `check` until it returns True; False when `timeout` seconds passed first.

    `on_wait(elapsed)` reports progress once REPORT_EVERY seconds have passed, then at most every
    REPORT_EVERY seconds; a shorter wait reports nothing.
    """
    start = clock()
    reported = 0.0
    while True:
        elapsed = clock() - start
        if elapsed >= timeout:
            return False
        sleep(min(interval(elapsed), timeout - elapsed))
        if check():
            return True
        elapsed = clock() - start
        if on_wait is not None and elapsed - reported >= REPORT_EVERY:
            reported = elapsed
            on_wait(elapsed)
