"""Hypothesis settings that do not depend on how busy the machine is.

CI runs on a shared two-core machine: a per-example deadline or the ``too_slow`` health check
turns a slow moment into a red run, and a red run means nothing lands. So no profile here has
either, and the number of examples is a fixed budget, never a time budget. ``CI=true`` selects
the ``ci`` profile (no example database: a clean clone has none to reuse and none to keep);
laptops get ``dev``, which keeps the database so a failure found once is replayed first.

A test that needs its own health-check list builds it with :func:`health_checks_off`, so that
it can only add to what the profile turns off; ``tests/conftest.py`` refuses, at collection, a
hypothesis test whose settings bring a deadline or ``too_slow`` back.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

LOAD_DEPENDENT = (HealthCheck.too_slow,)
"""Health checks that measure wall-clock time, i.e. the machine, not the test."""
EXAMPLES = 100


def health_checks_off(*extra: HealthCheck) -> list[HealthCheck]:
    """The load-dependent checks plus ``extra``: for ``@settings(suppress_health_check=…)``."""
    return [*LOAD_DEPENDENT, *extra]


def register() -> str:
    """Register both profiles and load the one this environment calls for; returns its name."""
    common = settings(
        deadline=None, suppress_health_check=health_checks_off(), max_examples=EXAMPLES
    )
    settings.register_profile("ci", common, database=None, print_blob=True)
    settings.register_profile("dev", common)
    name = "ci" if os.environ.get("CI", "").lower() == "true" else "dev"
    settings.load_profile(name)
    return name


def load_independent(test_settings: settings) -> bool:
    """True when ``test_settings`` has no deadline and ignores every load-dependent check."""
    suppressed = set(test_settings.suppress_health_check)
    return test_settings.deadline is None and suppressed.issuperset(LOAD_DEPENDENT)


FIXTURE_OK = health_checks_off(HealthCheck.function_scoped_fixture)
"""For tests whose function-scoped fixture (a moto server, a temp dir) is shared on purpose."""
