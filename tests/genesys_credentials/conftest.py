"""Fixtures for the credentials helper: a real secret in moto, a fake Genesys login host,
a clock the tests move by hand (the reader's waits for a rotation move it too), and a counter
of the HTTP requests Secrets Manager receives.

Everything runs on 127.0.0.1: the shared ``aws_endpoint`` fixture points boto3 at the session's
moto server, and ``genesys_login`` starts a fake login host per test.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from genesys_credentials import CredentialsReader, RetryPolicy, TokenClient
from genesys_oauth_secrets.plan.engine import PROJECT
from tests.support.aws_errors import aws_error
from tests.support.fake_genesys_login import FakeGenesysLogin, genesys_login

if TYPE_CHECKING:
    from mypy_boto3_kms.type_defs import TagTypeDef

__all__ = ["genesys_login"]

REGION = "us-east-1"
CLIENT_ID = "6a1f0c52-8f0e-4d1a-9a39-0d6c1e0f1b2c"
TTL = 300.0

T = TypeVar("T")


def credentials_document(client_secret: str, **overrides: Any) -> dict[str, Any]:
    """The version-1 document exactly as the component writes it, with optional changes."""
    document: dict[str, Any] = {
        "version": 1,
        "client_id": CLIENT_ID,
        "client_secret": client_secret,
        "genesys_region": "us-east-1",
        "api_host": "api.mypurecloud.com",
        "login_host": "login.mypurecloud.com",
        "grant_type": "CLIENT-CREDENTIALS",
    }
    document.update(overrides)
    return document


@dataclass
class FakeClock:
    """A monotonic clock that only moves when a test says so."""

    now: float = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class SecretsManagerCalls:
    """Counts GetSecretValue requests on the wire (retries included) and can fail the next ones.

    moto enforces neither IAM nor KMS and never throttles, so denials and throttling are
    answered here, before the request leaves botocore, in the JSON shape AWS uses; botocore's
    real parser and retry handler then process them as they would AWS's answer.
    """

    sent: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)

    def fail_next(self, code: str, message: str, times: int = 1) -> None:
        self.failures.extend([(code, message)] * times)

    def before_send(self, **_: object) -> AWSResponse | None:
        self.sent += 1
        if not self.failures:
            return None
        code, message = self.failures.pop(0)
        return aws_error("https://secretsmanager.invalid/", code, message)


def watch(reader: CredentialsReader) -> SecretsManagerCalls:
    calls = SecretsManagerCalls()
    # The stubs type every handler as returning None; a before-send handler may return the
    # response itself, which botocore then uses instead of sending the request.
    handler = cast("Callable[..., None]", calls.before_send)
    reader.client.meta.events.register("before-send.secrets-manager.GetSecretValue", handler)
    return calls


def calls_around_expiry(
    fetch: Callable[[], object], clock: FakeClock, calls: Callable[[], int], lifetime: float
) -> tuple[int, int]:
    """Calls counted after a fetch and a second one a millisecond before ``lifetime`` runs
    out, then after a third one exactly at it: ``(1, 2)`` when the cache lives that long."""
    fetch()
    clock.advance(lifetime - 0.001)
    fetch()
    before = calls()
    clock.advance(0.001)
    fetch()
    return before, calls()


PATIENCE = 120.0
"""Seconds a thread may take to start or finish: generous, because CI shares two cores with
moto and the other tests; a thread still running after it shows as a missing result."""


def all_at_once(action: Callable[[], T], threads: int = 16) -> list[T]:
    """Run ``action`` on ``threads`` threads released together; their results, in any order."""
    start = threading.Barrier(threads)
    results: list[T] = []

    def run() -> None:
        start.wait(timeout=PATIENCE)
        results.append(action())

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=PATIENCE)
    return results


def store_secret(name: str, document: object) -> str:
    """Create a CMK-encrypted secret in moto, as the component does, and return its ARN."""
    project_tag: list[TagTypeDef] = [
        {"TagKey": "pulumi-project", "TagValue": PROJECT}
    ]  # components/tagging.py
    kms = boto3.client("kms", region_name=REGION)
    key_id = kms.create_key(Tags=project_tag)["KeyMetadata"]["KeyId"]
    secret = boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name=name,
        KmsKeyId=key_id,
        SecretString=document if isinstance(document, str) else json.dumps(document),
    )
    return secret["ARN"]


def put_secret(arn: str, document: dict[str, Any]) -> None:
    """Write a new version, as a rotation or a replaced client would."""
    boto3.client("secretsmanager", region_name=REGION).put_secret_value(
        SecretId=arn, SecretString=json.dumps(document)
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def secret_arn(aws_endpoint: str, marker: str) -> str:
    return store_secret("genesys/oauth/test/ivr", credentials_document(marker))


@pytest.fixture
def reader(secret_arn: str, clock: FakeClock) -> CredentialsReader:
    """Waits for a rotation move the fake clock: no test sleeps for real."""
    return CredentialsReader(secret_arn, ttl=TTL, clock=clock, sleep=clock.advance)


@pytest.fixture
def aws_calls(reader: CredentialsReader) -> SecretsManagerCalls:
    return watch(reader)


@pytest.fixture
def login(genesys_login: FakeGenesysLogin, marker: str) -> FakeGenesysLogin:
    """The fake login host, knowing the client whose secret is the marker."""
    genesys_login.accept(CLIENT_ID, marker)
    return genesys_login


@pytest.fixture
def sleeps() -> list[float]:
    """Every wait the token client asked for, in order (nothing really sleeps)."""
    return []


@pytest.fixture
def tokens(
    reader: CredentialsReader, login: FakeGenesysLogin, clock: FakeClock, sleeps: list[float]
) -> TokenClient:
    retry = RetryPolicy(sleep=sleeps.append, jitter=lambda: 1.0)
    return TokenClient(reader, token_url=login.token_url, clock=clock, retry=retry)
