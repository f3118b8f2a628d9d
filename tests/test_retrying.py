"""The retry policy as a table: each row is one outcome and what the documented policy says to do
(docs/configuration.md, "Time bounds and retries"). The HTTP tests show the client follows it."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime

import pytest

from modelarts_provider.api.retrying import MAX_BACKOFF, Decision, Outcome, backoff, decide, retry_after_seconds

LOST = Outcome()  # no answer, may have been sent
NOT_SENT = Outcome(not_sent=True)
BAD_CERT = Outcome(not_sent=True, curable=False)


def step(
    outcome: Outcome, repeatable: bool = True, retries: int = 0, left: float = 100.0, renew: bool = False
) -> Decision:
    return decide(
        outcome,
        repeatable=repeatable,
        error_retries=retries,
        max_retries=2,
        time_left=left,
        can_renew=renew,
        backoff_delay=0.3,
    )


@pytest.mark.parametrize(
    ("outcome", "kwargs", "expected"),
    [
        (Outcome(200), {}, Decision("done")),
        (Outcome(204), {"repeatable": False}, Decision("done")),
        (Outcome(302), {}, Decision("fail", why="redirect")),
        (Outcome(304), {}, Decision("fail", why="redirect")),
        (Outcome(400), {}, Decision("fail", why="answer")),
        (Outcome(401), {"renew": True}, Decision("renew")),
        (Outcome(401), {}, Decision("fail", why="answer")),  # a key or a renewed token: never again
        (Outcome(403), {}, Decision("fail", why="answer")),
        (Outcome(503), {}, Decision("retry", delay=0.3)),
        (Outcome(503, retry_after=2.0), {}, Decision("retry", delay=2.0)),
        (Outcome(503), {"repeatable": False}, Decision("fail", why="answer")),  # a POST may have taken effect
        (Outcome(429), {"repeatable": False}, Decision("retry", delay=0.3)),  # refused: nothing happened
        (Outcome(429), {"retries": 2}, Decision("fail", why="retries")),
        (Outcome(429, retry_after=999999.0), {}, Decision("fail", delay=999999.0, why="deadline")),
        (Outcome(429, retry_after=5.0), {"left": 4.0}, Decision("fail", delay=5.0, why="deadline")),
        (Outcome(501), {}, Decision("fail", why="answer")),
        (LOST, {}, Decision("retry", delay=0.3)),
        (LOST, {"retries": 50}, Decision("retry", delay=0.3)),  # lost answers are not counted
        (LOST, {"left": 0.2}, Decision("fail", delay=0.3, why="deadline")),
        (LOST, {"repeatable": False}, Decision("fail", why="unsafe")),
        (NOT_SENT, {"repeatable": False}, Decision("retry", delay=0.3)),  # a POST that never left
        (BAD_CERT, {}, Decision("fail", why="incurable")),
    ],
)
def test_policy(outcome: Outcome, kwargs: dict[str, float | bool], expected: Decision) -> None:
    assert step(outcome, **kwargs) == expected  # type: ignore[arg-type]


NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("0", 0.0),
        ("7", 7.0),
        (" 2.5 ", 2.5),
        ("999999", 999999.0),
        ("soon", None),
        ("-1", None),
        ("nan", None),
        ("inf", None),
        ("1e3", None),
        ("1_000", None),
        (format_datetime(datetime.fromtimestamp(NOW + 30, tz=timezone.utc), usegmt=True), 30.0),
        (format_datetime(datetime.fromtimestamp(NOW - 30, tz=timezone.utc), usegmt=True), 0.0),
        ("Mon, 99 Foo 2020 99:99:99 GMT", None),
        ("Fri, 31 Dec 9999 23:59:59 GMT", 253402300799.0 - NOW),
    ],
)
def test_retry_after(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, NOW) == seconds


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    assert [backoff(n, jitter=0.0) for n in range(4)] == [0.1, 0.2, 0.4, 0.8]
    assert [backoff(n, jitter=0.999999) for n in range(3)] == pytest.approx([0.2, 0.4, 0.8], rel=1e-5)
    assert backoff(100, jitter=0.999999) <= MAX_BACKOFF
