"""When the current version of each client's secret was written, from Secrets Manager.

``ListSecretVersionIds`` returns each version's staging labels and creation date without the
secret value, so the report needs neither ``GetSecretValue`` nor ``kms:Decrypt``. The version
labelled ``AWSCURRENT`` is what consumers read; its creation date is when the current client
secret was stored, i.e. the last rotation (or the first deployment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from genesys_oauth_secrets.shared.errors import BackendError, translate

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

CURRENT = "AWSCURRENT"
MAX_PAGES = 100
"""Secrets Manager keeps about 100 versions per secret; a longer listing is not believed."""


@dataclass(frozen=True)
class CurrentVersion:
    """The ``AWSCURRENT`` version of one secret."""

    version_id: str
    created: datetime


def current_version(client: SecretsManagerClient, secret_name: str) -> CurrentVersion:
    """The secret's current version; ``BackendError`` naming the fix when it cannot be read."""
    token: str | None = None
    try:
        for _ in range(MAX_PAGES):
            page = (
                client.list_secret_version_ids(SecretId=secret_name, NextToken=token)
                if token
                else client.list_secret_version_ids(SecretId=secret_name)
            )
            for version in page.get("Versions", []):
                created = version.get("CreatedDate")
                if CURRENT in version.get("VersionStages", []) and isinstance(created, datetime):
                    return CurrentVersion(str(version.get("VersionId", "?")), created)
            token = page.get("NextToken")
            if not token:
                break
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            raise BackendError(
                f"secret {secret_name} does not exist: run `pulumi up` for this stack, or check "
                "--region (the stack's aws:region) and the AWS account"
            ) from None
        raise translate(error, service="secretsmanager", target=secret_name) from None
    except BotoCoreError as error:
        raise translate(error, service="secretsmanager", target=secret_name) from None
    raise BackendError(
        f"secret {secret_name} has no {CURRENT} version with a creation date: run `pulumi up` "
        "to write the client's credentials into it"
    )
