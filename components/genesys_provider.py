"""The program's own ``pulumi:providers:genesyscloud`` provider, pinned to ``genesysRegion``.

Every OAuth client is created through this one explicit provider, never through a default one
(``Pulumi.prod.yaml`` sets ``pulumi:disable-default-providers: [genesyscloud]`` so the engine
refuses a resource that forgets it). Why explicit:

- The region is an input. The provider's ``aws_region`` falls back to ``GENESYSCLOUD_REGION``
  only when the input is unset (``EnvDefaultFunc`` in ``provider_schema.go``, tag v1.84.1), so
  the clients are always created in the org region the stored document names.
- ``sdkDebug`` is pinned to false for the same reason: ``GENESYSCLOUD_SDK_DEBUG=true`` would
  otherwise make the provider write every response body, new client secrets included, to
  ``sdk_debug.log`` on the machine that deploys.

Credentials are deliberately *not* inputs: the provider process reads
``GENESYSCLOUD_OAUTHCLIENT_ID``/``_SECRET`` (or ``GENESYSCLOUD_ACCESS_TOKEN``) from its own
environment, so no credential is ever stored in the provider's state.

Like a generated SDK, every non-string input travels as its JSON text
(``pulumi.Output.from_input(x).apply(pulumi.runtime.to_json)`` in pulumi's Python codegen).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

import pulumi

from components.genesys_package import PACKAGE_NAME, package_ref

PROVIDER_NAME = "genesyscloud"
"""Resource name of the program's provider; its URN must never change once deployed."""


@dataclass(frozen=True)
class ProxySettings:
    """An HTTP(S) proxy between the provider and Genesys Cloud (the provider's ``proxy`` block)."""

    host: str
    port: int
    protocol: str
    """``http`` or ``https``: how the provider talks to the proxy."""


@dataclass(frozen=True)
class GenesysProviderSettings:
    """Optional provider settings for corporate networks; None keeps the provider's default."""

    token_pool_size: int | None = None
    """``tokenPoolSize``: OAuth tokens the provider mints at start-up (1-50, default 10)."""
    custom_retry_timeout: str | None = None
    """``customRetryTimeout``: Go duration the provider retries reads after a create ("5m")."""
    proxy: ProxySettings | None = None


@pulumi.input_type
class ProviderArgs:
    """Inputs of the Genesys provider (provider 1.84.1 schema, bridged names)."""

    def __init__(self, *, aws_region: str, settings: GenesysProviderSettings) -> None:
        """``aws_region`` is the Genesys region name (``us-east-1``, ``eu-west-1`` …)."""
        pulumi.set(self, "aws_region", aws_region)
        pulumi.set(self, "sdk_debug", json.dumps(False))
        if settings.token_pool_size is not None:
            pulumi.set(self, "token_pool_size", json.dumps(settings.token_pool_size))
        if settings.custom_retry_timeout is not None:
            pulumi.set(self, "custom_retry_timeout", settings.custom_retry_timeout)
        if settings.proxy is not None:
            pulumi.set(self, "proxy", json.dumps(proxy_block(settings.proxy)))

    @property
    @pulumi.getter(name="awsRegion")
    def aws_region(self) -> str:
        """Genesys region; as an input it takes precedence over ``GENESYSCLOUD_REGION``."""
        return cast(str, pulumi.get(self, "aws_region"))

    @property
    @pulumi.getter(name="sdkDebug")
    def sdk_debug(self) -> str:
        """Always ``false``: SDK debug logging writes client secrets to a file."""
        return cast(str, pulumi.get(self, "sdk_debug"))

    @property
    @pulumi.getter(name="tokenPoolSize")
    def token_pool_size(self) -> str | None:
        """Token pool size, as JSON text."""
        return cast("str | None", pulumi.get(self, "token_pool_size"))

    @property
    @pulumi.getter(name="customRetryTimeout")
    def custom_retry_timeout(self) -> str | None:
        """Retry timeout after create, a Go duration."""
        return cast("str | None", pulumi.get(self, "custom_retry_timeout"))

    @property
    @pulumi.getter
    def proxy(self) -> str | None:
        """The proxy block (one object: the schema's ``MaxItems: 1`` set), as JSON text."""
        return cast("str | None", pulumi.get(self, "proxy"))


def proxy_block(proxy: ProxySettings) -> Mapping[str, str]:
    """The ``proxy`` object as the schema types it: every field a string, the port included."""
    return {"host": proxy.host, "port": str(proxy.port), "protocol": proxy.protocol}


class Provider(pulumi.ProviderResource):
    """A Genesys Cloud provider instance; children get it with ``ResourceOptions(provider=…)``."""

    def __init__(
        self,
        resource_name: str,
        args: ProviderArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(
            PACKAGE_NAME,
            resource_name,
            args,  # type: ignore[arg-type]  # input types are accepted, as in generated SDKs
            opts,
            package_ref=package_ref(),
        )


def create_genesys_provider(region: str, settings: GenesysProviderSettings) -> Provider:
    """The stack's one Genesys provider, at stack level, pinned to ``region``."""
    return Provider(PROVIDER_NAME, ProviderArgs(aws_region=region, settings=settings))
