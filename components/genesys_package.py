"""The parameterized ``terraform-provider`` package that serves Genesys Cloud, pinned in one place.

There is no ``pulumi-genesyscloud`` on PyPI. Pulumi reaches Genesys through its generic
``terraform-provider`` plugin, parameterized with the Terraform provider
``mypurecloud/genesyscloud``. What the engine stores in provider state is the base plugin's
version plus the exact parameter bytes, so they must be byte-for-byte what
``pulumi package add terraform-provider mypurecloud/genesyscloud 1.84.1`` sends: Go's compact
``json.Marshal`` output, keys ``remote`` → ``url``, ``version``. A drift here would make the engine
treat the provider as a different package and plan a replacement of every OAuth client.

Bumping a version is a deliberate, reviewed change of the constants below.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable

import pulumi.runtime

BASE_PROVIDER_NAME = "terraform-provider"
"""The Pulumi plugin that bridges any Terraform provider."""

BASE_PROVIDER_VERSION = "1.1.3"
"""Release of the ``terraform-provider`` plugin (no leading ``v`` on the wire)."""

PACKAGE_NAME = "genesyscloud"
"""Name of the parameterized package; resource tokens start with it."""

TERRAFORM_PROVIDER_VERSION = "1.84.1"
"""Release of the bridged Terraform provider ``mypurecloud/genesyscloud``."""

TERRAFORM_PROVIDER_SOURCE = "registry.opentofu.org/mypurecloud/genesyscloud"
"""Registry address the plugin downloads the Terraform provider from (its default registry)."""


def parameter_bytes() -> bytes:
    """The parameter value exactly as Go's ``json.Marshal`` renders it: compact, fixed key order."""
    document = {"remote": {"url": TERRAFORM_PROVIDER_SOURCE, "version": TERRAFORM_PROVIDER_VERSION}}
    return json.dumps(document, separators=(",", ":")).encode()


def package_ref() -> Awaitable[str]:
    """Register the package with the engine and return the (un-awaited) reference.

    Resources pass the awaitable as ``package_ref=``; the SDK caches the registration per
    deployment, so calling this once per resource sends a single RegisterPackage request.
    """
    return pulumi.runtime.register_package(
        base_provider_name=BASE_PROVIDER_NAME,
        base_provider_version=BASE_PROVIDER_VERSION,
        base_provider_download_url="",
        package_name=PACKAGE_NAME,
        package_version=TERRAFORM_PROVIDER_VERSION,
        base64_parameter=base64.b64encode(parameter_bytes()).decode(),
    )
