"""The JSON document stored in each secret: everything a consumer needs, version 1.

Services read it with ``genesys_credentials`` (or any Secrets Manager client) and must not need
anything else to get a token: the client id and secret, the region and its two hosts, and the
grant type. The ``version`` field lets the shape evolve without breaking readers.
"""

from __future__ import annotations

import pulumi

from components.genesys_regions import GenesysRegion

DOCUMENT_VERSION = 1


def document_fields(
    client_id: object, client_secret: object, region: GenesysRegion, grant_type: str
) -> dict[str, object]:
    """The document's keys and values; the id and secret may be plain strings or Outputs.

    One definition for the program and for anything that writes a document outside it (the
    demo), so the two cannot drift apart.
    """
    return {
        "version": DOCUMENT_VERSION,
        "client_id": client_id,
        "client_secret": client_secret,
        "genesys_region": region.name,
        "api_host": region.api_host,
        "login_host": region.login_host,
        "grant_type": grant_type,
    }


def credentials_document(
    client_id: pulumi.Input[str],
    client_secret: pulumi.Input[str],
    region: GenesysRegion,
    grant_type: str,
) -> pulumi.Output[str]:
    """Render the document as a *secret* Output, whatever the secretness of the inputs."""
    document = pulumi.Output.json_dumps(
        document_fields(client_id, client_secret, region, grant_type)
    )
    return pulumi.Output.secret(document)
