"""The plan's expected failures: one message, one exit code, never a stack trace."""

from __future__ import annotations

from genesys_oauth_secrets.shared.output import EXIT_ATTENTION as EXIT_REFUSED
from genesys_oauth_secrets.shared.output import EXIT_CANNOT as EXIT_FAILURE

__all__ = ["EXIT_FAILURE", "EXIT_REFUSED", "PlanError"]


class PlanError(Exception):
    """The plan could not run; ``str(error)`` is the whole message, naming what to fix."""

    exit_code = EXIT_FAILURE
