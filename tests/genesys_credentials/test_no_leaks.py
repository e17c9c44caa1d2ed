"""The marker secret (and the Basic header and tokens built from it) never shows up anywhere a
service could print it: reprs, strs, log records at DEBUG (botocore's own included), exception
messages and their chains, through the happy path and every failure the helper reports."""

from __future__ import annotations

import base64
import logging
import traceback
from collections.abc import Callable, Iterator

import pytest

from genesys_credentials import (
    CredentialsError,
    CredentialsReader,
    RetryPolicy,
    TokenClient,
)
from genesys_credentials.botocore_logs import REDACTED
from tests.genesys_credentials.conftest import (
    CLIENT_ID,
    SecretsManagerCalls,
    credentials_document,
    store_secret,
)
from tests.support.fake_genesys_login import FakeGenesysLogin, Scripted


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every logger at DEBUG, botocore's response dumps included."""
    caplog.set_level(logging.DEBUG)
    return caplog


def forbidden(marker: str, login: FakeGenesysLogin) -> list[str]:
    basic = base64.b64encode(f"{CLIENT_ID}:{marker}".encode()).decode()
    return [marker, basic, *login.issued]


def exception_texts(error: BaseException) -> Iterator[str]:
    yield "".join(traceback.format_exception(error))
    seen: BaseException | None = error
    while seen is not None:
        yield str(seen)
        yield repr(seen)
        yield from (repr(arg) for arg in seen.args)
        seen = seen.__cause__ or seen.__context__


def log_texts(caplog: pytest.LogCaptureFixture) -> Iterator[str]:
    yield caplog.text
    for record in caplog.records:
        yield record.getMessage()
        yield repr(record.args)


def test_the_happy_path_prints_nothing_secret(
    reader: CredentialsReader,
    tokens: TokenClient,
    login: FakeGenesysLogin,
    marker: str,
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    login.throttle(1, retry_after="1")
    credentials = reader.get()
    token = tokens.access_token()
    shown = [repr(credentials), str(credentials), repr(reader), repr(tokens), f"{credentials}"]
    assert token == login.issued[0]
    for text in [*shown, *log_texts(debug_logs)]:
        for value in forbidden(marker, login):
            assert value not in text


def test_botocore_logs_the_response_but_not_the_secret_in_it(
    reader: CredentialsReader, marker: str, debug_logs: pytest.LogCaptureFixture
) -> None:
    reader.get()
    bodies = [
        record.getMessage()
        for record in debug_logs.records
        if record.name == "botocore.parsers" and record.msg.startswith("Response body")
    ]
    assert bodies, "botocore no longer logs response bodies: this test proves nothing"
    assert all(REDACTED in body and marker not in body for body in bodies)


def test_every_failure_is_reported_without_the_secret(
    reader: CredentialsReader,
    aws_calls: SecretsManagerCalls,
    login: FakeGenesysLogin,
    marker: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    retry = RetryPolicy(max_attempts=2, sleep=lambda _: None)
    tokens = TokenClient(reader, token_url=login.token_url, retry=retry)
    broken = store_secret("genesys/oauth/test/broken", f'{{"client_secret": "{marker}"')
    partial = credentials_document(marker)
    del partial["api_host"]
    partial_arn = store_secret("genesys/oauth/test/partial", partial)
    # From here on, only the helper's calls: the CreateSecret calls above carry the marker in
    # their (test-side) request parameters, which botocore logs at DEBUG.
    caplog.set_level(logging.DEBUG)

    def nothing() -> None:
        return None

    failures: list[tuple[Callable[[], None], Callable[[], object]]] = [
        (nothing, CredentialsReader(broken).get),
        (nothing, CredentialsReader(partial_arn).get),
        (lambda: aws_calls.fail_next("AccessDeniedException", "denied"), reader.get),
        (lambda: login.script(Scripted(401, {"error": "invalid_client"})), tokens.access_token),
        (lambda: login.throttle(2), tokens.access_token),
        (lambda: login.script(*[Scripted(500, {"message": marker})] * 2), tokens.access_token),
        (
            lambda: login.script(Scripted(400, {"error": "x", "error_description": marker})),
            tokens.access_token,
        ),
        (lambda: login.script(Scripted(200, {"access_token": marker})), tokens.access_token),
    ]
    errors: list[CredentialsError] = []
    for arrange, act in failures:
        arrange()
        with pytest.raises(CredentialsError) as raised:
            act()
        errors.append(raised.value)
    assert len(errors) == len(failures)
    texts = [text for error in errors for text in exception_texts(error)]
    assert any(record.name.startswith("botocore") for record in caplog.records)
    for text in [*texts, *log_texts(caplog)]:
        for value in forbidden(marker, login):
            assert value not in text
