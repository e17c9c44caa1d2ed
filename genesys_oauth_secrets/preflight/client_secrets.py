"""Check 7: each configured client's secret is in a state ``pulumi up`` can work with.

By its stable name (``components.oauth_client_secret.secret_name``), with
``secretsmanager:DescribeSecret`` only (the value is never read):

- absent: fine, ``pulumi up`` creates it;
- present with an ``AWSCURRENT`` version: fine;
- scheduled for deletion (``DeletedDate``): the name stays reserved for the recovery window and
  creating it again fails; restore it or delete it for good;
- present without a current version: a run stopped between creating the client and writing
  the version (the README's partial-apply recovery).
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from components.oauth_client_secret import secret_name
from genesys_oauth_secrets.preflight.context import Context
from genesys_oauth_secrets.shared.aws import secrets_manager_client
from genesys_oauth_secrets.shared.errors import error_code, translate
from genesys_oauth_secrets.shared.findings import Finding, Status

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

CHECK = "client-secrets"
CURRENT = "AWSCURRENT"


def secrets_manager(context: Context) -> SecretsManagerClient:
    """A client in the region where the program creates the secrets."""
    return secrets_manager_client(context.aws_region, context.endpoint_url)


def check(context: Context) -> list[Finding]:
    if context.config is None:
        return [Finding(CHECK, Status.ERROR, "the configured clients are unknown (see config)")]
    client = secrets_manager(context)
    findings = [_one(client, secret_name(context.stack, c.name)) for c in context.config.clients]
    problems = [finding for finding in findings if finding.status is not Status.OK]
    if problems:
        return problems
    return [
        Finding(
            CHECK,
            Status.OK,
            f"{len(findings)} client secret(s) absent (created by the next up) or current",
        )
    ]


def _one(client: SecretsManagerClient, name: str) -> Finding:
    quoted = shlex.quote(name)
    try:
        secret = client.describe_secret(SecretId=name)
    except ClientError as error:
        if error_code(error) == "ResourceNotFoundException":
            return Finding(CHECK, Status.OK, f"{name}: absent (pulumi up creates it)")
        return Finding(
            CHECK, Status.ERROR, str(translate(error, service="secretsmanager", target=name))
        )
    except BotoCoreError as error:
        return Finding(
            CHECK, Status.ERROR, str(translate(error, service="secretsmanager", target=name))
        )
    if secret.get("DeletedDate") is not None:
        return Finding(
            CHECK,
            Status.PROBLEM,
            f"{name} is scheduled for deletion: its name stays reserved and pulumi up cannot "
            "create it again",
            fix=f"`aws secretsmanager restore-secret --secret-id {quoted}` to keep it, or "
            f"`aws secretsmanager delete-secret --secret-id {quoted} "
            "--force-delete-without-recovery` (irreversible) to let pulumi up make a new one",
        )
    stages = secret.get("VersionIdsToStages") or {}
    if not any(CURRENT in labels for labels in stages.values()):
        return Finding(
            CHECK,
            Status.PROBLEM,
            f"{name} exists without an {CURRENT} version: a run stopped after creating the "
            "client and before writing its secret",
            fix="`pulumi up` writes it if the client is in state; if Pulumi reports a pending "
            "create, `pulumi refresh --clear-pending-creates`, delete that client in Genesys, "
            "then `pulumi up` (README: secret missing after a partial apply)",
        )
    return Finding(CHECK, Status.OK, f"{name}: present with an {CURRENT} version")


def _failed(error: ClientError | BotoCoreError, name: str) -> Finding:
    return Finding(
        CHECK, Status.ERROR, str(translate(error, service="secretsmanager", target=name))
    )
