"""``OAuthClientSecret``: one Genesys Cloud OAuth client and the AWS secret that holds it.

The client secret exists in exactly two places: the Pulumi state (as ciphertext, because the
binding registers ``clientSecret`` as a secret output) and the Secrets Manager secret version
(encrypted with a customer-managed key). The component's public outputs are the client id and
the secret's ARN; the secret value never becomes one.

The secret's name is ``genesys/oauth/<stack>/<client name>``: it does not contain the client id,
so when Genesys replaces the client (a new id), the same secret gets a new version and its ARN,
which consumers hold, stays valid.

The OAuth client goes through the Genesys provider the component is given (the stack's explicit
one, pinned to the org region). ``protect`` guards the client and the secret, whose loss breaks
every consumer; never the secret version, which is replaced on every change of the document
(``secret_string`` is ForceNew in the AWS provider) and would make any such change fail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.client_secret_check import require_client_secret
from components.config import TOKEN_VALIDITY_NON_SCIM_MAX, ClientConfig
from components.credentials_document import credentials_document
from components.genesys_oauth_client import OauthClient, OauthClientArgs, OauthClientRoleArgs
from components.genesys_provider import Provider
from components.genesys_regions import GenesysRegion

COMPONENT_TYPE = "genesys-oauth-secrets:index:OAuthClientSecret"


def secret_name(stack: str, client_name: str) -> str:
    """Stable Secrets Manager name of a client's secret."""
    return f"genesys/oauth/{stack}/{client_name}"


@dataclass(frozen=True)
class OAuthClientSecretArgs:
    """Inputs of one OAuthClientSecret; validated upstream by ``components.config``."""

    client: ClientConfig
    """The client as declared in stack config."""
    genesys_region: GenesysRegion
    """Region of the Genesys org; its hosts go into the stored document."""
    genesys_provider: Provider
    """The stack's Genesys provider, pinned to ``genesys_region``; the OAuth client uses it."""
    kms_key_id: pulumi.Input[str]
    """Customer-managed KMS key (id, ARN or alias) that encrypts the secret."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for the AWS resources; the component adds ``genesys-oauth-client``."""
    protect: bool = True
    """Protect the OAuth client and the secret from deletion (``protectResources``)."""


class OAuthClientSecret(pulumi.ComponentResource):
    """A Genesys OAuth client whose credentials live in an AWS Secrets Manager secret."""

    client_id: pulumi.Output[str]
    """The OAuth client id (not secret)."""
    secret_arn: pulumi.Output[str]
    """ARN of the Secrets Manager secret holding the credentials document."""

    def __init__(
        self,
        name: str,
        args: OAuthClientSecretArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(COMPONENT_TYPE, name, None, opts)
        client = args.client
        child = pulumi.ResourceOptions(parent=self)
        guarded = pulumi.ResourceOptions(parent=self, protect=args.protect)
        stack = pulumi.get_stack()

        oauth_client = OauthClient(
            f"{name}-oauth-client",
            OauthClientArgs(
                name=client.name,
                authorized_grant_type=client.grant_type,
                description=client.description,
                access_token_validity_seconds=client.access_token_validity_seconds,
                registered_redirect_uris=list(client.redirect_uris) or None,
                scopes=list(client.scopes) or None,
                roles=[
                    OauthClientRoleArgs(role_id=role.role_id, division_id=role.division_id)
                    for role in client.roles
                ]
                or None,
                state=client.state,
            ),
            pulumi.ResourceOptions.merge(
                guarded, pulumi.ResourceOptions(provider=args.genesys_provider)
            ),
        )

        if client.access_token_validity_seconds > TOKEN_VALIDITY_NON_SCIM_MAX:
            pulumi.log.warn(
                f"client {client.name}: accessTokenValiditySeconds is over 48 h "
                f"({TOKEN_VALIDITY_NON_SCIM_MAX} s); the provider documents that only for SCIM "
                "clients, so Genesys may refuse it when the client is created",
                resource=self,
            )
        if client.recovery_window_in_days == 0:
            pulumi.log.warn(
                f"client {client.name}: recoveryWindowInDays is 0, so deleting this client "
                "deletes its secret immediately, with no recovery",
                resource=self,
            )
        secret = aws.secretsmanager.Secret(
            f"{name}-secret",
            name=secret_name(stack, client.name),
            description=(
                f"Credentials of the Genesys Cloud OAuth client {client.name} (stack {stack})"
            ),
            kms_key_id=args.kms_key_id,
            recovery_window_in_days=client.recovery_window_in_days,
            tags={**args.tags, "genesys-oauth-client": client.name},
            opts=guarded,
        )

        aws.secretsmanager.SecretVersion(
            f"{name}-secret-version",
            secret_id=secret.id,
            secret_string=credentials_document(
                client_id=oauth_client.client_id,
                client_secret=require_client_secret(
                    client.name, oauth_client.urn, oauth_client.client_secret
                ),
                region=args.genesys_region,
                grant_type=client.grant_type,
            ),
            opts=child,
        )

        self.client_id = oauth_client.client_id
        self.secret_arn = secret.arn
        self.register_outputs({"client_id": self.client_id, "secret_arn": self.secret_arn})
