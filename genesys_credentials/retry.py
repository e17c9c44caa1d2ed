"""How long to wait before asking the Genesys login host again, and when to stop asking.

The server's ``Retry-After`` (delta-seconds or an HTTP date, RFC 9110 §10.2.3) wins when it
sends one; otherwise the wait is "full jitter" exponential backoff, so a fleet of service
instances throttled together does not retry together. A server asking for a longer wait than
``max_delay`` ends the retries at once: sleeping minutes inside a request handler is worse than
failing with a clear message. Sleep, clock and randomness are injectable for tests.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with backoff.

    The worst case is ``(max_attempts - 1) * max_delay`` of waiting plus one request timeout per
    attempt: with the defaults and servers that always ask for 30 s, about 90 s of sleep. Without
    Retry-After the waits are jittered fractions of 0.5, 1 and 2 s.
    """

    max_attempts: int = 4
    """Requests per token fetch, the first one included."""
    base_delay: float = 0.5
    """The first backoff's upper bound in seconds; it doubles on every retry."""
    max_delay: float = 30.0
    """No single wait is longer than this, whether computed or asked for by Retry-After."""
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = field(default=random.random)
    """A uniform draw from [0, 1) scaling each computed backoff."""

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, not {self.max_attempts}")

    def backoff(self, attempt: int) -> float:
        """The wait after failed attempt ``attempt`` (1-based) when the server named none."""
        return self.jitter() * min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))


def parse_retry_after(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a ``Retry-After`` header; None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())
