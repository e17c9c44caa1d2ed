"""The reviewed IAM documents in ``iam/``, rendered for one bucket, account and stack.

``iam/*.json`` stay the source a reviewer reads: they name the example bucket
``acme-genesys-oauth-secrets-state``, the stack ``prod`` and the client ``ivr-integration``,
and leave the account as ``*``. Rendering only fills those names in; it never adds, drops or
widens a statement. ``bootstrap --github-repo`` attaches the rendered documents to the roles it
creates, and the test suite's IAM evaluator judges every recorded AWS call with them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

IAM_DIR = Path(__file__).resolve().parents[2] / "iam"
EXAMPLE_BUCKET = "acme-genesys-oauth-secrets-state"
EXAMPLE_STACK = "prod"
EXAMPLE_CLIENT = "ivr-integration"
SERVICES_WITH_ACCOUNT = ("kms", "secretsmanager", "iam")


@dataclass(frozen=True)
class Names:
    """What a rendering fills in; ``account`` None keeps the documents' ``*``."""

    bucket: str = EXAMPLE_BUCKET
    stack: str = EXAMPLE_STACK
    account: str | None = None
    client: str = EXAMPLE_CLIENT


def load(name: str) -> dict[str, Any]:
    """One shipped document, as reviewed."""
    document: dict[str, Any] = json.loads((IAM_DIR / name).read_text())
    return document


def render(name: str, names: Names) -> dict[str, Any]:
    """The document ``iam/<name>`` with the example names replaced by ``names``."""
    text = (IAM_DIR / name).read_text()
    text = text.replace(f"arn:aws:s3:::{EXAMPLE_BUCKET}", f"arn:aws:s3:::{names.bucket}")
    text = text.replace(
        f"secret:genesys/oauth/{EXAMPLE_STACK}/", f"secret:genesys/oauth/{names.stack}/"
    )
    text = text.replace(f"/{EXAMPLE_CLIENT}-??????", f"/{names.client}-??????")
    if names.account is not None:
        for service in SERVICES_WITH_ACCOUNT:
            text = text.replace(f"arn:aws:{service}:*:*:", f"arn:aws:{service}:*:{names.account}:")
            text = text.replace(f"arn:aws:{service}::*:", f"arn:aws:{service}::{names.account}:")
    rendered: dict[str, Any] = json.loads(text)
    return rendered
