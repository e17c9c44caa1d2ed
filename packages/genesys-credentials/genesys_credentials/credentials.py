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

import hashlib
import hmac
import json
import re
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
MAX_SHOWN_VERSION = 1000
"""A version number above this is not quoted: it is not a version any writer produced."""
MAX_HOSTNAME = 253
CLIENT_ID = re.compile(r"[A-Za-z0-9._~-]{1,128}", re.ASCII)
"""Genesys issues UUIDs; a colon would split the Basic credentials, so it is refused."""
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?", re.ASCII)
_SURROGATE = re.compile("[\ud800-\udfff]")


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
        """Parse and validate a version-1 document; ``source`` (the ARN) names it in errors.

        Raises :class:`MalformedSecret` from a frame that no longer holds the document: an
        error tracker recording the locals of each frame must not find the secret in ``text``.
        """
        parsed = parse_document(text, source)
        del text
        if isinstance(parsed, MalformedSecret):
            raise parsed
        return parsed


def fingerprint(credentials: GenesysCredentials, key: bytes) -> bytes:
    """A keyed digest (HMAC-SHA256) of everything a token request uses, to tell whether a
    re-read document holds other credentials without keeping a second copy of the secret.

    Keyed so that the digest, which outlives the comparison, cannot be used to test guesses of
    a low-entropy secret by anyone who does not also hold the key. A rewrite that only adds a
    field within version 1 keeps the fingerprint: it is not a rotation.
    """
    fields = (
        credentials.client_id,
        credentials.client_secret.reveal(),
        credentials.genesys_region,
        credentials.api_host,
        credentials.login_host,
        credentials.grant_type,
    )
    return hmac.new(key, json.dumps(fields).encode(), hashlib.sha256).digest()


def parse_document(text: str, source: str) -> GenesysCredentials | MalformedSecret:
    """The credentials, or the problem as an exception to raise: this function never raises,
    so its frame, which holds the plaintext, is never part of a traceback."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        # The JSONDecodeError's ``doc`` is the whole document, the secret included: only the
        # position survives, and the error is neither the cause nor the context of ours.
        position = error.pos if isinstance(error, json.JSONDecodeError) else None
        where = f" at character {position}" if position is not None else ""
        return MalformedSecret(
            f"secret {source} is not JSON{where} (or nested too deeply): it must hold the "
            "credentials document written by the OAuthClientSecret component; re-run "
            "`pulumi up` to rewrite it"
        )
    if not isinstance(document, dict):
        return MalformedSecret(
            f"secret {source} holds JSON but not an object: expected the credentials document"
        )
    problem = _problem(document, source)
    if problem is not None:
        return MalformedSecret(problem)
    return GenesysCredentials(
        client_id=document["client_id"],
        client_secret=Secret(document["client_secret"]),
        genesys_region=document["genesys_region"],
        api_host=document["api_host"],
        login_host=document["login_host"],
        grant_type=document["grant_type"],
    )


def _problem(document: dict[str, Any], source: str) -> str | None:
    """What is wrong with the document, naming keys and rules, never a value."""
    problem = _version_problem(document)
    if problem is None:
        problem = _key_problem(document)
    return None if problem is None else f"secret {source}{problem}"


def _version_problem(document: dict[str, Any]) -> str | None:
    if "version" not in document:
        return None  # reported with the other missing keys
    version = document["version"]
    if isinstance(version, bool) or not isinstance(version, int):
        return ": key version must be the integer 1"
    if version == DOCUMENT_VERSION:
        return None
    shown = f"a version-{version}" if 0 < version < MAX_SHOWN_VERSION else "an unknown"
    return (
        f" holds {shown} credentials document; this helper reads version {DOCUMENT_VERSION}: "
        "upgrade genesys_credentials in the service"
    )


def _key_problem(document: dict[str, Any]) -> str | None:
    missing = [key for key in REQUIRED_KEYS if key not in document]
    if missing:
        return (
            f" lacks the key(s) {', '.join(missing)} of the version-1 credentials document "
            f"(required: {', '.join(REQUIRED_KEYS)}); re-run `pulumi up` so the component "
            "rewrites it"
        )
    for key in (*STRING_KEYS, "grant_type"):
        value = document[key]
        if not isinstance(value, str) or not value.strip():
            return f": key {key} must be a non-empty string"
        if _SURROGATE.search(value):
            return f": key {key} must be valid Unicode text (it holds a lone surrogate)"
    if not CLIENT_ID.fullmatch(document["client_id"]):
        return (
            ": key client_id must be an OAuth client id as Genesys issues them (letters, "
            "digits, '.', '_', '~', '-'; at most 128)"
        )
    bad_hosts = [key for key in HOST_KEYS if not is_hostname(document[key])]
    if bad_hosts:
        return (
            f": key {bad_hosts[0]} must be a bare host name such as login.mypurecloud.com "
            "(DNS syntax; no scheme, port, path, user or query)"
        )
    return None


def is_hostname(text: str) -> bool:
    """A DNS host name by RFC 1123 in ASCII: labels of 1-63 letters, digits and inner hyphens,
    at most 253 characters, and a last label that is not all digits (so no IPv4 literal)."""
    if len(text) > MAX_HOSTNAME:
        return False
    labels = text.split(".")
    return all(_LABEL.fullmatch(label) for label in labels) and not labels[-1].isdigit()
