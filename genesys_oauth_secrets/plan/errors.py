"""The plan's expected failures: one message, one exit code, never a stack trace."""

from __future__ import annotations

EXIT_REFUSED = 1
"""The program refused its config (what `pulumi up` would stop on), or a plan check failed."""
EXIT_FAILURE = 2
"""The plan could not run: bad flags, unreadable stack file, a value it cannot read offline."""


class PlanError(Exception):
    """The plan could not run; ``str(error)`` is the whole message, naming what to fix."""

    exit_code = EXIT_FAILURE
