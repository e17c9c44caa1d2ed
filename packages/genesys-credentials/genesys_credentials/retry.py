"""How long to wait before asking the Genesys login host again, and when to stop asking.

The server's ``Retry-After`` (delta-seconds or an HTTP date, RFC 9110 §10.2.3) wins when it
sends one; otherwise the wait is "full jitter" exponential backoff, so a fleet of service
instances throttled together does not retry together. A server asking for a longer wait than
``max_delay`` ends the retries at once: sleeping minutes inside a request handler is worse than
failing with a clear message. Sleep, clock and randomness are injectable for tests.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from genesys_credentials.errors import InvalidArgument

MAX_ATTEMPTS = 20
MAX_DELAY = 3600.0
"""An hour: no request handler should wait longer than this for a token."""
LONGEST_WAIT = 10**9
"""The cap on what a Retry-After header can ask for, in seconds (about 31 years)."""
_SECONDS = re.compile(r"[0-9]+", re.ASCII)
_SECONDS_DIGITS = 10
_HTTP_DATE_LENGTH = 64
"""``Sun, 06 Nov 1994 08:49:37 GMT`` is 29 characters; anything far longer is not a date."""


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
        if not 1 <= self.max_attempts <= MAX_ATTEMPTS:
            raise InvalidArgument(
                f"max_attempts must be 1 to {MAX_ATTEMPTS}, not {self.max_attempts!r}"
            )
        for name in ("base_delay", "max_delay"):
            value = getattr(self, name)
            if not 0 <= value <= MAX_DELAY:
                raise InvalidArgument(f"{name} must be 0 to {MAX_DELAY:g} seconds, not {value!r}")

    def backoff(self, attempt: int) -> float:
        """The wait after failed attempt ``attempt`` (1-based) when the server named none."""
        return self.jitter() * min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))


def parse_retry_after(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a ``Retry-After`` header; None when absent or unreadable.

    Only ASCII digits count as delta-seconds (``str.isdigit`` also accepts ``²``, which
    ``float`` refuses). An answer asking for more than :data:`LONGEST_WAIT` is capped there: it
    is longer than any ``max_delay``, so the caller gives up rather than sleeping.
    """
    if value is None:
        return None
    text = value.strip()
    if _SECONDS.fullmatch(text):
        digits = text.lstrip("0") or "0"
        seconds = LONGEST_WAIT if len(digits) > _SECONDS_DIGITS else int(digits)
        return float(min(seconds, LONGEST_WAIT))
    if not text or len(text) > _HTTP_DATE_LENGTH:
        return None
    try:
        when = parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError, OSError):
        return None
    return min(max(0.0, when - now()), float(LONGEST_WAIT))
