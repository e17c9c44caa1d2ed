"""CredentialsReader with ``regions``: the same secret read from its replicas in order, the
first region that answers wins, and a wrong document is never hidden behind a replica.

moto serves every region from one loopback server; a region that is down is played by
botocore refusing to connect (``EndpointConnectionError``), which is what a service sees when
a region's endpoint does not answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import cast

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from hypothesis import given
from hypothesis import strategies as st

from genesys_credentials import (
    CredentialsReader,
    InvalidArgument,
    MalformedSecret,
    SecretUnavailable,
)
from tests.genesys_credentials.conftest import (
    CLIENT_ID,
    TTL,
    FakeClock,
    credentials_document,
)

PRIMARY = "us-east-1"
REPLICA = "us-west-2"
NAME = "genesys/oauth/test/regional"


def store_replicated(name: str, document: object) -> str:
    """A secret with a replica in ``REPLICA``, made by Secrets Manager's own replication (moto
    implements ``AddReplicaRegions``): the replica keeps the name and the ARN's suffix."""
    secret = boto3.client("secretsmanager", region_name=PRIMARY).create_secret(
        Name=name,
        SecretString=json.dumps(document),
        AddReplicaRegions=[{"Region": REPLICA}],
    )
    return secret["ARN"]


def count_reads(reader: CredentialsReader, region: str) -> list[str]:
    """Every GetSecretValue sent to ``region``."""
    reads: list[str] = []
    reader.clients[region].meta.events.register(
        "before-send.secrets-manager.GetSecretValue", lambda **_: reads.append(region)
    )
    return reads


def take_down(
    reader: CredentialsReader, region: str, clock: FakeClock | None = None, timeout: float = 0.0
) -> list[str]:
    """Make ``region`` refuse every connection, each refusal moving ``clock`` by ``timeout``
    seconds (a black-holed endpoint answers only by timing out); the attempts made there."""
    attempts: list[str] = []

    def refuse(**_: object) -> None:
        attempts.append(region)
        if clock is not None:
            clock.advance(timeout)
        raise EndpointConnectionError(endpoint_url="https://secretsmanager.down.invalid/")

    handler = cast("Callable[..., None]", refuse)
    reader.clients[region].meta.events.register(
        "before-send.secrets-manager.GetSecretValue", handler
    )
    return attempts


@pytest.fixture
def primary_arn(aws_endpoint: str, marker: str) -> str:
    return store_replicated(NAME, credentials_document(marker))


def regional(secret_id: str, clock: FakeClock) -> CredentialsReader:
    return CredentialsReader(
        secret_id, ttl=TTL, clock=clock, max_attempts=1, regions=[PRIMARY, REPLICA]
    )


def test_an_arn_is_read_in_each_region_under_its_regional_arn(
    primary_arn: str, clock: FakeClock
) -> None:
    reader = regional(primary_arn, clock)
    assert reader.secret_ids == [primary_arn, primary_arn.replace(PRIMARY, REPLICA, 1)]
    assert list(reader.clients) == [PRIMARY, REPLICA]


def test_the_primary_is_read_while_it_answers(
    primary_arn: str, clock: FakeClock, marker: str
) -> None:
    reader = regional(NAME, clock)
    replica_reads = count_reads(reader, REPLICA)
    assert reader.get().client_secret.reveal() == marker
    assert replica_reads == []


def test_a_region_that_does_not_answer_falls_over_to_the_next(
    primary_arn: str, clock: FakeClock, marker: str, caplog: pytest.LogCaptureFixture
) -> None:
    reader = regional(primary_arn, clock)
    attempts = take_down(reader, PRIMARY)
    credentials = reader.get()
    assert credentials.client_id == CLIENT_ID
    assert credentials.client_secret.reveal() == marker
    assert attempts == [PRIMARY]
    assert "trying the next region" in caplog.text
    assert marker not in caplog.text


