"""An ``OAuthClient`` from ``GET /api/v2/oauth/clients/{id}`` as a ``clients`` entry.

Field names are the Platform API's (``OAuthClient`` in MyPureCloud/platform-client-sdk-go
``platformclientv2``): ``name``, ``description``, ``authorizedGrantType``, ``roleDivisions``
(``roleId``, ``divisionId``), ``scope``, ``registeredRedirectUri``,
``accessTokenValiditySeconds``, ``state``. The secret is never read: GET does not return it, and
a ``secret`` field, if one came, is ignored. A field of an unexpected shape is copied as it
came, so that the validation names it rather than this module guessing.

The entry is checked with the program's own validation (``components.config``), so what this
prints is what the program accepts, and anything it would refuse (a display name that is not a
valid client name, a ``disabled`` state) is a problem to fix before adopting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.config import ConfigError, parse_stack_config

PROBE_REGION = "us-east-1"
"""Any known Genesys region: validation needs one, and the region plays no part in an entry."""
_PREFIX = re.compile(r"^genesys-oauth-secrets:clients\[0\]\.?")


@dataclass(frozen=True)
class DescribedClient:
    """The entry, and what stops it from adopting the client as is."""

    entry: dict[str, Any]
    problems: tuple[str, ...] = ()


def config_entry(client: Mapping[str, Any], client_id: str) -> DescribedClient:
    """The ``clients`` entry matching ``client`` exactly, with ``adopt`` set to its id."""
    entry: dict[str, Any] = {
        "name": client.get("name"),
        "grantType": client.get("authorizedGrantType"),
    }
    if client.get("description"):
        entry["description"] = client["description"]
    grants = client.get("roleDivisions")
    roles = (
        [
            {
                "roleId": grant.get("roleId"),
                **({"divisionId": grant["divisionId"]} if grant.get("divisionId") else {}),
            }
            if isinstance(grant, Mapping)
            else grant
            for grant in grants
        ]
        if isinstance(grants, list)
        else grants
    )
    optional = {
        "roles": roles,
        "scopes": client.get("scope"),
        "redirectUris": client.get("registeredRedirectUri"),
    }
    entry.update({key: value for key, value in optional.items() if value})
    entry["accessTokenValiditySeconds"] = client.get("accessTokenValiditySeconds")
    entry["state"] = client.get("state")
    entry["adopt"] = {"clientId": client_id, "secret": "regenerate"}
    try:
        parse_stack_config({"genesysRegion": PROBE_REGION, "clients": [entry]})
    except ConfigError as error:
        return DescribedClient(entry, tuple(_PREFIX.sub("", p) for p in error.problems))
    return DescribedClient(entry)
