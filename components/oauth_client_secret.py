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

Rotation (``components.rotation``) builds on that: with ``overlap`` each generation is its own
OAuth client (``<name>-oauth-client`` for generation 1, ``<name>-oauth-client-gen<N>`` after),
the previous one kept beside the current one; with ``regenerate`` the one client stays and a
``RegeneratedSecret`` supplies its new secret. Either way the secret version holds the current
client's credentials, the component's outputs follow the current client, and without a
``rotation`` block (or at generation 1) the resources are those of before rotation existed
(plus, since issue 20, the client's issue stamp: see below). Only the
current client is protected: the previous one loses its protection when it becomes previous,
so that the next rotation can delete it.

Issue 19 adds three optional shapes, each absent from the graph when not configured: a replica
of the secret per ``replicaRegions`` entry (the component's ``replica_arns`` output), a secret
resource policy for ``readers`` (``components.reader_access``), and ``adopt``, which imports
generation 1's OAuth client and takes its secret from a regeneration or the config seed
(``components.adoption``), because the provider returns none for an imported client.

Issue 20: the secret carries the tag ``genesys-oauth-secrets:client-secret-issued-at``
(``components.issue_time``), the time the current client secret was issued, so the age report
measures the secret and not the version that holds it. The time comes from state, never from
the clock of the run: a ``SecretIssueStamp`` beside each live generation's client (created with
it, kept while its id is) or, when the secret was regenerated, the regeneration's ``issuedAt``.
A rewrite of the document that keeps the secret, or a rollback to the previous generation,
leaves the tag at that secret's own time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.adoption import FROM_CONFIG
from components.adoption import REGENERATE as ADOPT_REGENERATE
from components.client_secret_check import require_client_secret
from components.config import TOKEN_VALIDITY_NON_SCIM_MAX, ClientConfig
from components.credentials_document import credentials_document
from components.genesys_oauth_client import OauthClient, OauthClientArgs, OauthClientRoleArgs
from components.genesys_provider import Provider
from components.genesys_regions import GenesysRegion
from components.issue_time import ISSUED_AT_TAG
from components.reader_access import secret_policy
from components.replica_keys import RegionKey
from components.rotation import FIRST_GENERATION, REGENERATE
from components.rotation_provider import RegeneratedSecret, region_endpoints
from components.secret_issue_stamp import SecretIssueStamp

COMPONENT_TYPE = "genesys-oauth-secrets:index:OAuthClientSecret"


def secret_name(stack: str, client_name: str) -> str:
    """Stable Secrets Manager name of a client's secret."""
    return f"genesys/oauth/{stack}/{client_name}"


def secret_tags(tags: Mapping[str, str], client_name: str) -> dict[str, str]:
    """A client's secret carries the stack's tags and the client's name.

    The component adds ``ISSUED_AT_TAG`` beside them, whose value is known only once the secret
    is issued (no IAM condition of the deployer reads it, so preflight needs no value for it).
    """
    return {**tags, "genesys-oauth-client": client_name}


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
    replica_keys: Sequence[RegionKey] = ()
    """One per replica region: the secret is replicated there, encrypted with that key."""


class OAuthClientSecret(pulumi.ComponentResource):
    """A Genesys OAuth client whose credentials live in an AWS Secrets Manager secret."""

    client_id: pulumi.Output[str]
    """The OAuth client id (not secret)."""
    secret_arn: pulumi.Output[str]
    """ARN of the Secrets Manager secret holding the credentials document."""
    replica_arns: pulumi.Output[dict[str, str]] | None
    """ARN of each replica by region (None without ``replicaRegions``)."""

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

        rotation = client.rotation
        current_generation = rotation.live_generations[-1]
        adopt = client.adopt
        live = {
            generation: _oauth_client(
                name,
                client,
                generation,
                pulumi.ResourceOptions(
                    parent=self,
                    protect=args.protect and generation == current_generation,
                    provider=args.genesys_provider,
                    import_=adopt.client_id
                    if adopt is not None and generation == FIRST_GENERATION
                    else None,
                ),
            )
            for generation in rotation.live_generations
        }
        stamps = {
            generation: SecretIssueStamp(
                f"{client_resource_name(name, generation)}-secret-issued",
                client_id=oauth_client.client_id,
                opts=child,
            )
            for generation, oauth_client in live.items()
        }
        current = live[current_generation]
        client_secret: pulumi.Output[str] = current.client_secret
        issued_at: pulumi.Output[str | None] = stamps[current_generation].issued_at
        adopted_is_current = adopt is not None and current_generation == FIRST_GENERATION
        regenerated = rotation.strategy == REGENERATE and rotation.generation > FIRST_GENERATION
        if adopted_is_current and adopt is not None and adopt.secret == FROM_CONFIG and adopt.seed:
            client_secret = adopt.seed
        if regenerated or (
            adopted_is_current and adopt is not None and adopt.secret == ADOPT_REGENERATE
        ):
            regeneration = RegeneratedSecret(
                f"{name}-secret-regeneration",
                client_id=current.client_id,
                generation=rotation.generation,
                endpoints=region_endpoints(args.genesys_region),
                opts=child,
            )
            client_secret = regeneration.secret
            issued_at = regeneration.issued_at

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
                "deletes its secret immediately, with no recovery; the guardrails allow it only "
                "with secret-recovery-window.minimumDays: 0 in policy/config/<stack>.json",
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
            replicas=[
                aws.secretsmanager.SecretReplicaArgs(region=key.region, kms_key_id=key.key_id)
                for key in args.replica_keys
            ]
            or None,
            tags={
                **secret_tags(args.tags, client.name),
                ISSUED_AT_TAG: issued_at.apply(lambda value: value or ""),
            },
            opts=guarded,
        )
        if client.readers:
            secret_policy(name, secret, client.readers, child)

        # A rotation changes secret_string, which terraform-provider-aws marks ForceNew: Pulumi
        # creates the new version first (PutSecretValue moves AWSCURRENT to it and AWSPREVIOUS to
        # the old one), then deletes the old resource, whose Delete only removes the labels it
        # recorded at creation (AWSCURRENT, which it skips). The old document stays AWSPREVIOUS.
        # Hence no version_stages and no delete_before_replace here.
        aws.secretsmanager.SecretVersion(
            f"{name}-secret-version",
            secret_id=secret.id,
            secret_string=credentials_document(
                client_id=current.client_id,
                client_secret=require_client_secret(client.name, current.urn, client_secret),
                region=args.genesys_region,
                grant_type=client.grant_type,
            ),
            opts=child,
        )

        self.client_id = current.client_id
        self.secret_arn = secret.arn
        outputs: dict[str, pulumi.Output[Any]] = {
            "client_id": self.client_id,
            "secret_arn": self.secret_arn,
        }
        regions = [key.region for key in args.replica_keys]
        self.replica_arns = (
            secret.arn.apply(lambda arn: replica_arns(arn, regions)) if regions else None
        )
        if self.replica_arns is not None:
            outputs["replica_arns"] = self.replica_arns
        self.register_outputs(outputs)


