"""``RegeneratedSecret``: a Pulumi dynamic resource whose every generation is a new client secret.

Why a dynamic provider: the Genesys Terraform provider (1.84.1) sets ``client_secret`` only when
it creates a client and never calls the regenerate endpoint, and no attribute forces a
replacement. The only way to get a new secret for the *same* client id is to call
``POST /api/v2/oauth/clients/{id}/secret`` ourselves, at deploy time, and keep what it returns
in state, encrypted. A dynamic provider does exactly that inside ``pulumi up``.

The resource is keyed on ``(clientId, generation)``: a change of either makes ``diff`` report a
change, and ``update`` (or ``create``) regenerates; anything else leaves the stored secret alone.
``secret`` is listed in ``additional_secret_outputs``, so the engine encrypts it in state and the
program sees it only as a secret Output. ``issuedAt`` (not secret) is when the regeneration
was answered: the age report's start for this secret (``components.issue_time``). State
written before that output existed has no ``issuedAt``; nothing reads it there but the program,
which then tags the secret with an empty value. ``delete`` does nothing: the client keeps its
current secret, and deleting the client is the OAuth client resource's job.

How Pulumi runs it (pulumi 3.272, ``pulumi/dynamic/dynamic.py`` and ``__main__.py``): the provider
object is pickled with dill into the ``__provider`` input, stored in state as a secret, and
unpickled by ``python -m pulumi.dynamic`` in a separate process that the engine starts with its
own environment. dill stores this class *by reference* (its module is importable), so the
provider process imports ``components.rotation_provider`` from the project directory. The object
has no attributes at all: credentials are read from ``GENESYSCLOUD_*`` inside ``create`` and
``update`` (``components.rotation_api``), so none can be pickled into state.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult

from components.genesys_regions import GenesysRegion
from components.issue_time import ISSUED_AT_OUTPUT, issued_now
from components.rotation_api import GenesysEndpoints, regenerate_secret

REGENERATED_SECRET_TYPE = "pulumi-python:dynamic/rotation:RegeneratedSecret"  # noqa: S105 - a type
SECRET_OUTPUT = "secret"  # noqa: S105 - the output's name
KEYS = ("clientId", "generation")
"""A change of one of these is a rotation; the endpoints only say where to send it."""


class RegenerateSecretProvider(ResourceProvider):
    """Regenerates on create and whenever the key changes. Stateless: it is pickled into state."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = _regenerated(props)
        return CreateResult(id_=f"{props['clientId']}/{props['generation']}", outs=outs)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in KEYS if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed), replaces=[], delete_before_replace=False)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(outs=_regenerated(news))


def _regenerated(props: dict[str, Any]) -> dict[str, Any]:
    endpoints = GenesysEndpoints(
        api_base_url=str(props["apiBaseUrl"]), token_url=str(props["tokenUrl"])
    )
    secret = regenerate_secret(str(props["clientId"]), endpoints)
    issued_at = issued_now()
    return {
        "clientId": props["clientId"],
        "generation": props["generation"],
        "apiBaseUrl": props["apiBaseUrl"],
        "tokenUrl": props["tokenUrl"],
        SECRET_OUTPUT: secret.reveal(),
        ISSUED_AT_OUTPUT: issued_at,
    }


def region_endpoints(region: GenesysRegion) -> GenesysEndpoints:
    """The region's real API and login hosts."""
    return GenesysEndpoints(
        api_base_url=f"https://{region.api_host}",
        token_url=f"https://{region.login_host}/oauth/token",
    )


class RegeneratedSecret(Resource, module="rotation", name="RegeneratedSecret"):
    """The current secret of an existing OAuth client, regenerated for each generation."""

    secret: pulumi.Output[str]
    """The new client secret: a secret Output, ciphertext in state."""

    def __init__(
        self,
        name: str,
        *,
        client_id: pulumi.Input[str],
        generation: int,
        endpoints: GenesysEndpoints,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=[SECRET_OUTPUT])
        super().__init__(
            RegenerateSecretProvider(),
            name,
            {
                "clientId": client_id,
                "generation": generation,
                "apiBaseUrl": endpoints.api_base_url,
                "tokenUrl": endpoints.token_url,
                SECRET_OUTPUT: None,
                ISSUED_AT_OUTPUT: None,
            },
            pulumi.ResourceOptions.merge(opts, secret_opts),
        )

    @property
    def issued_at(self) -> pulumi.Output[str | None]:
        """When the secret was regenerated; None in state written before this output existed."""
        issued: pulumi.Output[str | None] = self.__dict__[ISSUED_AT_OUTPUT]
        return issued
