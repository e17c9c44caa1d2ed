"""How long config validation takes at its bounds, and how fast it refuses what is over them.

Issue 8 measured 53 s for 20,000 roles (a quadratic duplicate check over an unbounded list). The
lists are now bounded and checked with sets. This prints seconds for: the largest accepted config
(500 clients with 100 roles each), a list far over the bound (20,000 roles, refused before it is
walked), and 500 clients each with 100 duplicate roles (every one a problem). Target: each under
1 s. Figures, not assertions: run ``venv/bin/python -m benchmarks.config_validation``.
"""

from __future__ import annotations

import contextlib
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from components.config import MAX_CLIENTS, MAX_LIST_ITEMS, ConfigError, parse_stack_config

REPEATS = 3


def config_with(roles: list[dict[str, str]], clients: int) -> dict[str, Any]:
    """``clients`` CLIENT-CREDENTIALS clients, each granted ``roles``."""
    return {
        "genesysRegion": "us-east-1",
        "clients": [
            {"name": f"client-{index}", "grantType": "CLIENT-CREDENTIALS", "roles": roles}
            for index in range(clients)
        ],
    }


def seconds(action: Callable[[], object]) -> float:
    """Median wall time of ``action`` over REPEATS runs; a ConfigError counts as done."""
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        with contextlib.suppress(ConfigError):
            action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    distinct = [{"roleId": str(uuid.uuid4()), "divisionId": "*"} for _ in range(MAX_LIST_ITEMS)]
    same = [{"roleId": str(uuid.UUID(int=1)), "divisionId": "*"}] * MAX_LIST_ITEMS
    over = [{"roleId": str(uuid.uuid4())} for _ in range(20_000)]
    cases = {
        f"{MAX_CLIENTS} clients x {MAX_LIST_ITEMS} distinct roles (accepted)": config_with(
            distinct, MAX_CLIENTS
        ),
        f"{MAX_CLIENTS} clients x {MAX_LIST_ITEMS} duplicate roles (refused)": config_with(
            same, MAX_CLIENTS
        ),
        "1 client x 20000 roles (refused by the bound)": config_with(over, 1),
    }
    for label, config in cases.items():

        def validate(config: dict[str, Any] = config) -> object:
            return parse_stack_config(config)

        print(f"{seconds(validate):>8.3f} s  {label}")


if __name__ == "__main__":
    main()
