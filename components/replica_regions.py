"""``replicaRegions``: the AWS regions each client's secret is replicated to, validated.

Secrets Manager replicates a secret (value, tags and resource policy) to other regions, each
replica encrypted with a KMS key of its own region; its ARN is the primary's with the region
swapped. A region here is one Secrets Manager serves, from botocore's endpoint data (the table
the AWS SDKs resolve endpoints from, shipped with boto3, which the program already installs), in
the primary region's partition: a secret in ``aws`` cannot be replicated to ``aws-cn``.

``kmsKeyId`` names a customer-managed key in that region; without it the program creates one
there (``components.secrets_key``). An AWS-managed key (``alias/aws/…``) is refused, as for the
primary.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import botocore.session

from components.kms_key_reference import KEY_ARN, aws_managed, is_key_reference
from components.problems import ListRule, Problems, config_map, distinct_list

REPLICA_KEYS = ("region", "kmsKeyId")
MAX_REPLICA_REGIONS = 10
"""Our bound; a secret with more replicas than this is unusual enough to ask for a review."""
_REPLICA_LIST = ListRule(
    most=MAX_REPLICA_REGIONS,
    not_a_list="must be a list, e.g. replicaRegions: [{region: us-west-2}]",
    too_many=f"at most {MAX_REPLICA_REGIONS} regions",
    duplicate=(".region", "duplicate region; list each region once"),
)

_ECHOABLE_REGION = re.compile(r"[a-z0-9-]{1,32}", re.ASCII)


@dataclass(frozen=True)
class ReplicaRegion:
    """One region the secrets are replicated to."""

    region: str
    """An AWS region Secrets Manager serves, never the primary."""
    kms_key_id: str | None = None
    """A customer-managed key in ``region``; None makes the program create one there."""


@cache
def secrets_manager_regions() -> Mapping[str, str]:
    """Every region Secrets Manager serves, by name, with its partition (botocore's data)."""
    session = botocore.session.get_session()
    return {
        region: partition
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("secretsmanager", partition)
    }


def parse_replica_regions(
    value: Any, primary_region: str | None, problems: Problems
) -> tuple[ReplicaRegion, ...]:
    """Validate ``replicaRegions``; ``primary_region`` is ``aws:region`` (None when unknown)."""
    if value is None or value == []:
        return ()
    return distinct_list(
        "replicaRegions",
        value,
        lambda at, item: _parse_replica(at, item, primary_region, problems),
        problems,
        rule=_REPLICA_LIST,
        identity=lambda replica: replica.region,
    )


def _parse_replica(
    path: str, item: Any, primary_region: str | None, problems: Problems
) -> ReplicaRegion | None:
    item = config_map(
        path,
        item,
        REPLICA_KEYS,
        problems,
        not_a_map="each replica must be a map: {region: us-west-2, kmsKeyId: …}",
    )
    if item is None:
        return None
    unknown = not item.keys() <= set(REPLICA_KEYS)
    region = _parse_region(f"{path}.region", item.get("region"), primary_region, problems)
    key_ok, key_id = _parse_key(f"{path}.kmsKeyId", item.get("kmsKeyId"), region, problems)
    if region is None or unknown or not key_ok:
        return None
    return ReplicaRegion(region=region, kms_key_id=key_id)


def _parse_region(
    path: str, value: Any, primary_region: str | None, problems: Problems
) -> str | None:
    regions = secrets_manager_regions()
    if not isinstance(value, str) or value not in regions:
        echoable = isinstance(value, str) and _ECHOABLE_REGION.fullmatch(value)
        shown = f"'{value}' " if echoable else ""
        problems.add(
            path,
            f"{shown}is not an AWS region Secrets Manager serves; use a region name such as "
            "us-west-2 or eu-central-1",
        )
        return None
    if value == primary_region:
        problems.add(
            path,
            f"{value} is the stack's own region (aws:region), where the secret already is; "
            "remove it",
        )
        return None
    primary_partition = regions.get(primary_region or "")
    if primary_partition is not None and regions[value] != primary_partition:
        problems.add(
            path,
            f"{value} is in partition {regions[value]} but the stack's region is in "
            f"{primary_partition}; Secrets Manager replicates within one partition",
        )
        return None
    return value


def _parse_key(
    path: str, value: Any, region: str | None, problems: Problems
) -> tuple[bool, str | None]:
    """``(True, key or None)``, or ``(False, None)`` after reporting a problem."""
    if value in (None, ""):
        return True, None
    if not isinstance(value, str):
        problems.add(path, "must be a KMS key id, alias/… or key ARN in that region")
        return False, None
    if not is_key_reference(value):
        problems.add(path, "not a KMS key reference: use a key id, alias/<name> or a key ARN")
        return False, None
    if aws_managed(value):
        problems.add(
            path,
            "AWS-managed keys (alias/aws/…) cannot be narrowed by key policy: name a "
            "customer-managed key, or remove kmsKeyId and the program creates one",
        )
        return False, None
    arn = KEY_ARN.fullmatch(value)
    if arn and region is not None and arn.group("region") != region:
        problems.add(path, "the key ARN is in another region: a replica needs a key in its own")
        return False, None
    return True, value
