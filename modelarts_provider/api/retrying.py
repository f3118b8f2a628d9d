"""The retry policy: one pure function decides after every attempt whether a call is done, is
repeated (and after how long), renews its token, or fails, from everything that matters.

Kept apart from the HTTP code so the whole policy can be read, and tested, in one place:

* an answer below 300 is the result; 3xx is never followed (it would carry the signature or
  token to wherever `Location` points);
* 429 is repeated for every method (the server refused the request, so nothing happened), 500,
  502, 503 and 504 only when a repeat is safe, each at most `max_retries` times;
* no answer at all (refused, reset, timed out) is repeated until the deadline, without a count,
  when a repeat is safe or the request certainly never left;
* a wait (`Retry-After` or the backoff) that would end after the deadline is not started;
* a rejected token is renewed once per call; other 401s are final (bad signatures lock a key).
"""

from __future__ import annotations

import email.utils
import math
import random
import re
from dataclasses import dataclass
from datetime import timezone
from typing import Literal

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
FIRST_BACKOFF = 0.2  # seconds before the first repeat (then doubling)
MAX_BACKOFF = 10.0  # the longest wait between two attempts, unless Retry-After asks for more
_DELTA_SECONDS = re.compile(r"[0-9]{1,15}(\.[0-9]{1,6})?")


def backoff(attempt: int, jitter: float | None = None) -> float:
    """Seconds to wait before repeat number `attempt + 1`: exponential, capped, with jitter
    (`jitter` in [0, 1); random when not given) so parallel callers do not retry in step."""
    share = random.random() if jitter is None else jitter
    return float(min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** min(attempt, 16)) * (0.5 + share / 2))


def retry_after_seconds(value: str | None, now: float) -> float | None:
    """`Retry-After` as seconds from `now` (epoch seconds): delta-seconds or an HTTP date.
    Anything else (`soon`, `-1`, `nan`, an impossible date) is ignored: None."""
    text = (value or "").strip()
    if not text:
        return None
    if _DELTA_SECONDS.fullmatch(text):
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = when.timestamp() - now
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, seconds) if math.isfinite(seconds) else None


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: an HTTP status, or no answer (`status` None)."""

    status: int | None = None
    not_sent: bool = False  # no answer, and the request certainly did not leave (refused, connect timeout)
    curable: bool = True  # no answer, but a repeat could get one (False: the TLS certificate was rejected)
    retry_after: float | None = None  # seconds the server asked to wait, when it said so readably


Action = Literal["done", "retry", "renew", "fail"]
# Why a call fails: the answer is an error; a redirect; no answer and a repeat is unsafe or useless;
# error answers repeated max_retries times; the next attempt could not start before the deadline.
Why = Literal["", "answer", "redirect", "unsafe", "incurable", "retries", "deadline"]


@dataclass(frozen=True)
class Decision:
    action: Action
    delay: float = 0.0
    why: Why = ""


def decide(
    outcome: Outcome,
    *,
    repeatable: bool,
    error_retries: int,
    max_retries: int,
    time_left: float,
    can_renew: bool,
    backoff_delay: float,
) -> Decision:
    """The next step of a call after one attempt.

    `repeatable`: the request may be sent twice (GET, PUT, DELETE, an IAM token POST);
    `error_retries`: error answers already repeated in this call; `time_left`: seconds until the
    call's deadline; `can_renew`: the credential is a token not yet renewed in this call;
    `backoff_delay`: the wait to use when the server gave no `Retry-After`.
    """
    status = outcome.status
    if status is None:
        if not outcome.curable:
            return Decision("fail", why="incurable")
        if not (repeatable or outcome.not_sent):
            return Decision("fail", why="unsafe")
        wait = backoff_delay
    elif status == 401 and can_renew:
        return Decision("renew")
    elif 300 <= status < 400:
        return Decision("fail", why="redirect")
    elif status < 400:
        return Decision("done")
    elif status in RETRY_STATUSES and (repeatable or status == 429):
        if error_retries >= max_retries:
            return Decision("fail", why="retries")
        wait = outcome.retry_after if outcome.retry_after is not None else backoff_delay
    else:
        return Decision("fail", why="answer")
    if wait >= time_left:
        return Decision("fail", delay=wait, why="deadline")
    return Decision("retry", delay=wait)
