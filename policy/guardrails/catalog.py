"""The pack's name and every policy in it, in the order the engine reports them."""

from __future__ import annotations

from typing import Final

from pulumi_policy import Policy

from guardrails import (
    kms_key,
    oauth_client,
    secret,
    secret_outputs,
    secret_per_client,
    secret_reader_policy,
    secret_replicas,
    stack_exports,
)

PACK_NAME: Final = "genesys-oauth-secrets-guardrails"

POLICIES: Final[list[Policy]] = [
    *oauth_client.POLICIES,
    *secret.POLICIES,
    *secret_replicas.POLICIES,
    *secret_reader_policy.POLICIES,
    *kms_key.POLICIES,
    stack_exports.POLICY,
    secret_per_client.POLICY,
    secret_outputs.POLICY,
]
