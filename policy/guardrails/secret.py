"""Guardrails for ``aws:secretsmanager/secret:Secret``: the key, the recovery window, the tags.

A secret encrypted with the AWS-managed ``aws/secretsmanager`` key can be read by anyone in the
account allowed ``secretsmanager:GetSecretValue``: its key policy cannot be narrowed or audited
per stack. A recovery window of 0 deletes the client's credentials with no way back. The tags are
how an auditor traces a secret to the stack and client that own it (``components/tagging.py`` and
the component write them).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Final

from pulumi_policy import PolicyConfigSchema, ResourceValidationArgs, Severity

from guardrails.declare import Report, resource_policy
from guardrails.reading import listing, whole_number
from guardrails.resource_types import SECRET

AWS_MANAGED_ALIAS_PREFIX: Final = "alias/aws/"
"""AWS reserves alias names under ``alias/aws/`` for its managed keys."""

DEFAULT_RECOVERY_DAYS: Final = 30
"""Secrets Manager's (and the provider's) window when ``recoveryWindowInDays`` is not set."""

MINIMUM_RECOVERY_DAYS: Final = 7
LONGEST_RECOVERY_DAYS: Final = 30

STACK_TAGS_FROM_ENGINE: Final = {"pulumi-project": "PULUMI_PROJECT", "pulumi-stack": "PULUMI_STACK"}
"""Tags whose value must name the running project/stack (the language host exports both)."""

REQUIRED_TAGS: Final = ("managed-by", *STACK_TAGS_FROM_ENGINE, "genesys-oauth-client")

ARN_FIELDS: Final = 6
"""``arn:partition:service:region:account:resource``; the resource may hold more colons."""


def aws_managed_key(key_id: str) -> bool:
    """True for ``alias/aws/…`` given bare or as an alias ARN (``arn:…:alias/aws/…``)."""
    fields = key_id.split(":", ARN_FIELDS - 1)
    resource = fields[-1] if key_id.startswith("arn:") and len(fields) == ARN_FIELDS else key_id
    return resource.strip().casefold().startswith(AWS_MANAGED_ALIAS_PREFIX)


def _customer_managed_key(args: ResourceValidationArgs, report: Report) -> None:
    key_id = args.props.get("kmsKeyId")
    if not isinstance(key_id, str) or not key_id.strip():
        report(
            "kmsKeyId is not set, so Secrets Manager uses the AWS-managed key: pass the stack's "
            "key (components/secrets_key.py) or a customer-managed key in secretsKmsKeyId."
        )
    elif aws_managed_key(key_id):
        report(
            "kmsKeyId names an AWS-managed key (alias/aws/…): use a customer-managed key; leave "
            "secretsKmsKeyId empty and the program creates one."
        )


def _recovery_window(args: ResourceValidationArgs, report: Report) -> None:
    minimum = whole_number(args.get_config().get("minimumDays", MINIMUM_RECOVERY_DAYS))
    if minimum is None or not 0 <= minimum <= LONGEST_RECOVERY_DAYS:
        report(
            "pack config secret-recovery-window.minimumDays is not a whole number from 0 to "
            f"{LONGEST_RECOVERY_DAYS}: fix the --policy-pack-config file."
        )
        return
    raw = args.props.get("recoveryWindowInDays")
    days = DEFAULT_RECOVERY_DAYS if raw is None else whole_number(raw)
    if days is None:
        report("recoveryWindowInDays is not a whole number of days: set it from 7 to 30.")
    elif days < minimum:
        what = "0 deletes the secret at once, with no recovery" if days == 0 else f"{days} days"
        report(
            f"recoveryWindowInDays is {what}; this stack requires at least {minimum} days: "
            "raise the client's recoveryWindowInDays, or opt in with the second key, "
            f"secret-recovery-window.minimumDays: {days} in the stack's pack config "
            "(policy/config/<stack>.json)."
        )


def _tag(tags: Mapping[str, object], key: str) -> str | None:
    value = tags.get(key)
    return value if isinstance(value, str) and value else None


def _required_tags(args: ResourceValidationArgs, report: Report) -> None:
    tags = args.props.get("tags")
    if not isinstance(tags, Mapping):
        report(f"tags are missing: tag the secret with {', '.join(REQUIRED_TAGS)}.")
        return
    values = {key: _tag(tags, key) for key in REQUIRED_TAGS}
    missing = [key for key, value in values.items() if value is None]
    if missing:
        report(
            f"tags lack {listing(missing)}: build the secret inside OAuthClientSecret with "
            "stack_tags() (components/tagging.py)."
        )
    if values["managed-by"] not in (None, "pulumi"):
        report("tag managed-by is not 'pulumi': keep the value stack_tags() sets.")
    for tag, variable in STACK_TAGS_FROM_ENGINE.items():
        expected = os.environ.get(variable)
        if expected and values[tag] not in (None, expected):
            report(f"tag {tag} names another {tag.removeprefix('pulumi-')}: keep stack_tags().")


POLICIES: Final = [
    resource_policy(
        name="secret-customer-managed-key",
        description=(
            "A client's secret must be encrypted with a customer-managed KMS key: the AWS-managed "
            "aws/secretsmanager key's policy cannot be narrowed, so every principal allowed "
            "GetSecretValue in the account can read it. Fix: set kmsKeyId to the stack's key."
        ),
        resource_type=SECRET,
        check=_customer_managed_key,
        severity=Severity.HIGH,
    ),
    resource_policy(
        name="secret-recovery-window",
        description=(
            "A client's secret must keep a recovery window of at least minimumDays (default 7): "
            "a shorter one, or 0, loses the credentials for good when the secret is deleted by "
            "mistake. Fix: raise recoveryWindowInDays; immediate deletion (recoveryWindowInDays: "
            "0) takes a second key, secret-recovery-window.minimumDays: 0 in the stack's pack "
            "config (policy/config/<stack>.json)."
        ),
        resource_type=SECRET,
        check=_recovery_window,
        severity=Severity.MEDIUM,
        advisory_safe=True,
        config_schema=PolicyConfigSchema(
            properties={
                "minimumDays": {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": LONGEST_RECOVERY_DAYS,
                    "default": MINIMUM_RECOVERY_DAYS,
                    "description": "Shortest recovery window allowed; 0 allows immediate deletion.",
                }
            }
        ),
    ),
    resource_policy(
        name="secret-required-tags",
        description=(
            f"A client's secret must carry the tags {', '.join(REQUIRED_TAGS)}: they are how an "
            "auditor traces a secret to the stack and client that own it. Fix: create the secret "
            "through OAuthClientSecret, which adds them."
        ),
        resource_type=SECRET,
        check=_required_tags,
        severity=Severity.LOW,
        advisory_safe=True,
    ),
]