def replica_arns(primary_arn: str, regions: Sequence[str]) -> dict[str, str]:
    """A replica's ARN is the primary's with its region swapped (Secrets Manager user guide,
    "Replicate secrets across Regions"); the random suffix is the same."""
    fields = primary_arn.split(":")
    return {region: ":".join([*fields[:3], region, *fields[4:]]) for region in regions}


def client_resource_name(component: str, generation: int) -> str:
    """Pulumi name of a generation's OAuth client; generation 1 keeps the pre-rotation name.

    The name depends on the generation number only, never on "current" or "previous", so a
    client keeps its URN while it moves from current to previous.
    """
    suffix = "" if generation == FIRST_GENERATION else f"-gen{generation}"
    return f"{component}-oauth-client{suffix}"


def client_display_name(client_name: str, generation: int) -> str:
    """Name shown in the Genesys admin UI: the configured name, plus the generation from 2 on.

    Whether Genesys requires unique client names is not documented; distinct names avoid the
    question and tell an admin which generation a client is.
    """
    if generation == FIRST_GENERATION:
        return client_name
    return f"{client_name} (generation {generation})"


def _oauth_client(
    component: str, client: ClientConfig, generation: int, opts: pulumi.ResourceOptions
) -> OauthClient:
    return OauthClient(
        client_resource_name(component, generation),
        OauthClientArgs(
            name=client_display_name(client.name, generation),
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
        opts,
    )
