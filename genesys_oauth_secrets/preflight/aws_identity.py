"""Check 1: AWS credentials resolve, and whose they are.

Every later AWS check runs as this principal, so its account, ARN and region are shown first:
a wrong profile or an expired SSO session shows up here, not as a puzzling 403 later.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from genesys_oauth_secrets.preflight.context import Context
from genesys_oauth_secrets.shared.aws import AwsClients, connect
from genesys_oauth_secrets.shared.errors import BackendError, translate
from genesys_oauth_secrets.shared.findings import Finding, Status
from genesys_oauth_secrets.shared.text import shown

CHECK = "aws-identity"


@dataclass(frozen=True)
class Identity:
    """The caller, as STS names it."""

    account: str
    arn: str
    partition: str


def check(context: Context) -> tuple[list[Finding], AwsClients | None, Identity | None]:
    """The finding, and the clients and identity the later AWS checks use (None on failure)."""
    try:
        clients = connect(context.bucket_region, context.endpoint_url)
        answer = clients.sts.get_caller_identity()
    except BackendError as error:
        return [_failed(str(error))], None, None
    except (ClientError, BotoCoreError) as error:
        return [_failed(str(translate(error, service="sts", target="the caller")))], None, None
    arn = str(answer["Arn"])
    identity = Identity(account=str(answer["Account"]), arn=arn, partition=arn.split(":")[1])
    message = (
        f"account {identity.account} as {shown(arn)}, state region {clients.region}, "
        f"secrets region {context.aws_region}"
    )
    return [Finding(CHECK, Status.OK, message)], clients, identity


def _failed(message: str) -> Finding:
    return Finding(CHECK, Status.ERROR, message)
