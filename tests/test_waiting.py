"""The polling schedule: quick first check, waits growing with the time waited, throttled progress."""

from __future__ import annotations

import itertools

import pytest

from modelarts_provider.core import waiting


class FakeClock:
    """A clock that only moves when the code under test sleeps or a check takes time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.checks: list[float] = []

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def checks_until(done_at: float, latency: float = 0.05, timeout: float = 3600.0) -> tuple[list[float], bool]:
    clock = FakeClock()

    def check() -> bool:
        clock.now += latency  # the GET's round trip
        clock.checks.append(clock.now)
        return clock.now >= done_at

    ok = waiting.poll(check, timeout, sleep=clock.sleep, clock=clock)
    return clock.checks, ok


def test_first_check_is_quick_and_waits_grow() -> None:
    """The waits poll really sleeps, for checks that take no time and never succeed."""
    clock = FakeClock()
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock.sleep(seconds)

    assert not waiting.poll(lambda: False, 3 * 3600.0, sleep=sleep, clock=clock)
    assert waits[0] == waiting.FIRST_INTERVAL
    assert waits[:-1] == sorted(waits[:-1]) and waits[30] > 5 * waits[0]  # the last wait is cut at the timeout
    assert max(waits) == waiting.MAX_INTERVAL


@pytest.mark.parametrize("done_at", [0.3, 1.0, 1.9, 2.0, 2.1, 2.5, 3.0])
def test_a_two_second_operation_is_noticed_within_half_a_second(done_at: float) -> None:
    checks, ok = checks_until(done_at)
    assert ok and checks[-1] - done_at <= 0.5
    assert len(checks) <= 12


def test_a_slow_operation_costs_few_calls() -> None:
    checks, ok = checks_until(600.0)
    assert ok and len(checks) < 60  # Terraform's fixed 10 s delay and polling: 60
    assert checks[-1] - 600.0 <= waiting.MAX_INTERVAL + 0.05


def test_timeout_and_throttled_progress() -> None:
    clock = FakeClock()
    reports: list[float] = []
    assert not waiting.poll(lambda: False, 35.0, reports.append, sleep=clock.sleep, clock=clock)
    assert clock.now == pytest.approx(35.0)
    # nothing for the first REPORT_EVERY s (a short wait prints no line), then every REPORT_EVERY s
    assert len(reports) == 3 and waiting.REPORT_EVERY <= reports[0] < waiting.REPORT_EVERY + 2
    assert all(b - a >= waiting.REPORT_EVERY for a, b in itertools.pairwise(reports))


def test_a_wait_under_report_every_reports_nothing() -> None:
    clock = FakeClock()
    reports: list[float] = []
    done_at = waiting.REPORT_EVERY - 0.5
    assert waiting.poll(lambda: clock.now >= done_at, 600.0, reports.append, sleep=clock.sleep, clock=clock)
    assert reports == []
