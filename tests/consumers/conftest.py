"""Fixtures that run the snippets of docs/consumers.md as a service would: a real secret in the
loopback moto server, and a process that knows nothing but the secret's ARN, the endpoint and
fake credentials (no region, no profile, no home directory of the developer's).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from components.genesys_regions import genesys_region
from tests.genesys_credentials.conftest import credentials_document
from tests.support.moto_server import FAKE_CREDENTIALS

# Not the Genesys region of the other tests, so a snippet that printed anything but what the
# document says would be caught.
GENESYS_REGION = genesys_region("eu-west-1")


@pytest.fixture
def document(marker: str) -> dict[str, Any]:
    """The version-1 document of a client in eu-west-1, its secret the marker."""
    return credentials_document(
        marker,
        genesys_region=GENESYS_REGION.name,
        api_host=GENESYS_REGION.api_host,
        login_host=GENESYS_REGION.login_host,
    )


@pytest.fixture
def service_environment(aws_endpoint: str, tmp_path: Path) -> Callable[[str], dict[str, str]]:
    """The whole environment of a service process that holds ``SECRET_ARN``: nothing else."""

    def environment(secret_arn: str) -> dict[str, str]:
        home = tmp_path / "home"
        home.mkdir(exist_ok=True)
        credentials = {k: v for k, v in FAKE_CREDENTIALS.items() if "REGION" not in k}
        return {
            **credentials,
            "PATH": os.environ["PATH"],
            "HOME": str(home),
            "AWS_CONFIG_FILE": str(home / "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
            "AWS_ENDPOINT_URL": aws_endpoint,
            "SECRET_ARN": secret_arn,
        }

    return environment
