"""Explicit ``pulumi:providers:genesyscloud`` provider, for deploying to a second Genesys org.

Without it the engine creates a default provider that reads the provider's own environment
variables (``GENESYSCLOUD_OAUTHCLIENT_ID``, ``GENESYSCLOUD_OAUTHCLIENT_SECRET``,
``GENESYSCLOUD_REGION``), which is what the program uses. An explicit provider is for a stack
that must reach a different org with credentials of its own; its credentials are wrapped as
secrets on the way in so the engine stores them encrypted.
"""

from __future__ import annotations

from typing import cast

import pulumi

from components.genesys_package import PACKAGE_NAME, package_ref

SECRET_INPUTS = ["oauthclientSecret", "accessToken"]


@pulumi.input_type
class ProviderArgs:
    """Provider inputs (provider 1.84.1 schema); unset ones fall back to the env vars."""

    def __init__(
        self,
        *,
        aws_region: pulumi.Input[str] | None = None,
        oauthclient_id: pulumi.Input[str] | None = None,
        oauthclient_secret: pulumi.Input[str] | None = None,
        access_token: pulumi.Input[str] | None = None,
    ) -> None:
        """``aws_region`` is the Genesys region name (``us-east-1``, ``eu-west-1`` …)."""
        if aws_region is not None:
            pulumi.set(self, "aws_region", aws_region)
        if oauthclient_id is not None:
            pulumi.set(self, "oauthclient_id", oauthclient_id)
        if oauthclient_secret is not None:
            pulumi.set(self, "oauthclient_secret", pulumi.Output.secret(oauthclient_secret))
        if access_token is not None:
            pulumi.set(self, "access_token", pulumi.Output.secret(access_token))

    @property
    @pulumi.getter(name="awsRegion")
    def aws_region(self) -> pulumi.Input[str] | None:
        """Genesys region (``GENESYSCLOUD_REGION``)."""
        return cast("pulumi.Input[str] | None", pulumi.get(self, "aws_region"))

    @property
    @pulumi.getter(name="oauthclientId")
    def oauthclient_id(self) -> pulumi.Input[str] | None:
        """Id of the deploying OAuth client (``GENESYSCLOUD_OAUTHCLIENT_ID``)."""
        return cast("pulumi.Input[str] | None", pulumi.get(self, "oauthclient_id"))

    @property
    @pulumi.getter(name="oauthclientSecret")
    def oauthclient_secret(self) -> pulumi.Input[str] | None:
        """Secret of the deploying client (``GENESYSCLOUD_OAUTHCLIENT_SECRET``); a secret."""
        return cast("pulumi.Input[str] | None", pulumi.get(self, "oauthclient_secret"))

    @property
    @pulumi.getter(name="accessToken")
    def access_token(self) -> pulumi.Input[str] | None:
        """A ready access token instead of id and secret (``GENESYSCLOUD_ACCESS_TOKEN``)."""
        return cast("pulumi.Input[str] | None", pulumi.get(self, "access_token"))


class Provider(pulumi.ProviderResource):
    """A Genesys Cloud provider instance; pass it to a component with ``providers=[…]``."""

    def __init__(
        self,
        resource_name: str,
        args: ProviderArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=SECRET_INPUTS)
        super().__init__(
            PACKAGE_NAME,
            resource_name,
            args,  # type: ignore[arg-type]  # input types are accepted, as in generated SDKs
            pulumi.ResourceOptions.merge(opts, secret_opts),
            package_ref=package_ref(),
        )
