"""Guardrail for the replicas of ``aws:secretsmanager/secret:Secret`` (``replicaRegions``).

A replica is the whole secret in another region. Encrypted with that region's AWS-managed
``aws/secretsmanager`` key (what Secrets Manager uses when a replica names no key), it is
readable by every principal of the account allowed ``GetSecretValue`` there: the primary's
customer-managed key would then protect nothing. So every replica must name a customer-managed
key, exactly as the primary must.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from pulumi_policy import ResourceValidationArgs, Severity

from guardrails.declare import Report, resource_policy
from guardrails.reading import shown
from guardrails.resource_types import SECRET
from guardrails.secret import aws_managed_key


def _replica_keys(args: ResourceValidationArgs, report: Report) -> None:
    replicas = args.props.get("replicas")
    if replicas is None:
        return
    if not isinstance(replicas, Sequence) or isinstance(replicas, str):
        report("replicas is not a list of {region, kmsKeyId}: build it from replicaRegions.")
        return
    for index, replica in enumerate(replicas):
        region = replica.get("region") if isinstance(replica, Mapping) else None
        where = shown(region) if isinstance(region, str) else f"#{index}"
        key_id = replica.get("kmsKeyId") if isinstance(replica, Mapping) else None
        if not isinstance(key_id, str) or not key_id.strip():
            report(
                f"the replica in {where} names no kmsKeyId, so Secrets Manager encrypts it with "
                "the AWS-managed key: give replicaRegions a kmsKeyId or let the program create one."
            )
        elif aws_managed_key(key_id):
            report(
                f"the replica in {where} uses an AWS-managed key (alias/aws/…): use a "
                "customer-managed key in that region."
            )


POLICIES: Final = [
    resource_policy(
        name="secret-replica-customer-managed-key",
        description=(
            "Every replica of a client's secret must be encrypted with a customer-managed KMS key "
            "of its region: a replica on the AWS-managed key is readable by anyone in the account "
            "allowed GetSecretValue. Fix: set kmsKeyId in replicaRegions, or leave it out and the "
            "program creates a key in that region."
        ),
        resource_type=SECRET,
        check=_replica_keys,
        severity=Severity.HIGH,
    ),
]
