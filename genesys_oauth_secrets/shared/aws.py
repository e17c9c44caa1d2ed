"""One place that builds the boto3 clients, so every command reaches the same endpoint.

``--endpoint-url`` wins over ``AWS_ENDPOINT_URL``; without either, boto3's normal resolution
(real AWS) applies. A custom endpoint (the local emulator, a VPC endpoint) gets path-style S3
addressing, because emulators on ``127.0.0.1`` cannot serve ``<bucket>.127.0.0.1`` host names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, InvalidRegionError, ProfileNotFound

from genesys_oauth_secrets.shared.errors import BackendError, UsageError

if TYPE_CHECKING:
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sts import STSClient

ENDPOINT_ENV = "AWS_ENDPOINT_URL"
DEFAULT_REGION = "us-east-1"
RETRIES = Config(retries={"max_attempts": 3, "mode": "standard"})
"""botocore's standard retry mode, for every client the tools build."""


def resolve_endpoint(endpoint_url: str | None) -> str | None:
    """The endpoint every client uses: the flag, else ``AWS_ENDPOINT_URL``, else real AWS."""
    return endpoint_url or os.environ.get(ENDPOINT_ENV) or None


def resolve_region(region: str | None) -> str:
    """The flag, else the shell's region, else us-east-1 (S3 redirects to the bucket's region)."""
    return (
        region
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or DEFAULT_REGION
    )


@dataclass(frozen=True)
class AwsClients:
    """The clients the tools need, bound to one region and endpoint."""

    s3: S3Client
    kms: KMSClient
    sts: STSClient
    secretsmanager: SecretsManagerClient
    """For ``age``: version dates of the clients' secrets, never their values."""
    region: str
    endpoint_url: str | None


def connect(region: str | None = None, endpoint_url: str | None = None) -> AwsClients:
    """Build the clients; no network call happens here (errors surface on first use).

    Except for configuration botocore checks while building a client: an ``AWS_PROFILE`` missing
    from the config files, a malformed region, an endpoint that is not a URL. Those become one
    line naming the setting to correct, like every other expected failure.
    """
    endpoint = resolve_endpoint(endpoint_url)
    resolved_region = resolve_region(region)
    s3_config = RETRIES.merge(Config(s3={"addressing_style": "path"})) if endpoint else RETRIES
    try:
        session = boto3.session.Session(region_name=resolved_region)
        return AwsClients(
            s3=session.client("s3", endpoint_url=endpoint, config=s3_config),
            kms=session.client("kms", endpoint_url=endpoint, config=RETRIES),
            sts=session.client("sts", endpoint_url=endpoint, config=RETRIES),
            secretsmanager=session.client("secretsmanager", endpoint_url=endpoint, config=RETRIES),
            region=resolved_region,
            endpoint_url=endpoint,
        )
    except ProfileNotFound as error:
        raise BackendError(
            f"the AWS profile {error.kwargs.get('profile')!r} (from AWS_PROFILE) is not in your "
            "AWS config: `aws configure list-profiles` shows the ones that are; set AWS_PROFILE "
            "to one of them, or unset it to use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
        ) from error
    except InvalidRegionError as error:
        raise UsageError(
            f"{resolved_region!r} is not an AWS region name: pass --region like eu-west-1 (without "
            "--region, AWS_REGION or AWS_DEFAULT_REGION is used)"
        ) from error
    except ValueError as error:
        raise UsageError(
            f"{endpoint!r} is not an endpoint URL ({error}): give the whole URL with its scheme, "
            f"e.g. http://127.0.0.1:5000, in --endpoint-url or {ENDPOINT_ENV}"
        ) from error
    except BotoCoreError as error:
        raise BackendError(f"cannot set up the AWS clients: {error}") from error


def secrets_manager_client(region: str, endpoint_url: str | None) -> SecretsManagerClient:
    """Secrets Manager in ``region``: the secrets' region, which may differ from the bucket's."""
    session = boto3.session.Session(region_name=region)
    return session.client(
        "secretsmanager", endpoint_url=resolve_endpoint(endpoint_url), config=RETRIES
    )


def iam_client(region: str, endpoint_url: str | None, config: Config = RETRIES) -> IAMClient:
    """IAM, built only where it is needed: preflight's policy simulation (with its own retries)
    and ``bootstrap --github-repo`` (the OIDC provider and the workflows' roles)."""
    session = boto3.session.Session(region_name=region)
    return session.client("iam", endpoint_url=resolve_endpoint(endpoint_url), config=config)
