"""Guardrails for ``aws:kms/key:Key``: the key that encrypts every client secret of the stack.

Deleting that key makes every stored secret unreadable, so the deletion window must leave time to
notice and cancel; rotation keeps the amount of data under one key version bounded.
"""

from __future__ import annotations

from typing import Final

from pulumi_policy import ResourceValidationArgs, Severity

from guardrails.declare import Report, resource_policy
from guardrails.reading import whole_number
from guardrails.resource_types import KMS_KEY

DEFAULT_DELETION_DAYS: Final = 30
"""KMS's (and the provider's) waiting period when ``deletionWindowInDays`` is not set."""

MINIMUM_DELETION_DAYS: Final = 7


def _rotation(args: ResourceValidationArgs, report: Report) -> None:
    if args.props.get("enableKeyRotation") is not True:
        report("enableKeyRotation is not true: set enable_key_rotation=True on the key.")


def _deletion_window(args: ResourceValidationArgs, report: Report) -> None:
    raw = args.props.get("deletionWindowInDays")
    days = DEFAULT_DELETION_DAYS if raw is None else whole_number(raw)
    if days is None or days < MINIMUM_DELETION_DAYS:
        report(
            f"deletionWindowInDays must be a whole number of at least {MINIMUM_DELETION_DAYS}: "
            "keep components/secrets_key.py's 30."
        )


POLICIES: Final = [
    resource_policy(
        name="kms-key-rotation",
        description=(
            "The secrets' KMS key must rotate yearly: rotation bounds how much is encrypted under "
            "one key version, as most audits require. Fix: set enable_key_rotation=True."
        ),
        resource_type=KMS_KEY,
        check=_rotation,
        severity=Severity.MEDIUM,
        advisory_safe=True,
    ),
    resource_policy(
        name="kms-key-deletion-window",
        description=(
            f"The secrets' KMS key must wait at least {MINIMUM_DELETION_DAYS} days before it is "
            "deleted: once it is gone every secret it encrypted is unreadable, so the window is "
            "the time to notice and cancel. Fix: set deletion_window_in_days to 7..30 (30 is best)."
        ),
        resource_type=KMS_KEY,
        check=_deletion_window,
        severity=Severity.HIGH,
    ),
]
