"""Retry-After in both forms RFC 9110 allows, and the backoff bounds of the retry policy."""

from __future__ import annotations

import pytest

from genesys_credentials import RetryPolicy
from genesys_credentials.retry import parse_retry_after

NOW = 1_790_000_000.0  # 2026-09-21T14:13:20Z


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        (" 0 ", 0.0),
        ("Mon, 21 Sep 2026 14:13:50 GMT", 30.0),
        ("Mon, 21 Sep 2026 14:00:00 GMT", 0.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("-3", None),
        ("²", None),
        ("٣", None),
    ],
)
def test_retry_after_as_seconds_or_http_date(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, now=lambda: NOW) == seconds


def test_backoff_doubles_up_to_max_delay() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0, jitter=lambda: 1.0)
    assert [policy.backoff(attempt) for attempt in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_backoff_is_jittered_below_its_bound() -> None:
    policy = RetryPolicy(base_delay=1.0, jitter=lambda: 0.25)
    assert policy.backoff(3) == 1.0


def test_at_least_one_attempt() -> None:
    with pytest.raises(ValueError, match="max_attempts must be 1 to 20"):
        RetryPolicy(max_attempts=0)
