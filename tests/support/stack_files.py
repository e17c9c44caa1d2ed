"""Stack and project files as the Pulumi CLI writes them, for tests to start from and break."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import yaml

PROVIDER = "awskms://alias/pulumi-genesys-oauth-secrets?region=us-east-1"
BACKEND = "s3://acme-genesys-oauth-secrets-state?region=us-east-1"


def kms_ciphertext(size: int = 184) -> str:
    """What KMS returns for a 32-byte data key, base64: version 1 header, then opaque bytes.

    Real blobs for a symmetric key start ``01 02 02 00 78`` (base64 ``AQICAHg``) and run to about
    184 bytes; the content after the header is fixed here so failures are reproducible.
    """
    body = hashlib.sha512(b"data key").digest() * (size // 64 + 1)
    return base64.b64encode(bytes.fromhex("0102020078") + body[: size - 5]).decode("ascii")


def pulumi_ciphertext() -> str:
    """``pulumi config set --secret``'s format: v1, a 12-byte nonce, sealed value with its tag."""
    nonce = base64.b64encode(b"n" * 12).decode()
    sealed = base64.b64encode(b"s" * 29).decode()
    return f"v1:{nonce}:{sealed}"


def stack_document(**changes: Any) -> dict[str, Any]:
    """A stack file after ``pulumi stack init``: provider, data key and some config."""
    document: dict[str, Any] = {
        "secretsprovider": PROVIDER,
        "encryptedkey": kms_ciphertext(),
        "config": {
            "aws:region": "us-east-1",
            "genesys-oauth-secrets:genesysRegion": "us-east-1",
            "genesys-oauth-secrets:tags": {"team": "contact-center"},
        },
    }
    document.update(changes)
    return {key: value for key, value in document.items() if value is not None}


def write_project(
    directory: Path, stack: dict[str, Any], backend_url: str | None = BACKEND
) -> Path:
    """Pulumi.yaml (with ``backend.url`` unless None) and Pulumi.prod.yaml in ``directory``."""
    project: dict[str, Any] = {"name": "genesys-oauth-secrets", "runtime": "python"}
    if backend_url is not None:
        project["backend"] = {"url": backend_url}
    (directory / "Pulumi.yaml").write_text(yaml.safe_dump(project))
    (directory / "Pulumi.prod.yaml").write_text(yaml.safe_dump(stack))
    return directory


SEALED_SEED = {"secure": pulumi_ciphertext()}
"""An ``adoptedClientSecrets`` value as ``pulumi config set --secret`` leaves it: sealed."""
ADOPTED_CLIENT_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def adopt_first_client_from_config(config: dict[str, Any], project: str, seeds: object) -> None:
    """Make ``config``'s first client adopt an existing one with ``secret: config``, its seed in
    ``adoptedClientSecrets`` as ``seeds`` (a map of sealed entries, one sealed map, or plaintext
    that the tools must refuse)."""
    config[f"{project}:clients"][0]["adopt"] = {"clientId": ADOPTED_CLIENT_ID, "secret": "config"}
    config[f"{project}:adoptedClientSecrets"] = seeds
