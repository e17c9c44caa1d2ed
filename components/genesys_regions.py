"""Genesys Cloud regions and their hosts, as the pinned provider (1.84.1) knows them.

The provider accepts a region *name* (``aws_region`` / ``GENESYSCLOUD_REGION``) and derives
``https://api.<domain>`` itself. Consumers of the stored credentials need the same hosts to get
a token (``https://login.<domain>/oauth/token``) and call the API, so the secret carries them.
The internal ``dca``/``tca`` test environments of the provider's map are left out on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

REGION_DOMAINS: dict[str, str] = {
    "us-east-1": "mypurecloud.com",
    "us-east-2": "use2.us-gov-pure.cloud",
    "us-west-2": "usw2.pure.cloud",
    "ca-central-1": "cac1.pure.cloud",
    "sa-east-1": "sae1.pure.cloud",
    "mx-central-1": "mxc1.pure.cloud",
    "eu-west-1": "mypurecloud.ie",
    "eu-west-2": "euw2.pure.cloud",
    "eu-central-1": "mypurecloud.de",
    "eu-central-2": "euc2.pure.cloud",
    "eusc-de-east-1": "edee1.eusc-pure.cloud",
    "me-central-1": "mec1.pure.cloud",
    "ap-south-1": "aps1.pure.cloud",
    "ap-southeast-1": "apse1.pure.cloud",
    "ap-southeast-2": "mypurecloud.com.au",
    "ap-northeast-1": "mypurecloud.jp",
    "ap-northeast-2": "apne2.pure.cloud",
    "ap-northeast-3": "apne3.pure.cloud",
}


@dataclass(frozen=True)
class GenesysRegion:
    """A Genesys Cloud region with the two hosts a client-credentials consumer talks to."""

    name: str
    domain: str

    @property
    def api_host(self) -> str:
        """Host of the Platform API (``https://<api_host>/api/v2/…``)."""
        return f"api.{self.domain}"

    @property
    def login_host(self) -> str:
        """Host of the OAuth token endpoint (``https://<login_host>/oauth/token``)."""
        return f"login.{self.domain}"


def genesys_region(name: str) -> GenesysRegion:
    """Look a region up by its provider name; raises KeyError for an unknown one."""
    return GenesysRegion(name=name, domain=REGION_DOMAINS[name])
