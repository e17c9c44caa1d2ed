"""A string that will not print itself: the OAuth client secret and the access token.

Services log objects they did not write (``logger.debug("got %s", creds)``), error trackers
``repr`` locals, and a cache layer may pickle whatever it is handed. Each of those paths goes
through ``repr``/``str``/``__reduce__``, so those are where the value is withheld; the only way
to read it is to ask for it by name with :meth:`Secret.reveal`.
"""

from __future__ import annotations

import hmac
from typing import NoReturn

MASK = "********"


class Secret:
    """Holds a sensitive string; ``repr``, ``str`` and f-strings show a mask, pickling refuses."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The value itself, for the one place that must send it (an Authorization header)."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{MASK}')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> NoReturn:
        raise TypeError(
            "a Secret cannot be pickled: cache the secret ARN and read it again instead of "
            "persisting credentials"
        )

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Secret:
        return self
