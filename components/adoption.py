"""``adopt``: take over an OAuth client made by hand instead of creating a new one.

The OAuth client is imported (the ``import`` resource option, id = the client id), so its id,
and every consumer configured with it, stay. The provider never reads a client's secret back
(GET and PUT do not return it; an imported client's ``client_secret`` is empty), so an adopted
client's secret comes from one of two places:

- ``regenerate`` (default): the regenerate rotation's resource
  (``components.rotation_provider.RegeneratedSecret``) asks Genesys for a new secret once, at
  adoption. The old secret stops working at that moment: consumers still holding it fail until
  they read the secret from Secrets Manager.
- ``config``: the client's current secret, given once as
  ``pulumi config set --secret --path 'adoptedClientSecrets.<client name>' …``, seeds Secrets
  Manager. Nothing changes for consumers; the secret is as old as it was.

``adoptedClientSecrets`` is the only config key the program accepts as a secret, and only with
an entry per client that adopts with ``secret: config``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from components.identifiers import UUID
from components.problems import Problems, config_map

ADOPT_KEYS = ("clientId", "secret")
REGENERATE = "regenerate"
FROM_CONFIG = "config"
SECRET_SOURCES = (REGENERATE, FROM_CONFIG)
ADOPTED_SECRETS_KEY = "adoptedClientSecrets"
"""Stack key: a map of client name → that client's current secret, set with ``--secret``."""


@dataclass(frozen=True)
class Adoption:
    """An existing OAuth client the program takes over, and where its secret comes from."""

    client_id: str
    """The existing client's id (lower-case UUID): the import id."""
    secret: str = REGENERATE
    """``regenerate`` or ``config``."""
    seed: pulumi.Output[str] | None = None
    """With ``config``: the current secret, a secret Output from ``adoptedClientSecrets``."""


def parse_adopt(
    path: str,
    value: Any,
    seeds: Mapping[str, pulumi.Output[str]],
    name: str | None,
    problems: Problems,
) -> Adoption | None:
    """Validate ``clients[i].adopt``; ``seeds`` are the entries of ``adoptedClientSecrets``."""
    if value is None:
        return None
    value = config_map(
        path,
        value,
        ADOPT_KEYS,
        problems,
        not_a_map="must be a map: adopt: {clientId: <client id>, secret: regenerate}",
    )
    if value is None:
        return None
    client_id = value.get("clientId")
    if not isinstance(client_id, str) or not UUID.fullmatch(client_id):
        problems.add(
            f"{path}.clientId",
            "required: the existing client's id, a UUID (Admin > OAuth, or "
            "`genesys-oauth-secrets describe-client <id>` prints the whole entry)",
        )
        return None
    source = value.get("secret", REGENERATE)
    if source not in SECRET_SOURCES:
        problems.add(
            f"{path}.secret",
            f"use one of {', '.join(SECRET_SOURCES)} (default {REGENERATE}): regenerate makes a "
            "new secret once; config seeds the current one from adoptedClientSecrets",
        )
        return None
    seed = seeds.get(name) if name is not None else None
    if source == FROM_CONFIG and seed is None:
        problems.add(
            f"{path}.secret",
            "is config but adoptedClientSecrets has no entry for this client: run "
            f"`pulumi config set --secret --path '{ADOPTED_SECRETS_KEY}.{name or '<client name>'}' "
            "<its secret>`",
        )
        return None
    return Adoption(client_id=client_id.lower(), secret=str(source), seed=seed)
