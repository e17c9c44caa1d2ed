"""A clean world for preflight, on loopback only: moto with a bootstrapped backend and the
stack's secrets-provider key, a fake Genesys org whose deploying client may do everything, and
a project directory with ``Pulumi.yaml`` and ``Pulumi.prod.yaml`` pointing at both.

Each test seeds one fault into this world and asserts the finding names its fix.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from genesys_credentials import RetryPolicy
from genesys_oauth_secrets.preflight.cli import main
from genesys_oauth_secrets.preflight.genesys_permissions import REQUIRED
from genesys_oauth_secrets.shared.aws import connect
from genesys_oauth_secrets.shared.backend_baseline import (
    DEFAULT_KEY_ALIAS,
    BootstrapSettings,
    Journal,
    bootstrap,
)
from genesys_oauth_secrets.shared.findings import LABEL_WIDTH
from tests.support.fake_genesys_api import FakeGenesysApi, genesys_api

__all__ = ["genesys_api"]

REGION = "us-east-1"
BUCKET = "preflight-test-state"
PROJECT = "genesys-oauth-secrets"
DEPLOYER_SECRET = "deployer-secret-not-for-output"
NO_WAIT = RetryPolicy(max_attempts=2, sleep=lambda _: None, jitter=lambda: 0.0)


@dataclass(frozen=True)
class Outcome:
    """What one preflight run returned and printed."""

    code: int
    out: str
    err: str

    def lines(self, check: str) -> list[str]:
        """The report lines of one check, each joined with its ``fix:`` line."""
        text = re.sub(r"\n +fix:", " fix:", self.out)
        return [
            line for line in text.splitlines() if line[LABEL_WIDTH + 1 :].startswith(f"{check} ")
        ]

    def status(self, check: str) -> set[str]:
        return {line.split()[0] for line in self.lines(check)}


@dataclass
class World:
    """The seeded environment: its project directory, AWS endpoint and Genesys org."""

    project_dir: Path
    endpoint: str
    api: FakeGenesysApi
    deployer_id: str
    deployer_role: str
    granted_role: str
    stack_file: dict[str, Any]

    def write_stack_file(self) -> None:
        text = yaml.safe_dump(self.stack_file, sort_keys=False)
        (self.project_dir / "Pulumi.prod.yaml").write_text(text)

    def run(self, *flags: str) -> Outcome:
        return run_preflight(self, *flags)


def run_preflight(world: World, *flags: str) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    argv = [
        "--stack",
        "prod",
        "--endpoint-url",
        world.endpoint,
        "--genesys-base-url",
        world.api.base_url,
        *flags,
    ]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv, project_dir=world.project_dir, retry=NO_WAIT)
    return Outcome(code, out.getvalue(), err.getvalue())


def encrypted_key(alias: str = DEFAULT_KEY_ALIAS, **context: str) -> str:
    """What `pulumi stack init --secrets-provider awskms://…` writes: base64 of a KMS ciphertext
    of a fresh 32-byte data key (pulumi/pulumi pkg/secrets/cloud/manager.go)."""
    kms = boto3.client("kms", region_name=REGION)
    blob = kms.encrypt(KeyId=alias, Plaintext=os.urandom(32), EncryptionContext=context)
    return base64.b64encode(blob["CiphertextBlob"]).decode()


@pytest.fixture
def world(
    aws_endpoint: str,
    genesys_api: FakeGenesysApi,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> World:
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("PULUMI_BACKEND_URL", "PULUMI_CLOUD_SECRET_OVERRIDE", "GENESYSCLOUD_SDK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("GENESYSCLOUD_ACCESS_TOKEN", raising=False)
    bootstrap(
        connect(REGION, aws_endpoint),
        BootstrapSettings(bucket=BUCKET, region=REGION),
        fix=False,
        journal=Journal(lambda _: None),
    )
    granted = genesys_api.add_role("IVR data dips", "routing:queue:view")
    deployer_role = genesys_api.add_role("Pulumi deployer", *REQUIRED, "authorization:role:view")
    deployer = genesys_api.add_client(
        "pulumi-deployer", DEPLOYER_SECRET, [(deployer_role, "*"), (granted, "*")]
    )
    monkeypatch.setenv("GENESYSCLOUD_OAUTHCLIENT_ID", deployer)
    monkeypatch.setenv("GENESYSCLOUD_OAUTHCLIENT_SECRET", DEPLOYER_SECRET)
    monkeypatch.setenv("GENESYSCLOUD_REGION", REGION)
    (tmp_path / "Pulumi.yaml").write_text(
        yaml.safe_dump(
            {
                "name": PROJECT,
                "runtime": "python",
                "backend": {"url": f"s3://{BUCKET}?region={REGION}"},
            }
        )
    )
    stack_file = {
        "secretsprovider": f"awskms://{DEFAULT_KEY_ALIAS}?region={REGION}",
        "encryptedkey": encrypted_key(),
        "config": {
            "aws:region": REGION,
            f"{PROJECT}:genesysRegion": REGION,
            f"{PROJECT}:clients": [
                {
                    "name": "ivr-integration",
                    "grantType": "CLIENT-CREDENTIALS",
                    "roles": [{"roleId": granted, "divisionId": "*"}],
                },
                {
                    "name": "agent-desktop",
                    "grantType": "CODE",
                    "redirectUris": ["https://desktop.example.com/callback"],
                    "scopes": ["users:readonly"],
                },
            ],
        },
    }
    seeded = World(
        tmp_path, aws_endpoint, genesys_api, deployer, deployer_role, granted, stack_file
    )
    seeded.write_stack_file()
    return seeded


def report(outcome: Outcome) -> dict[str, Any]:
    """The --json document of a run."""
    document = json.loads(outcome.out)
    assert isinstance(document, dict)
    return document
