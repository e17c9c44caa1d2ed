"""The KMS key of each replica region: the one ``replicaRegions`` names, or one created there.

A replica is encrypted with a key of its own region. Where the config names none, the program
creates one like the stack's key (rotation on, protected, same alias name) through an explicit
``aws.Provider`` pinned to that region, registered at stack level and named ``aws-<region>``;
its URN must not change once deployed. The explicit provider takes its credentials from the
environment like the default one; settings given as ``aws:…`` stack config (a profile, an
assumed role) apply only to the default provider, so such stacks set them in the environment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.replica_regions import ReplicaRegion
from components.secrets_key import create_secrets_key


@dataclass(frozen=True)
class RegionKey:
    """The key that encrypts the replicas in one region."""

    region: str
    key_id: pulumi.Input[str]
    """What each secret's replica names as ``kmsKeyId``."""
    key: aws.kms.Key | None = None
    """The key when the program created it (and so may write its policy), else None."""
    provider: aws.Provider | None = None
    """The provider pinned to ``region`` that created ``key``."""


def replica_keys(replicas: Sequence[ReplicaRegion], tags: Mapping[str, str]) -> list[RegionKey]:
    """One RegionKey per replica region, in config order, creating the keys not given."""
    keys = []
    for replica in replicas:
        if replica.kms_key_id:
            keys.append(RegionKey(region=replica.region, key_id=replica.kms_key_id))
            continue
        provider = aws.Provider(f"aws-{replica.region}", region=replica.region)
        key = create_secrets_key(tags, region=replica.region, provider=provider)
        keys.append(RegionKey(replica.region, key.arn, key, provider))
    return keys
