"""The demo's service side: one client's secret as the program writes it, read as a service does.

``pulumi up`` cannot run here, so this module makes the same AWS objects the program's
component makes for one CLIENT-CREDENTIALS client, with the same names and the same document
(``components.credentials_document``): the stack's customer-managed KMS key and its alias, and
the secret ``genesys/oauth/<stack>/<client>`` holding the credentials document. The client
secret is random, made here, and never printed.

A service then reads it with ``genesys_credentials`` and exchanges it for a token at a fake
login host (:mod:`genesys_oauth_secrets.demo.fake_login`), exactly the calls it makes in
production. A stack file naming the client lets ``genesys-oauth-secrets age`` report the
secret's age from Secrets Manager's metadata.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from components.credentials_document import document_fields
from components.genesys_regions import genesys_region
from components.issue_time import ISSUED_AT_TAG, issued_now
from components.oauth_client_secret import secret_name
from components.secrets_key import alias_name
from genesys_credentials import CredentialsReader, TokenClient
from genesys_oauth_secrets.demo.fake_login import FakeLoginHost
from genesys_oauth_secrets.shared.aws import connect

CLIENT_NAME = "ivr-integration"
GENESYS_REGION = "us-east-1"
GRANT_TYPE = "CLIENT-CREDENTIALS"
DEMO_ROLE_ID = "5f0c2e1a-8d3b-4c7e-9a61-2b4d6f8e0a13"
"""A made-up role id: the stack file must be valid config, and nothing calls Genesys here."""


@dataclass(frozen=True)
class ServiceRead:
    """What the service learnt, with nothing secret in it."""

    client_id: str
    api_base_url: str
    tokens_issued: int


def write_client_secret(region: str, stack: str) -> tuple[str, str, str]:
    """Create the stack's key and one client's secret; return (secret ARN, client id, secret).

    The secret is returned only so the fake login host can recognise it.
    """
    clients = connect(region)
    key_id = clients.kms.create_key(
        Description=f"Encrypts the Genesys Cloud OAuth client secrets of stack {stack}"
    )["KeyMetadata"]["KeyId"]
    clients.kms.enable_key_rotation(KeyId=key_id)
    clients.kms.create_alias(AliasName=alias_name(stack), TargetKeyId=key_id)
    client_id = secrets.token_hex(16)
    client_secret = secrets.token_urlsafe(32)
    document = document_fields(client_id, client_secret, genesys_region(GENESYS_REGION), GRANT_TYPE)
    arn = clients.secretsmanager.create_secret(
        Name=secret_name(stack, CLIENT_NAME),
        KmsKeyId=alias_name(stack),
        SecretString=json.dumps(document),
        Tags=[
            {"Key": "genesys-oauth-client", "Value": CLIENT_NAME},
            {"Key": ISSUED_AT_TAG, "Value": issued_now()},
        ],
    )["ARN"]
    return arn, client_id, client_secret


def read_as_a_service(secret_arn: str, login: FakeLoginHost) -> ServiceRead:
    """Read the document and get a token, as a service using ``genesys_credentials`` does."""
    reader = CredentialsReader(secret_arn)
    credentials = reader.get()
    TokenClient(reader, token_url=login.token_url).access_token()
    return ServiceRead(
        client_id=credentials.client_id,
        api_base_url=credentials.api_base_url,
        tokens_issued=login.tokens_issued,
    )


def write_stack_file(directory: Path, project: str, stack: str, region: str) -> None:
    """A project directory whose stack declares the demo's client, for ``age --dir``."""
    (directory / "Pulumi.yaml").write_text(f"name: {project}\nruntime: python\n")
    (directory / f"Pulumi.{stack}.yaml").write_text(
        "config:\n"
        f"  aws:region: {region}\n"
        f"  {project}:genesysRegion: {GENESYS_REGION}\n"
        f"  {project}:clients:\n"
        f"    - name: {CLIENT_NAME}\n"
        f"      grantType: {GRANT_TYPE}\n"
        "      roles:\n"
        f"        - roleId: {DEMO_ROLE_ID}\n"
        '          divisionId: "*"\n'
        "      rotation:\n"
        "        maxAgeDays: 90\n"
    )
