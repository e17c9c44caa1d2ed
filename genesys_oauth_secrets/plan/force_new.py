"""Which input changes make the engine replace a resource instead of updating it in place.

``pulumi preview`` marks a resource ``+-`` when the provider's diff names a changed property in
its replace list; for a bridged Terraform provider that list is the schema's ``ForceNew``
attributes. The offline plan has no provider to ask, so the facts are written down here, by
Pulumi input name (the camelCase of the Terraform attribute), with the schema they come from:

- ``aws_secretsmanager_secret_version``: ``secret_id``, ``secret_string``, ``secret_binary``
  are ``ForceNew`` (terraform-provider-aws, internal/service/secretsmanager/secret_version.go).
- ``aws_secretsmanager_secret``: ``name``, ``name_prefix``
  (internal/service/secretsmanager/secret.go).
- ``aws_kms_key``: ``custom_key_store_id``, ``customer_master_key_spec``, ``key_usage``,
  ``multi_region``, ``xks_key_id`` (internal/service/kms/key.go).
- ``aws_kms_alias``: ``name``, ``name_prefix`` (internal/service/kms/alias.go).
- ``genesyscloud_oauth_client``: none; every attribute is updated in place
  (terraform-provider-genesyscloud, genesyscloud/oauth_client).
- ``RegeneratedSecret`` (components/rotation_provider.py): its ``diff`` never returns
  ``replaces``; a new generation is an update that asks Genesys for a new secret.

A type not listed here is treated as never replaced: the plan then understates, and says so in
its legend (``pulumi preview`` is the authority).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

FORCE_NEW: Final[Mapping[str, frozenset[str]]] = {
    "aws:secretsmanager/secretVersion:SecretVersion": frozenset(
        {"secretId", "secretString", "secretBinary"}
    ),
    "aws:secretsmanager/secret:Secret": frozenset({"name", "namePrefix"}),
    "aws:kms/key:Key": frozenset(
        {"customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"}
    ),
    "aws:kms/alias:Alias": frozenset({"name", "namePrefix"}),
    "genesyscloud:index/oauthClient:OauthClient": frozenset(),
}


def forces_replacement(resource_type: str, changed: frozenset[str]) -> tuple[str, ...]:
    """The changed inputs that force ``resource_type`` to be replaced, sorted; () for none."""
    return tuple(sorted(changed & FORCE_NEW.get(resource_type, frozenset())))
