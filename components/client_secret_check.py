"""Fail the run when Genesys created a client but handed back no secret.

The provider stores ``client_secret`` from the create response only, as ``""`` when the response
carries none (``resource_genesyscloud_oauth_client.go``, tag v1.84.1), and never reads it again.
Writing that ``""`` into Secrets Manager would look like success while every consumer fails at
its first token request, long after the deploy. So the secret version receives the secret only
through ``require_client_secret``, which stops the run instead.

The check sees the plaintext, so it is written to keep it out of what an error carries: the
message names only the client, and the frame that raises holds nothing but the empty value.
"""

from __future__ import annotations

import pulumi


class EmptyClientSecretError(pulumi.RunError):
    """Genesys returned no secret for a new client. ``RunError``: printed without a traceback."""

    def __init__(self, client_name: str, urn: str) -> None:
        super().__init__(
            f"Genesys Cloud created the OAuth client {client_name} but returned no client secret, "
            "so nothing was written to its Secrets Manager secret. GET and PUT never return a "
            "secret, so create the client again to get one: "
            f"`pulumi up --replace '{urn}'` (the secret's name and ARN stay the same)"
        )


def require_client_secret(
    client_name: str, urn: pulumi.Output[str], secret: pulumi.Output[str]
) -> pulumi.Output[str]:
    """``secret``, still secret, or a failed Output (EmptyClientSecretError) when it is empty."""

    def check(values: list[str]) -> str:
        client_urn, value = values
        if value:
            return value
        raise EmptyClientSecretError(client_name, client_urn)

    return pulumi.Output.secret(pulumi.Output.all(urn, secret).apply(check))
