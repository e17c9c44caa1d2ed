"""The read-only access a consumer role gets to one client's secret, as one policy document.

Exactly two grants: read this one secret (``GetSecretValue``, ``DescribeSecret``), and decrypt
with its key only when Secrets Manager asks on the role's behalf (``kms:ViaService``), so the
role can neither read another client's secret nor use the key directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ClientNotFoundError(ValueError):
    """The configured client name is not exported by the secrets stack."""

    def __init__(self, name: str, available: list[str]) -> None:
        names = ", ".join(sorted(available)) or "(none)"
        super().__init__(
            f"genesys-oauth-consumer:clientName: no client named {name!r} in the secrets stack; "
            f"it exports: {names}"
        )


def pick_secret_arn(clients: Mapping[str, Any], name: str) -> str:
    """The secret ARN of ``name`` from the secrets stack's ``clients`` output."""
    if name not in clients:
        raise ClientNotFoundError(name, list(clients))
    return str(clients[name]["secret_arn"])


def region_of(arn: str) -> str:
    """The region field of an ARN (``arn:partition:service:region:account:resource``)."""
    return arn.split(":")[3]


def access_policy(secret_arn: str, key_arn: str) -> dict[str, Any]:
    """The IAM policy document granting read access to exactly one secret."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadOneGenesysClientSecret",
                "Effect": "Allow",
                "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
                "Resource": secret_arn,
            },
            {
                "Sid": "DecryptThroughSecretsManagerOnly",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": key_arn,
                "Condition": {
                    "StringEquals": {
                        "kms:ViaService": f"secretsmanager.{region_of(secret_arn)}.amazonaws.com"
                    }
                },
            },
        ],
    }
