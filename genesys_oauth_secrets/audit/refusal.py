"""A file Pulumi's own loader refuses: the audit says so, by rule, and never claims OK.

Every rule below is checked against ``pulumi/pulumi`` at commit
1b5949891b3cefcb9974752b24a5ecef0acc86c8 (3.260.0 development; the project pins 3.272.0 in
``.pulumi-version``, whose load path was not read here). Each raise site cites the Go function
it mirrors. The exit code is 2 ("the audit proves nothing"), like any other unreadable input.
"""

from __future__ import annotations

from genesys_oauth_secrets.shared.errors import CheckpointUnreadable

PULUMI_COMMIT = "1b5949891b3cefcb9974752b24a5ecef0acc86c8"


class PulumiRefuses(CheckpointUnreadable):
    """Pulumi would refuse to load this file; ``rule`` names which of its load rules."""

    def __init__(self, label: str, rule: str, why: str) -> None:
        self.rule = rule
        super().__init__(f"{label}: Pulumi refuses to load this file [{rule}]: {why}")
