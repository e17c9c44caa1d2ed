"""TokenClient against the fake Genesys login host: the documented grant, a token reused until
shortly before it expires, 429 retried as Retry-After asks, and a 401 that says what to check."""

from __future__ import annotations

import boto3
import pytest

from genesys_credentials import (
    CredentialsReader,
    RetryPolicy,
    TokenClient,
    TokenRateLimited,
    TokenRejected,
    TokenRequestFailed,
)
from tests.genesys_credentials.conftest import (
    CLIENT_ID,
    REGION,
    FakeClock,
    SecretsManagerCalls,
    all_at_once,
    calls_around_expiry,
    credentials_document,
    put_secret,
    store_secret,
)
from tests.support.fake_genesys_login import FakeGenesysLogin, Scripted

EXPIRES_IN = 86400
MARGIN = 60.0


def test_the_grant_is_a_form_post_with_basic_auth(
    tokens: TokenClient, login: FakeGenesysLogin
) -> None:
    assert tokens.access_token() == login.issued[0]
    [request] = login.received
    assert request.status == 200
    assert request.client_id == CLIENT_ID
    assert request.grant_type == "client_credentials"
    assert request.content_type == "application/x-www-form-urlencoded"


def test_the_token_is_reused_until_the_safety_margin(
    tokens: TokenClient, login: FakeGenesysLogin, clock: FakeClock
) -> None:
    requests = calls_around_expiry(
        tokens.access_token, clock, lambda: login.token_requests, EXPIRES_IN - MARGIN
    )
    assert requests == (1, 2)
    assert len(set(login.issued)) == 2


def test_a_short_lived_token_is_reused_for_half_its_life(
    tokens: TokenClient, login: FakeGenesysLogin, clock: FakeClock
) -> None:
    login.expires_in = 100
    requests = calls_around_expiry(tokens.access_token, clock, lambda: login.token_requests, 50)
    assert requests == (1, 2)


def test_token_reuse_does_not_read_the_secret_again(
    tokens: TokenClient, aws_calls: SecretsManagerCalls, clock: FakeClock
) -> None:
    tokens.access_token()
    clock.advance(600)
    for _ in range(100):
        tokens.access_token()
    assert aws_calls.sent == 1


def test_invalidate_forces_a_new_token(tokens: TokenClient, login: FakeGenesysLogin) -> None:
    first = tokens.access_token()
    tokens.invalidate()
    assert tokens.access_token() != first
    assert login.token_requests == 2


def test_429_is_retried_after_the_seconds_retry_after_asks(
    tokens: TokenClient, login: FakeGenesysLogin, sleeps: list[float]
) -> None:
    login.throttle(2, retry_after="3")
    assert tokens.access_token() == login.issued[0]
    assert sleeps == [3.0, 3.0]
    assert [r.status for r in login.received] == [429, 429, 200]


def test_429_without_retry_after_backs_off_exponentially(
    tokens: TokenClient, login: FakeGenesysLogin, sleeps: list[float]
) -> None:
    login.throttle(3, retry_after=None)
    tokens.access_token()
    assert sleeps == [0.5, 1.0, 2.0]
    assert login.token_requests == 4


def test_429_through_every_attempt_raises_rate_limited(
    tokens: TokenClient, login: FakeGenesysLogin, sleeps: list[float]
) -> None:
    login.throttle(10, retry_after="2")
    with pytest.raises(TokenRateLimited, match=r"through 4 attempt\(s\); last Retry-After 2 s"):
        tokens.access_token()
    assert login.token_requests == 4
    assert sleeps == [2.0, 2.0, 2.0]


def test_a_retry_after_longer_than_max_delay_fails_at_once(
    tokens: TokenClient, login: FakeGenesysLogin, sleeps: list[float]
) -> None:
    login.throttle(1, retry_after="120")
    with pytest.raises(TokenRateLimited, match="Retry-After 120 s"):
        tokens.access_token()
    assert sleeps == []
    assert login.token_requests == 1


def test_5xx_is_retried(tokens: TokenClient, login: FakeGenesysLogin, sleeps: list[float]) -> None:
    login.script(Scripted(503, {"message": "unavailable"}))
    assert tokens.access_token() == login.issued[0]
    assert sleeps == [0.5]


def test_401_says_the_credentials_were_rejected_and_what_to_check(
    reader: CredentialsReader, genesys_login: FakeGenesysLogin, sleeps: list[float]
) -> None:
    genesys_login.accept(CLIENT_ID, "the-secret-genesys-has-now")
    tokens = TokenClient(reader, token_url=genesys_login.token_url)
    with pytest.raises(TokenRejected) as raised:
        tokens.access_token()
    message = str(raised.value)
    assert f"Genesys rejected the credentials of OAuth client {CLIENT_ID}" in message
    assert "401 invalid_client: authentication failed" in message
    assert "state is active" in message
    assert "regenerated" in message
    assert reader.secret_id in message
    assert sleeps == []
    assert genesys_login.token_requests == 1


def current_version(arn: str) -> str:
    """The version id that carries AWSCURRENT."""
    versions = boto3.client("secretsmanager", region_name=REGION).describe_secret(SecretId=arn)
    [current] = [
        v for v, stages in versions["VersionIdsToStages"].items() if "AWSCURRENT" in stages
    ]
    return current


