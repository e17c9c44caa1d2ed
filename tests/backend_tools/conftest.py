"""Fixtures for the backend tools: clients bound to the loopback moto server, and a CLI runner.

Every AWS call in these tests goes to the session's moto server on 127.0.0.1 (the shared
``aws_endpoint`` fixture pins ``AWS_ENDPOINT_URL`` and fake credentials and resets moto).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from genesys_oauth_secrets import cli
from genesys_oauth_secrets.audit.checkpoint import MIB, local_source
from genesys_oauth_secrets.audit.scan import AuditReport, KnownSecrets, audit
from genesys_oauth_secrets.demo.sample_state import SampleState, build_state
from genesys_oauth_secrets.shared.aws import AwsClients, connect

REGION = "us-east-1"


@dataclass(frozen=True)
class CliResult:
    """Exit code and both streams of one ``genesys-oauth-secrets`` invocation."""

    code: int
    out: str
    err: str


RunCli = Callable[..., CliResult]
AuditBytes = Callable[..., AuditReport]


@pytest.fixture
def aws(aws_endpoint: str) -> AwsClients:
    """Clients on an empty moto, built exactly as the commands build theirs."""
    return connect(REGION, aws_endpoint)


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """``run_cli("audit", "file.json")``: the real entry point, output captured."""

    def run(*argv: str) -> CliResult:
        capsys.readouterr()
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def sample() -> SampleState:
    """The honest DIY checkpoint of three clients: what a correct `pulumi up` leaves."""
    return build_state()


@pytest.fixture
def plain_bucket(aws: AwsClients) -> str:
    """A bucket holding Pulumi state but without bootstrap's TLS-only policy.

    moto speaks plain HTTP and ignores policy conditions, so under the TLS-only statement it
    refuses every object request; tests that only read and write objects use this bucket.
    """
    name = "pulumi-state-under-test"
    aws.s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def audit_bytes(tmp_path: Path) -> AuditBytes:
    """``audit_bytes(raw, known=None, name="state.json")``: write a state file and audit it."""

    def run(raw: bytes, known: KnownSecrets | None = None, name: str = "state.json") -> AuditReport:
        path = tmp_path / name
        path.write_bytes(raw)
        return audit(local_source(path, 512 * MIB), known)

    return run
