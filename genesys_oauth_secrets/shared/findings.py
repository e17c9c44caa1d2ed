"""What a check found: one line each, with the command or setting that fixes it.

Exit code of a run: ``2`` if any check could not run (its verdict is unknown, so the run proves
nothing), else ``1`` if anything needs the user, else ``0``. A check skipped because the
account does not allow it is said to be skipped and does not fail the run; a check skipped
because an earlier one failed cannot change the code, since that earlier failure already did.
A finding that is ``unverified`` (the answer depends on something the check cannot know, such
as a condition on the caller's source IP) does not fail the run either: fail closed, but never
block a correct run on a guess.

A finding's message and fix may carry text from elsewhere (an environment variable such as
``GENESYSCLOUD_OAUTHCLIENT_ID``, an error from a library that quotes it, an API's answer), so
both are escaped where they are rendered, text and JSON alike: a newline or a ``::warning::`` in
them cannot start a line of its own, forge an ``OK`` or a GitHub workflow command.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from genesys_oauth_secrets.shared.output import EXIT_ATTENTION, EXIT_OK
from genesys_oauth_secrets.shared.output import EXIT_CANNOT as EXIT_FAILURE
from genesys_oauth_secrets.shared.text import LINE_LIMIT, shown

__all__ = ["EXIT_ATTENTION", "EXIT_FAILURE", "LABEL_WIDTH", "Finding", "Status", "exit_code"]


class Status(Enum):
    """How one finding counts towards the exit code."""

    OK = "ok"
    PROBLEM = "problem"
    """Something the user must change before deploying; ``fix`` says what."""
    ERROR = "error"
    """The check could not run: nothing is known about what it checks."""
    SKIPPED = "skipped"
    UNVERIFIED = "unverified"
    """The check ran but its answer hangs on context it cannot know; the message names it."""


LABEL_WIDTH = max(len(status.value) for status in Status)
"""Every status label padded to the longest, so the check names line up in one column."""


@dataclass(frozen=True)
class Finding:
    """One line of the report."""

    check: str
    status: Status
    message: str
    fix: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {
            "check": self.check,
            "status": self.status.value,
            "message": shown(self.message, LINE_LIMIT),
            "fix": None if self.fix is None else shown(self.fix, LINE_LIMIT),
        }

    def to_text(self) -> str:
        label = f"{self.status.value.upper():{LABEL_WIDTH}} {self.check:20}"
        line = f"{label} {shown(self.message, LINE_LIMIT)}"
        return (
            line
            if self.fix is None
            else f"{line}\n{'':{len(label)}} fix: {shown(self.fix, LINE_LIMIT)}"
        )


def exit_code(findings: Iterable[Finding]) -> int:
    statuses = {finding.status for finding in findings}
    if Status.ERROR in statuses:
        return EXIT_FAILURE
    if Status.PROBLEM in statuses:
        return EXIT_ATTENTION
    return EXIT_OK
