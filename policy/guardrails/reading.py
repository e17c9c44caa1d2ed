"""Reading what the engine sends without trusting it.

Properties arrive as JSON-shaped values from whatever program ran: a number may come as a string,
a map as a list, and during preview a value another resource computes is *unknown*. The
pulumi-policy SDK wraps properties in a proxy that raises ``UnknownValueError`` when an unknown
value is read. Resource policies let that propagate: the SDK then reports, as advisory, that the
policy could not run during preview, and the update runs it again on known values. Stack
policies read through ``peek`` instead, so they judge the known part of the stack and skip the
rest.

Validators see secrets unwrapped, so messages never quote a property value; they quote names
(keys, resource names), escaped and bounded so a hostile name can neither fake output lines nor
flood it.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from pulumi_policy.proxy import UnknownValueError


class _Unknown(enum.Enum):
    VALUE = "unknown"


UNKNOWN: Final = _Unknown.VALUE
"""What ``peek`` returns for a value the engine cannot know yet (preview)."""

SHOWN_NAME_LIMIT: Final = 64
LISTED_NAMES_LIMIT: Final = 5


def peek(container: object, key: str) -> object:
    """``container[key]``; None when absent or not a map; ``UNKNOWN`` when not known yet."""
    if not isinstance(container, Mapping):
        return None
    try:
        return container.get(key)
    except UnknownValueError:
        return UNKNOWN


def whole_number(value: object) -> int | None:
    """An integral, finite number (JSON numbers arrive as floats); None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        return None
    return int(value)


def is_set(value: object) -> bool:
    """True unless the value is absent or empty (null, ``""``, ``[]``, ``{}``)."""
    if value is None:
        return False
    if isinstance(value, Mapping | Sequence):
        return len(value) > 0
    return True


def shown(name: object) -> str:
    """A name quoted with control characters escaped, cut at ``SHOWN_NAME_LIMIT`` characters."""
    text = name if isinstance(name, str) else type(name).__name__
    if len(text) > SHOWN_NAME_LIMIT:
        return repr(text[:SHOWN_NAME_LIMIT]) + "…"
    return repr(text)


def listing(names: Iterable[object]) -> str:
    """Up to ``LISTED_NAMES_LIMIT`` names, sorted and quoted, then how many more there are."""
    quoted = sorted(shown(name) for name in names)
    head = ", ".join(quoted[:LISTED_NAMES_LIMIT])
    rest = len(quoted) - LISTED_NAMES_LIMIT
    return f"{head} and {rest} more" if rest > 0 else head
