"""Validate a stack's config without decrypting it, when it adopts clients with ``secret: config``.

``adoptedClientSecrets`` is the one secret config key: the stack file holds it as ``secure:``
ciphertext, and the tools that read config without the secrets provider (the age report,
preflight) must neither open it nor refuse it. The validator needs to know which clients have a
seed, not the seed, so each is handed over as an empty sealed placeholder.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from components.adoption import ADOPTED_SECRETS_KEY, FROM_CONFIG


def _encrypted(value: object) -> bool:
    return isinstance(value, Mapping) and set(value) == {"secure"}


def sealed_seeds(raw: dict[str, Any]) -> dict[str, pulumi.Output[str]]:
    """Take an encrypted ``adoptedClientSecrets`` out of ``raw``: a placeholder per entry set
    with ``--secret --path`` (one ``secure:`` leaf per client), or, for a map encrypted whole,
    per client that adopts with ``secret: config`` (its names are inside the ciphertext).
    Left in ``raw`` when any of it is plaintext, which the validator refuses, as ``pulumi up``
    does."""
    value = raw.get(ADOPTED_SECRETS_KEY)
    if _encrypted(value):
        clients = raw.get("clients")
        names = [
            client.get("name")
            for client in (clients if isinstance(clients, list) else ())
            if isinstance(client, Mapping)
            and isinstance(client.get("adopt"), Mapping)
            and client["adopt"].get("secret") == FROM_CONFIG
        ]
    elif isinstance(value, Mapping) and value and all(map(_encrypted, value.values())):
        names = list(value)
    else:
        return {}
    del raw[ADOPTED_SECRETS_KEY]
    return {name: pulumi.Output.secret("") for name in names if isinstance(name, str)}
