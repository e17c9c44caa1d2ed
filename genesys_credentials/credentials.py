"""The typed credentials a service gets, and the version-1 document they are parsed from.

The Pulumi component writes this JSON into each secret (see ``components/credentials_document``)::

    {"version": 1, "client_id": "...", "client_secret": "...", "genesys_region": "us-east-1",
     "api_host": "api.mypurecloud.com", "login_host": "login.mypurecloud.com",
     "grant_type": "CLIENT-CREDENTIALS"}

Parsing is strict about what a reader needs (version 1 and every key, as non-empty strings) and
lenient about what it does not (extra keys are ignored, so the writer may add fields within
version 1). Errors name the key and never echo a value: the value might be the secret.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from genesys_credentials.errors import MalformedSecret
from genesys_credentials.secret import Secret

DOCUMENT_VERSION = 1
CLIENT_CREDENTIALS = "CLIENT-CREDENTIALS"
"""The grant type (as the Genesys provider spells it) that can get a token without a user."""

STRING_KEYS = ("client_id", "client_secret", "genesys_region", "api_host", "login_host")
REQUIRED_KEYS = ("version", *STRING_KEYS, "grant_type")
HOST_KEYS = ("api_host", "login_host")


@dataclass(frozen=True)
class GenesysCredentials:
    """One Genesys Cloud OAuth client as stored in its secret; safe to log (secret masked)."""

    client_id: str
    """The OAuth client id (not secret: it appears in Genesys audit logs and in the stack)."""
    client_secret: Secret
    """The OAuth client secret; ``client_secret.reveal()`` is the only way to read it."""
    genesys_region: str
    """The region name the Genesys provider uses, e.g. ``us-east-1`` or ``eu-central-1``."""
    api_host: str
    """Host of the Platform API, e.g. ``api.mypurecloud.com``."""
    login_host: str
    """Host of the OAuth token endpoint, e.g. ``login.mypurecloud.com``."""
    grant_type: str
    """The client's grant type; only ``CLIENT-CREDENTIALS`` clients can get a token here."""

    @property
    def token_url(self) -> str:
        """Where the client-credentials grant is posted."""
        return f"https://{self.login_host}/oauth/token"

    @property
    def api_base_url(self) -> str:
        """Prefix of every Platform API call (``{api_base_url}/api/v2/...``)."""
        return f"https://{self.api_host}"

    @classmethod
    def from_secret_string(cls, text: str, *, source: str) -> GenesysCredentials:
        """Parse and validate a version-1 document; ``source`` (the ARN) names it in errors."""
        document = _decode(text, source)
        if not isinstance(document, dict):
            raise MalformedSecret(
                f"secret {source} holds JSON but not an object: expected the credentials document"
            )
        _check_version(document, source)
        missing = [key for key in REQUIRED_KEYS if key not in document]
        if missing:
            raise MalformedSecret(
                f"secret {source} lacks the key(s) {', '.join(missing)} of the version-1 "
                f"credentials document (required: {', '.join(REQUIRED_KEYS)}); re-run `pulumi up` "
                "so the component rewrites it"
            )
        for key in (*STRING_KEYS, "grant_type"):
            if not isinstance(document[key], str) or not document[key].strip():
                raise MalformedSecret(f"secret {source}: key {key} must be a non-empty string")
        for key in HOST_KEYS:
            if any(char in document[key] for char in "/: \t"):
                raise MalformedSecret(
                    f"secret {source}: key {key} must be a bare host name such as "
                    "login.mypurecloud.com, without scheme, port or path"
                )
        return cls(
            client_id=document["client_id"],
            client_secret=Secret(document["client_secret"]),
            genesys_region=document["genesys_region"],
            api_host=document["api_host"],
            login_host=document["login_host"],
            grant_type=document["grant_type"],
        )


def _decode(text: str, source: str) -> object:
    try:
        return json.loads(text)
    except ValueError as error:
        position = getattr(error, "pos", None)
    # Raised outside the handler so the JSONDecodeError, whose ``doc`` is the whole document
    # (the secret included), is neither the cause nor the context of what the service sees.
    where = f" at character {position}" if position is not None else ""
    raise MalformedSecret(
        f"secret {source} is not JSON{where}: it must hold the credentials document written by "
        "the OAuthClientSecret component; re-run `pulumi up` to rewrite it"
    )


def _check_version(document: dict[str, Any], source: str) -> None:
    version = document.get("version")
    if "version" not in document:
        return  # reported with the other missing keys
    if isinstance(version, bool) or not isinstance(version, int):
        raise MalformedSecret(f"secret {source}: key version must be the integer 1")
    if version != DOCUMENT_VERSION:
        raise MalformedSecret(
            f"secret {source} holds a version-{version} credentials document; this helper reads "
            f"version {DOCUMENT_VERSION}: upgrade genesys_credentials in the service"
        )
