"""Typed binding for the Terraform resource ``genesyscloud_oauth_client``.

Shaped like the SDK ``pulumi package add`` would generate, so that what reaches the engine is
identical: the token ``genesyscloud:index/oauthClient:OauthClient``, camelCase property names,
the package reference, and ``clientSecret`` listed in ``additionalSecretOutputs``. The last one
is the important part: the bridged provider does not mark computed outputs secret by itself,
so without it the client secret would be written to state in plaintext.

Two inputs of the Terraform schema are deliberately not offered:
``expose_client_secret`` is always true (it is the only way the provider hands the secret to
Pulumi) and ``directory_client_secret`` is never set (it makes the provider write the secret
to a file on the machine running the deployment).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import cast

import pulumi

from components.genesys_package import PACKAGE_NAME, package_ref

OAUTH_CLIENT_TOKEN = f"{PACKAGE_NAME}:index/oauthClient:OauthClient"
SECRET_OUTPUTS = ["clientSecret"]
"""Outputs the engine must encrypt in state (the schema marks ``client_secret`` sensitive)."""


@pulumi.input_type
class OauthClientRoleArgs:
    """One grant of a CLIENT-CREDENTIALS client: a role, optionally limited to a division."""

    def __init__(
        self, *, role_id: pulumi.Input[str], division_id: pulumi.Input[str] | None = None
    ) -> None:
        """``division_id``: ``*`` for all divisions; unset means the home division."""
        pulumi.set(self, "role_id", role_id)
        if division_id is not None:
            pulumi.set(self, "division_id", division_id)

    @property
    @pulumi.getter(name="roleId")
    def role_id(self) -> pulumi.Input[str]:
        """Id of the role; it must already be granted to the OAuth client that deploys."""
        return cast(pulumi.Input[str], pulumi.get(self, "role_id"))

    @property
    @pulumi.getter(name="divisionId")
    def division_id(self) -> pulumi.Input[str] | None:
        """Division of the grant: a division id, ``*``, or None for the home division."""
        return cast("pulumi.Input[str] | None", pulumi.get(self, "division_id"))


@pulumi.input_type
class OauthClientArgs:
    """Inputs of ``genesyscloud_oauth_client`` (provider 1.84.1 schema, SchemaVersion 1)."""

    def __init__(
        self,
        *,
        name: pulumi.Input[str],
        authorized_grant_type: pulumi.Input[str],
        description: pulumi.Input[str] | None = None,
        access_token_validity_seconds: pulumi.Input[int] | None = None,
        registered_redirect_uris: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        scopes: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        roles: pulumi.Input[Sequence[pulumi.Input[OauthClientRoleArgs]]] | None = None,
        state: pulumi.Input[str] | None = None,
        integration_credential_name: pulumi.Input[str] | None = None,
    ) -> None:
        pulumi.set(self, "name", name)
        pulumi.set(self, "authorized_grant_type", authorized_grant_type)
        pulumi.set(self, "expose_client_secret", True)
        optional = {
            "description": description,
            "access_token_validity_seconds": access_token_validity_seconds,
            "registered_redirect_uris": registered_redirect_uris,
            "scopes": scopes,
            "roles": roles,
            "state": state,
            "integration_credential_name": integration_credential_name,
        }
        for key, value in optional.items():
            if value is not None:
                pulumi.set(self, key, value)

    @property
    @pulumi.getter
    def name(self) -> pulumi.Input[str]:
        """Display name of the client in Genesys Cloud."""
        return cast(pulumi.Input[str], pulumi.get(self, "name"))

    @property
    @pulumi.getter(name="authorizedGrantType")
    def authorized_grant_type(self) -> pulumi.Input[str]:
        """CODE, TOKEN, SAML2-BEARER, PASSWORD or CLIENT-CREDENTIALS."""
        return cast(pulumi.Input[str], pulumi.get(self, "authorized_grant_type"))

    @property
    @pulumi.getter(name="exposeClientSecret")
    def expose_client_secret(self) -> pulumi.Input[bool]:
        """Always true: the provider then returns ``client_secret`` (registered as secret)."""
        return cast(pulumi.Input[bool], pulumi.get(self, "expose_client_secret"))

    @property
    @pulumi.getter
    def description(self) -> pulumi.Input[str] | None:
        """Free text shown in the Genesys admin UI."""
        return cast("pulumi.Input[str] | None", pulumi.get(self, "description"))

    @property
    @pulumi.getter(name="accessTokenValiditySeconds")
    def access_token_validity_seconds(self) -> pulumi.Input[int] | None:
        """Token lifetime, 300 … 38880000 seconds (provider default 86400)."""
        return cast("pulumi.Input[int] | None", pulumi.get(self, "access_token_validity_seconds"))

    @property
    @pulumi.getter(name="registeredRedirectUris")
    def registered_redirect_uris(self) -> pulumi.Input[Sequence[pulumi.Input[str]]] | None:
        """Allowed callbacks for CODE and TOKEN clients."""
        return cast(
            "pulumi.Input[Sequence[pulumi.Input[str]]] | None",
            pulumi.get(self, "registered_redirect_uris"),
        )

    @property
    @pulumi.getter
    def scopes(self) -> pulumi.Input[Sequence[pulumi.Input[str]]] | None:
        """Scopes requested by clients that do not use CLIENT-CREDENTIALS."""
        return cast("pulumi.Input[Sequence[pulumi.Input[str]]] | None", pulumi.get(self, "scopes"))

    @property
    @pulumi.getter
    def roles(self) -> pulumi.Input[Sequence[pulumi.Input[OauthClientRoleArgs]]] | None:
        """Role grants of CLIENT-CREDENTIALS clients."""
        return cast(
            "pulumi.Input[Sequence[pulumi.Input[OauthClientRoleArgs]]] | None",
            pulumi.get(self, "roles"),
        )

    @property
    @pulumi.getter
    def state(self) -> pulumi.Input[str] | None:
        """``active`` (provider default) or ``inactive``; inactive clients cannot get tokens."""
        return cast("pulumi.Input[str] | None", pulumi.get(self, "state"))

    @property
    @pulumi.getter(name="integrationCredentialName")
    def integration_credential_name(self) -> pulumi.Input[str] | None:
        """If set, the provider also creates a Genesys integration credential for the client."""
        return cast("pulumi.Input[str] | None", pulumi.get(self, "integration_credential_name"))


class OauthClient(pulumi.CustomResource):
    """A Genesys Cloud OAuth client. Its id is the OAuth client id."""

    def __init__(
        self,
        resource_name: str,
        args: OauthClientArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = copy.copy(args)
        for output in ("client_id", "client_secret", "integration_credential_id"):
            props.__dict__[output] = None
        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=SECRET_OUTPUTS)
        super().__init__(
            OAUTH_CLIENT_TOKEN,
            resource_name,
            props,  # type: ignore[arg-type]  # input types are accepted, as in generated SDKs
            pulumi.ResourceOptions.merge(opts, secret_opts),
            package_ref=package_ref(),
        )

    @property
    @pulumi.getter(name="clientId")
    def client_id(self) -> pulumi.Output[str]:
        """The OAuth client id (not secret)."""
        return cast(pulumi.Output[str], pulumi.get(self, "client_id"))

    @property
    @pulumi.getter(name="clientSecret")
    def client_secret(self) -> pulumi.Output[str]:
        """The client secret; a secret Output, ciphertext in state."""
        return cast(pulumi.Output[str], pulumi.get(self, "client_secret"))

    @property
    @pulumi.getter(name="integrationCredentialId")
    def integration_credential_id(self) -> pulumi.Output[str]:
        """Id of the integration credential, when ``integration_credential_name`` was set."""
        return cast(pulumi.Output[str], pulumi.get(self, "integration_credential_id"))

    @property
    @pulumi.getter
    def name(self) -> pulumi.Output[str]:
        """Display name of the client."""
        return cast(pulumi.Output[str], pulumi.get(self, "name"))

    @property
    @pulumi.getter(name="authorizedGrantType")
    def authorized_grant_type(self) -> pulumi.Output[str]:
        """Grant type as stored by Genesys."""
        return cast(pulumi.Output[str], pulumi.get(self, "authorized_grant_type"))