@pytest.mark.parametrize("rejection", [401, 400])
def test_a_rejection_after_a_rotation_rereads_the_secret_once_and_succeeds(
    *,
    reader: CredentialsReader,
    genesys_login: FakeGenesysLogin,
    secret_arn: str,
    marker: str,
    aws_calls: SecretsManagerCalls,
    rejection: int,
) -> None:
    """Genesys answers bad credentials with ``invalid_client``; 401 or 400 is unverified."""
    genesys_login.rejection_status = rejection
    genesys_login.accept(CLIENT_ID, marker)
    tokens = TokenClient(reader, token_url=genesys_login.token_url)
    first = tokens.access_token()
    before = current_version(secret_arn)
    put_secret(secret_arn, credentials_document("rotated-secret"))
    genesys_login.accept(CLIENT_ID, "rotated-secret")
    tokens.invalidate()

    assert current_version(secret_arn) != before
    assert tokens.access_token() == genesys_login.issued[-1] != first
    assert [r.status for r in genesys_login.received] == [200, rejection, 200]
    assert aws_calls.sent == 2
    assert reader.get().client_secret.reveal() == "rotated-secret"
    assert aws_calls.sent == 2


@pytest.mark.parametrize("rejection", [401, 400])
def test_a_rejection_after_the_reread_is_final_never_a_loop(
    *,
    reader: CredentialsReader,
    genesys_login: FakeGenesysLogin,
    secret_arn: str,
    aws_calls: SecretsManagerCalls,
    sleeps: list[float],
    rejection: int,
) -> None:
    genesys_login.rejection_status = rejection
    genesys_login.accept(CLIENT_ID, "what-genesys-has-now")
    tokens = TokenClient(reader, token_url=genesys_login.token_url)
    reader.get()
    put_secret(secret_arn, credentials_document("rotated-but-also-wrong"))

    with pytest.raises(TokenRejected, match=f"at {genesys_login.token_url} \\({rejection} "):
        tokens.access_token()
    assert [r.status for r in genesys_login.received] == [rejection, rejection]
    assert aws_calls.sent == 2
    assert sleeps == []


def test_a_400_that_is_not_invalid_client_does_not_reread(
    tokens: TokenClient, login: FakeGenesysLogin, aws_calls: SecretsManagerCalls
) -> None:
    login.script(Scripted(400, {"error": "invalid_request"}))
    with pytest.raises(TokenRequestFailed, match="answered 400 \\(invalid_request\\)"):
        tokens.access_token()
    assert aws_calls.sent == 1


def test_concurrent_callers_share_one_token_request(
    tokens: TokenClient, login: FakeGenesysLogin
) -> None:
    results = all_at_once(tokens.access_token)
    assert results == login.issued * 16
    assert login.token_requests == 1


def test_the_default_url_is_the_login_host_of_the_document(reader: CredentialsReader) -> None:
    assert reader.get().token_url == "https://login.mypurecloud.com/oauth/token"


@pytest.mark.parametrize(
    "url",
    ["http://login.mypurecloud.com/oauth/token", "ftp://127.0.0.1/oauth/token", "login/oauth"],
)
def test_a_token_url_that_would_send_the_secret_in_clear_is_refused(
    reader: CredentialsReader, url: str
) -> None:
    with pytest.raises(ValueError, match="token_url must be https"):
        TokenClient(reader, token_url=url)


def test_a_redirect_is_not_followed(
    tokens: TokenClient, login: FakeGenesysLogin, sleeps: list[float]
) -> None:
    login.script(Scripted(302, {}, {"Location": f"{login.base_url}/elsewhere"}))
    with pytest.raises(TokenRequestFailed, match="answered 302"):
        tokens.access_token()
    assert login.token_requests == 1


def test_an_unreachable_host_is_retried_then_named(
    reader: CredentialsReader, genesys_login: FakeGenesysLogin, sleeps: list[float]
) -> None:
    url = genesys_login.token_url
    genesys_login.stop()
    retry = RetryPolicy(max_attempts=2, sleep=sleeps.append, jitter=lambda: 1.0)
    tokens = TokenClient(reader, token_url=url, retry=retry, timeout=2)
    with pytest.raises(TokenRequestFailed, match="cannot reach the Genesys login host"):
        tokens.access_token()
    assert sleeps == [0.5]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"token_type": "bearer", "expires_in": 60}, "no access_token"),
        ({"access_token": "t", "token_type": "mac", "expires_in": 60}, "not bearer"),
        ({"access_token": "t", "token_type": "bearer", "expires_in": "60"}, "expires_in"),
        ({"access_token": "t", "token_type": "bearer", "expires_in": 0}, "expires_in"),
    ],
)
def test_a_200_without_a_usable_token_is_an_error(
    tokens: TokenClient, login: FakeGenesysLogin, body: dict[str, object], problem: str
) -> None:
    login.script(Scripted(200, body))
    with pytest.raises(TokenRequestFailed, match=f"without a usable token.*{problem}"):
        tokens.access_token()


def test_a_client_of_another_grant_type_gets_no_token(
    aws_endpoint: str, marker: str, genesys_login: FakeGenesysLogin
) -> None:
    arn = store_secret("genesys/oauth/test/web", credentials_document(marker, grant_type="CODE"))
    tokens = TokenClient(CredentialsReader(arn), token_url=genesys_login.token_url)
    with pytest.raises(TokenRequestFailed, match="holds a CODE OAuth client"):
        tokens.access_token()
    assert genesys_login.token_requests == 0
