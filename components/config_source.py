"""The stack config as the Pulumi CLI hands it to the program, read without trusting it.

The language host gives the program every config value as text (objects as JSON) plus the list
of keys set with ``pulumi config set --secret`` (``PULUMI_CONFIG`` / ``PULUMI_CONFIG_SECRET_KEYS``;
the SDK keeps them in ``pulumi.runtime.config``). This module turns them into plain values for
``components.config`` and reports, without ever reading or echoing the value:

- a **secret** project key. Everything in this program's config ends up in resource names, the
  Secrets Manager name, tags (copied by the AWS provider into ``tagsAll``) or descriptions, none
  of which Pulumi encrypts, so a secret value would reach the engine in plaintext. A key with a
  secret anywhere inside (``--secret --path``) is secret as a whole (``object.Secure()`` in
  pulumi ``sdk/go/common/resource/config/object.go``).
- an object key whose text is not JSON (``pulumi config set tags team=x``). Pulumi's own
  ``get_object`` raises ``ConfigTypeError`` with the whole value in its message.
- keys of the ``genesyscloud`` namespace: only a default provider reads them, and the program
  uses its own explicit provider, so they would be silently ignored.

The one exception is ``adoptedClientSecrets`` (``components.adoption``): it must be secret, and
each of its values is wrapped with ``pulumi.Output.secret`` here, where it enters the program.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi.runtime
from pulumi.runtime.config import CONFIG

from components.adoption import ADOPTED_SECRETS_KEY
from components.genesys_package import PACKAGE_NAME
from components.identifiers import CLIENT_NAME

PLAINTEXT_ONLY = (
    "is set as a secret (pulumi config set --secret), but this program's config becomes "
    "resource names, tags and descriptions, which Pulumi stores and sends in plaintext; keep "
    "sensitive text out of it and set the key again without --secret"
)
NOT_JSON = (
    "is not a valid JSON/YAML {kind} (the CLI stored plain text): write it as YAML in "
    "Pulumi.<stack>.yaml, or set one entry at a time with `pulumi config set --path '{example}' …`"
)
OBJECT_KEYS = {
    "clients": ("list", "clients[0].name"),
    "tags": ("map", "tags.team"),
    "genesysProvider": ("map", "genesysProvider.tokenPoolSize"),
    "replicaRegions": ("list", "replicaRegions[0].region"),
}
"""Project keys holding a list or map (the CLI passes them as JSON text), for the fix hint."""
SEED_NOT_SECRET = (
    "holds client secrets but is not set as a secret, so they are in Pulumi.<stack>.yaml in "
    "plaintext: treat them as exposed (regenerate them in Genesys), remove the key with "
    f"`pulumi config rm {ADOPTED_SECRETS_KEY}` and set each entry with `pulumi config set "
    f"--secret --path '{ADOPTED_SECRETS_KEY}.<client name>' …`"
)
SEED_NOT_A_MAP = (
    "must be a map of client name to that client's current secret (non-empty text); set each "
    f"entry with `pulumi config set --secret --path '{ADOPTED_SECRETS_KEY}.<client name>' …`"
)


@dataclass(frozen=True)
class RawConfig:
    """The project's config keys, decoded, and what could not be used."""

    values: dict[str, Any] = field(default_factory=dict)
    """Readable project keys by short name (``clients``), objects decoded from JSON."""
    unread: dict[str, str] = field(default_factory=dict)
    """Project keys that were not read, by short name, with the reason (a config problem)."""
    provider_keys: tuple[str, ...] = ()
    """``genesyscloud:…`` keys present in the stack config (names only)."""
    seeds: dict[str, pulumi.Output[str]] = field(default_factory=dict)
    """``adoptedClientSecrets``: client name → its current secret, each a secret Output."""


def read_project_config(project: str) -> RawConfig:
    """Read every key of the ``project`` namespace; secret values are never read."""
    config = pulumi.Config(project)
    values: dict[str, Any] = {}
    unread: dict[str, str] = {}
    provider_keys = []
    seeds: dict[str, pulumi.Output[str]] = {}
    for full_key in sorted(CONFIG.get()):
        namespace, _, key = full_key.partition(":")
        if namespace == PACKAGE_NAME:
            provider_keys.append(full_key)
        elif namespace != project:
            continue
        elif key == ADOPTED_SECRETS_KEY:
            found = read_seeds(full_key)
            if isinstance(found, str):
                unread[key] = found
            else:
                seeds = found
        elif pulumi.runtime.is_config_secret(full_key):
            unread[key] = PLAINTEXT_ONLY
        else:
            text = config.get(key)
            if key not in OBJECT_KEYS:
                values[key] = text
                continue
            decoded, ok = decode_json(text)
            if ok:
                values[key] = decoded
            else:
                kind, example = OBJECT_KEYS[key]
                unread[key] = NOT_JSON.format(kind=kind, example=example)
    return RawConfig(values=values, unread=unread, provider_keys=tuple(provider_keys), seeds=seeds)


def read_seeds(full_key: str) -> dict[str, pulumi.Output[str]] | str:
    """``adoptedClientSecrets`` with every value sealed, or the problem (never the value)."""
    if not pulumi.runtime.is_config_secret(full_key):
        return SEED_NOT_SECRET
    decoded, ok = decode_json(pulumi.runtime.get_config(full_key))
    if (
        not ok
        or not isinstance(decoded, dict)
        or not all(
            isinstance(name, str)
            and CLIENT_NAME.fullmatch(name)
            and isinstance(value, str)
            and value
            for name, value in decoded.items()
        )
    ):
        return SEED_NOT_A_MAP
    return {name: pulumi.Output.secret(value) for name, value in decoded.items()}


def decode_json(text: str | None) -> tuple[Any, bool]:
    """``(value, True)`` for JSON text, ``(None, False)`` otherwise; never raises, never echoes.

    The decoder's exception is dropped here, inside this frame, so neither its message (which
    quotes the document) nor its ``doc`` attribute travels further.
    """
    if text is None:
        return None, True
    try:
        return json.loads(text), True
    except (ValueError, RecursionError):
        return None, False