def test_every_region_down_raises_the_first_failure_and_names_the_others(
    primary_arn: str, clock: FakeClock, marker: str
) -> None:
    reader = regional(primary_arn, clock)
    replica_arn = primary_arn.replace(PRIMARY, REPLICA, 1)
    take_down(reader, PRIMARY)
    take_down(reader, REPLICA)
    with pytest.raises(SecretUnavailable) as raised:
        reader.get()
    message = str(raised.value)
    assert message.startswith(f"could not call Secrets Manager for {primary_arn}")
    assert f"the others: could not call Secrets Manager for {replica_arn}" in message
    assert marker not in message


def test_every_region_down_names_the_regions_tried_even_for_a_secret_read_by_name(
    primary_arn: str, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    reader = regional(NAME, clock)
    take_down(reader, PRIMARY)
    take_down(reader, REPLICA)
    with pytest.raises(SecretUnavailable) as raised:
        reader.get()
    assert f"tried in this order: {PRIMARY}, {REPLICA};" in str(raised.value)
    assert f"could not read {NAME} in {PRIMARY}; trying the next region" in caplog.text


def test_a_primary_that_times_out_does_not_stretch_the_rotation_wait(
    primary_arn: str, clock: FakeClock
) -> None:
    """Every read fails over after the primary's timeout: the wait for a rotated document is
    bounded by the clock, not only by the sleeps between reads."""
    reader = CredentialsReader(
        primary_arn,
        ttl=TTL,
        clock=clock,
        sleep=clock.advance,
        max_attempts=1,
        regions=[PRIMARY, REPLICA],
    )
    take_down(reader, PRIMARY, clock, timeout=25.0)
    replica_reads = count_reads(reader, REPLICA)
    reader.get()
    started = clock.now
    reader.refresh()  # Genesys rejected them; the document never changes
    assert clock.now - started <= 30.0 + 25.0
    assert len(replica_reads) <= 3


def test_a_malformed_document_is_raised_not_looked_for_in_the_replicas(
    aws_endpoint: str, clock: FakeClock
) -> None:
    store_replicated(NAME, {"version": 1, "client_id": CLIENT_ID})
    reader = regional(NAME, clock)
    replica_reads = count_reads(reader, REPLICA)
    with pytest.raises(MalformedSecret, match="client_secret"):
        reader.get()
    assert replica_reads == []


@pytest.mark.parametrize(
    ("regions", "problem"),
    [
        ("us-east-1", "not one string"),
        (["us-east-1", "us-east-1"], "names a region twice"),
        (["US-EAST-1"], "AWS region names"),
        (["us-east-1\n::warning::x"], "AWS region names"),
        ([""], "AWS region names"),
        ([f"eu-west-{n}" for n in range(11)], "at most 10"),
        ({"us-east-1", "eu-west-1"}, "not a set"),
        ((region for region in ["us-east-1"]), "not a generator"),
        (1, "not a int"),
        (None, "not a NoneType"),
    ],
)
def test_bad_regions_are_refused_by_name(regions: Sequence[str], problem: str) -> None:
    with pytest.raises(InvalidArgument, match=problem) as raised:
        CredentialsReader(NAME, regions=regions)
    assert "\n" not in str(raised.value)


def test_a_client_and_regions_together_are_refused() -> None:
    client = boto3.client("secretsmanager", region_name=PRIMARY)
    with pytest.raises(InvalidArgument, match="not both"):
        CredentialsReader(NAME, client=client, regions=[PRIMARY])


@given(st.lists(st.text(max_size=40), max_size=12))
def test_any_regions_value_is_accepted_or_refused_with_invalid_argument(
    regions: list[str],
) -> None:
    outcome = built(regions)
    if isinstance(outcome, InvalidArgument):
        assert "\n" not in str(outcome)
    else:
        assert outcome.secret_ids == [NAME] * max(len(regions), 1)


def built(regions: list[str]) -> CredentialsReader | InvalidArgument:
    try:
        return CredentialsReader(NAME, regions=regions)
    except InvalidArgument as refused:
        return refused
