"""The stack's customer-managed KMS key for its Secrets Manager secrets.

Secrets Manager's default ``aws/secretsmanager`` key cannot be narrowed by key policy or ever
shared across accounts, so the program encrypts the secrets with a key of its own unless the
stack config names an existing one. Rotation is on; the alias makes the key findable. The key
keeps AWS's default key policy (the account decides through IAM) until a client has
``readers`` in other accounts: then ``components.reader_access`` manages the key policy.

Each replica region without a ``kmsKeyId`` gets the same kind of key, created in that region
through an explicit provider, with the same alias name there (``create_secrets_key(…, region)``).

The key is registered with ``protect=True``, always: deleting it (or a ``pulumi destroy``) would
make every stored secret unreadable once the deletion window ends. Removing it takes a deliberate
``pulumi state unprotect``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

KEY_DELETION_WINDOW_DAYS = 30
"""The longest KMS allows: a key deleted by mistake takes every secret's plaintext with it."""


def alias_name(stack: str) -> str:
    """``alias/genesys-oauth-secrets-<stack>``; KMS aliases do not allow the dots stacks may."""
    return f"alias/genesys-oauth-secrets-{stack.replace('.', '-')}"


def create_secrets_key(
    tags: Mapping[str, str], region: str | None = None, provider: aws.Provider | None = None
) -> aws.kms.Key:
    """Create the key and its alias at stack level (not under any one client's component).

    Without ``region`` it is the stack's key, in the stack's region; with one, a replica
    region's key, registered through ``provider`` (pinned to that region).
    """
    stack = pulumi.get_stack()
    suffix = f"-{region}" if region else ""
    where = f" replicated to {region}" if region else ""
    key = aws.kms.Key(
        f"secrets-key{suffix}",
        description=f"Encrypts the Genesys Cloud OAuth client secrets of stack {stack}{where}",
        enable_key_rotation=True,
        deletion_window_in_days=KEY_DELETION_WINDOW_DAYS,
        tags=dict(tags),
        opts=pulumi.ResourceOptions(protect=True, provider=provider),
    )
    aws.kms.Alias(
        f"secrets-key-alias{suffix}",
        name=alias_name(stack),
        target_key_id=key.key_id,
        opts=pulumi.ResourceOptions(provider=provider),
    )
    return key
