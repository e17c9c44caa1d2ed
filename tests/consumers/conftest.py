"""Fixtures that run the snippets of docs/consumers.md as a service would: a real secret in the
loopback moto server, and a process that knows nothing but the secret's ARN, the endpoint and
fake credentials (no region, no profile, no home directory of the developer's).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from components.genesys_regions import genesys_region
from tests.consumers.runners import RUNNERS, SNIPPETS, ReadWithSnippet
from tests.genesys_credentials.conftest import credentials_document, store_secret
from tests.support.moto_server import FAKE_CREDENTIALS

# Not the Genesys region of the other tests, so a snippet that printed anything but what the
# document says would be caught.
GENESYS_REGION = genesys_region("eu-west-1")


def service_environment(endpoint: str, home: Path, secret_arn: str) -> dict[str, str]:
    """The whole environment of a service process that holds ``SECRET_ARN``: nothing else."""
    credentials = {k: v for k, v in FAKE_CREDENTIALS.items() if "REGION" not in k}
    return {
        **credentials,
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "AWS_CONFIG_FILE": str(home / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
        "AWS_ENDPOINT_URL": endpoint,
        "SECRET_ARN": secret_arn,
    }


@pytest.fixture
def document(marker: str) -> dict[str, Any]:
    """The version-1 document of a client in eu-west-1, its secret the marker."""
    return credentials_document(
        marker,
        genesys_region=GENESYS_REGION.name,
        api_host=GENESYS_REGION.api_host,
        login_host=GENESYS_REGION.login_host,
    )


@pytest.fixture(params=sorted(RUNNERS))
def read_with_snippet(
    request: pytest.FixtureRequest, aws_endpoint: str, tmp_path: Path
) -> ReadWithSnippet:
    """Store a document as the program does, then run one language's snippet on its ARN."""
    language: str = request.param

    def read(document: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        arn = store_secret("genesys/oauth/prod/ivr", document)
        return RUNNERS[language](
            SNIPPETS[language], service_environment(aws_endpoint, tmp_path, arn)
        )

    return read
