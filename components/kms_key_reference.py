"""How the config names a KMS key: the shapes ``secretsKmsKeyId`` and a replica's ``kmsKeyId``
accept, and the AWS-managed keys both refuse.

A key is named by its id (a UUID, or ``mrk-`` and 32 hex digits for a multi-Region key), an
alias (``alias/`` and letters, digits, ``/ _ -``), or the ARN of either. AWS-managed keys are
the aliases under ``alias/aws/``: their key policy cannot be narrowed, so neither the stack's
secrets nor their replicas may use one. The prefix is compared case-insensitively, as the policy
pack does (``policy/guardrails/secret.py``), so the config never accepts a key the guardrail then
blocks.
"""

from __future__ import annotations

import re

KEY_REFERENCE = re.compile(
    r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}|mrk-[0-9a-f]{32}"
    r"|alias/[A-Za-z0-9/_-]{1,250}",
    re.ASCII,
)
"""A key id, multi-Region key id or alias name, matched whole."""
KEY_ARN = re.compile(
    r"arn:aws[a-z-]*:kms:(?P<region>[a-z0-9-]+):[0-9]{12}:(?:key/[A-Za-z0-9-]+|alias/[A-Za-z0-9/_-]+)",
    re.ASCII,
)
"""A key or alias ARN, matched whole; ``region`` is the key's region."""
AWS_MANAGED_PREFIX = "alias/aws/"


def is_key_reference(value: str) -> bool:
    """Whether ``value`` names a KMS key in one of the accepted shapes."""
    return bool(KEY_REFERENCE.fullmatch(value) or KEY_ARN.fullmatch(value))


def aws_managed(value: str) -> bool:
    """Whether ``value`` (a reference :func:`is_key_reference` accepts) is an AWS-managed key."""
    resource = value.split(":", 5)[-1] if KEY_ARN.fullmatch(value) else value
    return resource.casefold().startswith(AWS_MANAGED_PREFIX)
