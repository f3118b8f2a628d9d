"""The live suite's switch (tests/live/conftest.py): off unless asked for, and then it says in one
line exactly what is missing; it never runs half-configured."""

from __future__ import annotations

from tests.live.conftest import missing

SANDBOX = {"MODELARTS_LIVE": "1", "HW_REGION_NAME": "ap-southeast-1", "HW_PROJECT_ID": "p" * 32}


def test_off_unless_asked_for() -> None:
    reason = missing({"HW_ACCESS_KEY": "AK", "HW_SECRET_KEY": "SK", "HW_REGION_NAME": "r", "HW_PROJECT_ID": "p"})
    assert reason is not None and reason.startswith("live suite off: set MODELARTS_LIVE=1") and "\n" not in reason


def test_asked_for_it_names_what_is_missing() -> None:
    reason = missing({"MODELARTS_LIVE": "1", "HW_ACCESS_KEY": "AK"})
    assert reason is not None and "\n" not in reason
    assert "HW_REGION_NAME, HW_PROJECT_ID, credentials (" in reason


def test_each_way_in_is_enough() -> None:
    assert missing({**SANDBOX, "HW_ACCESS_KEY": "AK", "HW_SECRET_KEY": "SK"}) is None
    assert missing({**SANDBOX, "HW_USER_NAME": "u", "HW_USER_PASSWORD": "pw", "HW_DOMAIN_NAME": "d"}) is None
    assert missing({**SANDBOX, "HW_AUTH_TOKEN": "t"}) is None
    assert missing({**SANDBOX, "HW_USER_NAME": "u", "HW_USER_PASSWORD": "pw"}) is not None
