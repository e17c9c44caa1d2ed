"""What lets ``readers`` in other accounts read a secret: its resource policy and key policies.

A cross-account read needs two grants. The secret's resource policy
(``aws.secretsmanager.SecretPolicy`` with ``blockPublicPolicy``, so Secrets Manager refuses a
policy that would open the secret to the world) allows exactly ``GetSecretValue`` and
``DescribeSecret`` to the readers; Secrets Manager copies it to every replica. And the key
policy of every key the program created allows them ``kms:Decrypt`` only when the call comes
through Secrets Manager in that key's region (``kms:ViaService``).

A key policy replaces the default one, so it starts with the default's statement ("Enable IAM
User Permissions": the account root may do everything, which is what makes the account's own
IAM policies work for the key, AWS KMS developer guide, "Default key policy"). Account and
partition come from the key's own ARN, so no lookup is needed. When the last reader goes, the
key policy resource is deleted and AWS gives the key its default policy back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

from components.config import ClientConfig
from components.readers import READ_ACTIONS, decrypt_statement
from components.replica_keys import RegionKey

POLICY_VERSION = "2012-10-17"
ROOT_SID = "Enable IAM User Permissions"
"""The default key policy's statement, kept word for word."""
READ_SID = "GenesysSecretReaders"


def secret_policy_document(readers: Sequence[str]) -> str:
    """The secret's resource policy: the readers may read it, nothing else."""
    return json.dumps(
        {
            "Version": POLICY_VERSION,
            "Statement": [
                {
                    "Sid": READ_SID,
                    "Effect": "Allow",
                    "Principal": {"AWS": sorted(readers)},
                    "Action": list(READ_ACTIONS),
                    "Resource": "*",
                }
            ],
        },
        sort_keys=True,
    )


def key_policy_document(key_arn: str, readers: Sequence[str], region: str) -> str:
    """The default key policy's root statement plus the readers' decrypt-through-Secrets-Manager."""
    partition, account = _arn_fields(key_arn)
    root: dict[str, Any] = {
        "Sid": ROOT_SID,
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    return json.dumps(
        {"Version": POLICY_VERSION, "Statement": [root, decrypt_statement(readers, region)]},
        sort_keys=True,
    )


def _arn_fields(arn: str) -> tuple[str, str]:
    """``(partition, account)`` of ``arn:<partition>:kms:<region>:<account>:key/<id>``."""
    fields = arn.split(":")
    return fields[1], fields[4]


def secret_policy(
    name: str,
    secret: aws.secretsmanager.Secret,
    readers: Sequence[str],
    opts: pulumi.ResourceOptions,
) -> aws.secretsmanager.SecretPolicy:
    """The client's secret resource policy, public policies blocked."""
    return aws.secretsmanager.SecretPolicy(
        f"{name}-secret-policy",
        secret_arn=secret.arn,
        policy=secret_policy_document(readers),
        block_public_policy=True,
        opts=opts,
    )


def key_policy(
    name: str,
    key: aws.kms.Key,
    readers: Sequence[str],
    region: pulumi.Input[str],
    provider: aws.Provider | None = None,
) -> aws.kms.KeyPolicy:
    """The key policy of a key the program created, at stack level beside the key."""
    document = pulumi.Output.all(key.arn, region).apply(
        lambda values: key_policy_document(str(values[0]), readers, str(values[1]))
    )
    return aws.kms.KeyPolicy(
        name,
        key_id=key.key_id,
        policy=document,
        opts=pulumi.ResourceOptions(provider=provider),
    )


def key_policies(
    stack_key: aws.kms.Key | None,
    stack_region: str | None,
    region_keys: Sequence[RegionKey],
    clients: Sequence[ClientConfig],
) -> None:
    """A key policy on each key the program created, when any client has readers.

    The stack's region comes from the key's ARN when ``aws:region`` was not configured, so the
    ViaService condition always names the key's own region.
    """
    readers = sorted({reader for client in clients for reader in client.readers})
    if not readers:
        return
    if stack_key is not None:
        region = stack_region or stack_key.arn.apply(lambda arn: arn.split(":")[3])
        key_policy("secrets-key-policy", stack_key, readers, region)
    for region_key in region_keys:
        if region_key.key is not None:
            key_policy(
                f"secrets-key-policy-{region_key.region}",
                region_key.key,
                readers,
                region_key.region,
                region_key.provider,
            )
