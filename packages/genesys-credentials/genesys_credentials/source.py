"""What the token client needs from wherever the OAuth client's credentials come from.

Services read them from the secret this project writes (:class:`CredentialsReader`); the
deployment's own rotation step reads the deploying client's ``GENESYSCLOUD_*`` variables. Both
hand :class:`~genesys_credentials.token_client.TokenClient` the same typed credentials.
"""

from __future__ import annotations

from typing import Protocol

from genesys_credentials.credentials import GenesysCredentials


class CredentialsSource(Protocol):
    """A cached view of one OAuth client's credentials."""

    @property
    def secret_id(self) -> str:
        """Where the credentials come from (a secret ARN, a set of variables), for messages."""
        ...

    def get(self) -> GenesysCredentials:
        """The credentials, possibly cached."""
        ...

    def refresh(self) -> GenesysCredentials:
        """The credentials read again now, bypassing any cache."""
        ...
