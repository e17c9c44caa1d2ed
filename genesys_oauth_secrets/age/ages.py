"""How old each client's current secret is, from Secrets Manager metadata, never its value.

The age of a secret is the time since its current *client secret* was issued, not since the
version holding it was written: a version is rewritten whenever the credentials document
changes (a field added, a rollback to the previous generation, drift repaired), while the client
secret inside stays the same. ``pulumi up`` records the issue time in the secret's tag
``genesys-oauth-secrets:client-secret-issued-at`` (``components.issue_time``), read here with
``DescribeSecret``. ``ListSecretVersionIds`` gives the ``AWSCURRENT`` version's creation date.
Neither returns the secret value, so the report needs neither ``GetSecretValue`` nor
``kms:Decrypt``.

Which one the age counts from (``measure``): the issue tag, unless it is missing (a stack
deployed before the tag existed), unreadable (not the tag's form), or later than the current
version (AWSCURRENT moved back to an older document by hand, or a stack stamped after its
document was written); then the version date, which is never younger than the secret it holds
was when written, and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from components.issue_time import ISSUED_AT_TAG, parse_issued_at
from genesys_oauth_secrets.shared.errors import BackendError, error_code, translate

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

CURRENT = "AWSCURRENT"
MAX_PAGES = 100
"""Secrets Manager keeps about 100 versions per secret; a longer listing is not believed."""
CLOCK_SKEW = timedelta(minutes=5)
"""The issue time comes from the deploying machine's clock, the version date from AWS's: an issue
time this much after the version's creation is still the version's own secret."""
FROM_ISSUE_TAG = "issued_at"
FROM_VERSION = "current_version_created"


@dataclass(frozen=True)
class CurrentVersion:
    """The ``AWSCURRENT`` version of one secret."""

    version_id: str
    created: datetime


@dataclass(frozen=True)
class SecretAge:
    """Where the age of one secret is counted from, and why."""

    version: CurrentVersion
    issued_at: datetime | None
    """The issue tag's time, when it is readable."""
    since: datetime
    """The issue time, or the version date when the tag cannot be used."""
    counted_from: str
    """``FROM_ISSUE_TAG`` or ``FROM_VERSION`` (the JSON key the age is counted from)."""
    note: str | None
    """Why the version date was used; None when the issue tag was."""


def measure(version: CurrentVersion, tags: object) -> SecretAge:
    """The age's start from the version and the secret's ``Tags`` (any shape, never trusted)."""
    value = _tag_value(tags)
    issued = parse_issued_at(value)
    if issued is not None and issued <= version.created + CLOCK_SKEW:
        return SecretAge(version, issued, issued, FROM_ISSUE_TAG, None)
    if issued is not None:
        note = "its version is older than its issue tag"
    elif value:
        note = "its issue tag is not a UTC time"
    else:
        note = "it has no issue tag yet"
    return SecretAge(version, issued, version.created, FROM_VERSION, note)


def _tag_value(tags: object) -> str | None:
    if not isinstance(tags, list):
        return None
    for tag in tags:
        if isinstance(tag, dict) and tag.get("Key") == ISSUED_AT_TAG:
            value = tag.get("Value")
            return value if isinstance(value, str) else None
    return None


def secret_age(client: SecretsManagerClient, secret_name: str) -> SecretAge:
    """The secret's age start; ``BackendError`` naming the fix when it cannot be read."""
    version = current_version(client, secret_name)
    try:
        described = client.describe_secret(SecretId=secret_name)
    except ClientError as error:
        raise _read_error(error, secret_name) from None
    except BotoCoreError as error:
        raise translate(error, service="secretsmanager", target=secret_name) from None
    return measure(version, described.get("Tags"))


def _read_error(error: ClientError, secret_name: str) -> BackendError:
    if error_code(error) == "ResourceNotFoundException":
        return BackendError(
            f"secret {secret_name} does not exist: run `pulumi up` for this stack, or check "
            "--region (the stack's aws:region) and the AWS account"
        )
    return translate(error, service="secretsmanager", target=secret_name)


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
        raise _read_error(error, secret_name) from None
    except BotoCoreError as error:
        raise translate(error, service="secretsmanager", target=secret_name) from None
    raise BackendError(
        f"secret {secret_name} has no {CURRENT} version with a creation date: run `pulumi up` "
        "to write the client's credentials into it"
    )
