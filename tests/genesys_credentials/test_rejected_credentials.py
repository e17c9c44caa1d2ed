"""What a consumer sees when Genesys rejects its cached credentials (issue 20, findings 6 and 8).

A regenerate rotation kills the old secret seconds before ``pulumi up`` writes the new version:
the reader waits for the new document (on the fake clock), so the token request is served late
instead of failing. A client that stays rejected (deactivated) is remembered for the cache
window: it neither waits again nor re-reads Secrets Manager on every call.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest

from genesys_credentials import CredentialsReader, RetryPolicy, TokenClient, TokenRejected
from genesys_credentials.reader import FIRST_RECHECK, LONGEST_RECHECK
from tests.genesys_credentials.conftest import (
    CLIENT_ID,
    TTL,
    FakeClock,
    all_at_once,
    credentials_document,
    put_secret,
    watch,
)
from tests.support.fake_genesys_login import FakeGenesysLogin

CALLS = 20
ROTATION_WAIT = 30.0
THREADS = 16


@dataclass
class LateVersion:
    """The reader's sleep during a regenerate rotation: it moves the fake clock and, once
    ``after`` seconds have passed, writes the new version, as ``pulumi up`` does after the
    regeneration call returned. The write runs on its own thread, as the deployment is not
    the service: the IAM check attributes it to the test, not to the reader's stack."""

    clock: FakeClock
    arn: str
    after: float
    slept: float = 0.0

    def __call__(self, seconds: float) -> None:
        before = self.slept
        self.slept += seconds
        self.clock.advance(seconds)
        if before < self.after <= self.slept:
            deployment = threading.Thread(
                target=put_secret, args=(self.arn, credentials_document("regenerated"))
            )
            deployment.start()
            deployment.join(timeout=10)


def token_client(
    reader: CredentialsReader, login: FakeGenesysLogin, clock: FakeClock
) -> TokenClient:
    """A token client whose own retries never sleep: only the reader's waits move time."""
    retry = RetryPolicy(sleep=lambda _: pytest.fail("no 429, 5xx or network error was scripted"))
    return TokenClient(reader, token_url=login.token_url, clock=clock, retry=retry)


def rejections(tokens: TokenClient, times: int) -> int:
    """How many of ``times`` token requests ended in TokenRejected."""
    failed = 0
    for _ in range(times):
        try:
            tokens.access_token()
        except TokenRejected:
            failed += 1
        tokens.invalidate()
    return failed


def test_a_deactivated_client_rereads_the_secret_at_most_once_per_cache_window(
    secret_arn: str, genesys_login: FakeGenesysLogin, clock: FakeClock
) -> None:
    """Finding 6: on main, 20 calls with a rejected client made 21 GetSecretValue calls."""
    reader = CredentialsReader(secret_arn, ttl=TTL, clock=clock, rotation_wait=0)
    calls = watch(reader)
    tokens = token_client(reader, genesys_login, clock)

    assert rejections(tokens, CALLS) == CALLS
    assert calls.sent == 2  # the cache's own read, and one extra after the first rejection
    clock.advance(TTL)
    assert rejections(tokens, CALLS) == CALLS
    assert calls.sent == 4
    assert genesys_login.token_requests == 2 * CALLS


def test_a_regenerated_secret_written_a_second_later_is_served_without_a_rejection(
    secret_arn: str, marker: str, genesys_login: FakeGenesysLogin, clock: FakeClock
) -> None:
    """Finding 8: the regenerate strategy kills the old secret before the new version lands."""
    late = LateVersion(clock, secret_arn, after=1.0)
    reader = CredentialsReader(secret_arn, ttl=TTL, clock=clock, sleep=late)
    calls = watch(reader)
    genesys_login.accept(CLIENT_ID, marker)
    tokens = token_client(reader, genesys_login, clock)
    tokens.access_token()
    genesys_login.accept(CLIENT_ID, "regenerated")
    tokens.invalidate()
    started = clock.now

    assert tokens.access_token() == genesys_login.issued[-1]
    assert late.after <= clock.now - started <= late.after + LONGEST_RECHECK
    assert [r.status for r in genesys_login.received] == [200, 401, 200]
    assert calls.sent <= 2 + late.after / FIRST_RECHECK
    assert reader.get().client_secret.reveal() == "regenerated"


def test_credentials_still_rejected_after_the_wait_are_not_waited_for_again(
    secret_arn: str, genesys_login: FakeGenesysLogin, clock: FakeClock
) -> None:
    reader = CredentialsReader(secret_arn, ttl=TTL, clock=clock, sleep=clock.advance)
    calls = watch(reader)
    tokens = token_client(reader, genesys_login, clock)
    started = clock.now
    assert rejections(tokens, 1) == 1
    assert clock.now - started == pytest.approx(ROTATION_WAIT)
    after_the_wait = calls.sent

    assert rejections(tokens, CALLS - 1) == CALLS - 1
    assert clock.now - started == pytest.approx(ROTATION_WAIT)
    assert calls.sent == after_the_wait
    clock.advance(TTL)
    assert rejections(tokens, 1) == 1
    assert clock.now - started == pytest.approx(ROTATION_WAIT + TTL)
    assert calls.sent == after_the_wait + 2  # the cache's read and one extra, without a wait


def test_callers_rejected_together_share_one_wait(
    secret_arn: str, genesys_login: FakeGenesysLogin, clock: FakeClock
) -> None:
    """Sixteen token clients on one reader, all rejected: one waits, the others take the new
    credentials it found without reading Secrets Manager themselves."""
    late = LateVersion(clock, secret_arn, after=2.0)
    reader = CredentialsReader(secret_arn, ttl=TTL, clock=clock, sleep=late)
    calls = watch(reader)
    genesys_login.accept(CLIENT_ID, "regenerated")
    reader.get()
    started = clock.now

    served = all_at_once(lambda: token_client(reader, genesys_login, clock).access_token())
    assert len(served) == THREADS
    assert set(served) <= set(genesys_login.issued)
    assert late.after <= clock.now - started <= late.after + LONGEST_RECHECK
    assert calls.sent <= 2 + late.after / FIRST_RECHECK


@pytest.mark.parametrize("rotation_wait", [-1, 300.5, float("nan"), float("inf")])
def test_a_rotation_wait_outside_0_to_300_seconds_is_refused(
    secret_arn: str, rotation_wait: float
) -> None:
    with pytest.raises(ValueError, match="rotation_wait must be 0 to 300 seconds"):
        CredentialsReader(secret_arn, rotation_wait=rotation_wait)
