"""Whatever the secret, the login host or the caller hands the helper, the answer is a result
or a CredentialsError naming the problem: never another exception, a hang or unbounded memory.

The rows are the failures a review found (``Retry-After: ²``, a huge ``expires_in``, a long
non-ASCII host label, deep JSON, ``?``/``#``/``@`` in the login host); the properties feed
arbitrary input to each parser the outside world reaches.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from email.message import Message
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genesys_credentials import (
    CredentialsError,
    CredentialsReader,
    GenesysCredentials,
    InvalidArgument,
    MalformedSecret,
    TokenClient,
)
from genesys_credentials.credentials import parse_document
from genesys_credentials.http import DETAIL_LIMIT, MAX_BODY, Response
from genesys_credentials.retry import LONGEST_WAIT, parse_retry_after
from genesys_credentials.token_client import MAX_TOKEN_LIFETIME, read_answer
from tests.genesys_credentials.conftest import FakeClock, credentials_document
from tests.support.fake_genesys_login import FakeGenesysLogin, Scripted
from tests.support.hypothesis_profiles import FIXTURE_OK

SOURCE = "arn:aws:secretsmanager:us-east-1:123456789012:secret:genesys/oauth/test/ivr-AbCdEf"
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
FIELDS = st.sampled_from([*credentials_document("x"), "extra"])


def headers(retry_after: str | None) -> Message:
    """Answer headers as urllib hands them over."""
    message = Message()
    if retry_after is not None:
        message["Retry-After"] = retry_after
    return message


def outcome_of(action: Callable[[], object]) -> object:
    """What ``action`` returns, or the CredentialsError it raises (anything else fails)."""
    try:
        return action()
    except CredentialsError as error:
        return error


@given(
    changes=st.dictionaries(FIELDS, JSON, max_size=4),
    removed=st.lists(FIELDS, max_size=2),
)
def test_any_document_shape_gives_credentials_or_a_named_problem(
    changes: dict[str, Any], removed: list[str]
) -> None:
    document = {**credentials_document("the-secret"), **changes}
    for key in removed:
        document.pop(key, None)
    parsed = parse_document(json.dumps(document), SOURCE)
    assert isinstance(parsed, GenesysCredentials | MalformedSecret)
    if isinstance(parsed, MalformedSecret):
        assert SOURCE in str(parsed)


@given(text=st.text() | JSON.map(json.dumps))
def test_any_secret_string_gives_credentials_or_malformed(text: str) -> None:
    outcome = outcome_of(lambda: GenesysCredentials.from_secret_string(text, source=SOURCE))
    assert isinstance(outcome, GenesysCredentials | MalformedSecret)
    assert isinstance(outcome, GenesysCredentials) or str(outcome).startswith(f"secret {SOURCE}")


def test_deeply_nested_json_is_malformed_not_a_recursion_error() -> None:
    with pytest.raises(MalformedSecret, match="is not JSON"):
        GenesysCredentials.from_secret_string("[" * 100_000 + "]" * 100_000, source=SOURCE)


def test_a_huge_version_number_is_not_quoted() -> None:
    text = json.dumps(credentials_document("s", version=10**4000))
    with pytest.raises(MalformedSecret, match="holds an unknown credentials document"):
        GenesysCredentials.from_secret_string(text, source=SOURCE)


@pytest.mark.parametrize(
    "host",
    [
        "login.mypurecloud.com?x=1",
        "login.mypurecloud.com#x",
        "user@login.mypurecloud.com",
        "login.mypurecloud.com:443",
        "login.mypurecloud.com\n",
        f"{'ü' * 64}.com",
        f"{'a' * 64}.com",
        "login..com",
        "-login.com",
        "203.0.113.9",
        f"{'a.' * 127}com",
    ],
)
def test_login_host_must_be_a_bare_dns_host_name(host: str) -> None:
    text = json.dumps(credentials_document("s", login_host=host))
    with pytest.raises(MalformedSecret, match="key login_host must be a bare host name"):
        GenesysCredentials.from_secret_string(text, source=SOURCE)


@pytest.mark.parametrize("host", ["login.mypurecloud.com", "login.use2.us-gov-pure.cloud", "a"])
def test_real_login_hosts_are_accepted(host: str) -> None:
    text = json.dumps(credentials_document("s", login_host=host))
    assert GenesysCredentials.from_secret_string(text, source=SOURCE).login_host == host


@given(
    status=st.integers(0, 999),
    retry_after=st.none() | st.text(max_size=80),
    body=st.binary(max_size=300) | JSON.map(lambda value: json.dumps(value).encode()),
)
def test_any_login_host_answer_is_read_without_raising(
    status: int, retry_after: str | None, body: bytes
) -> None:
    answer = read_answer(Response(status, headers(retry_after), body), lambda text: text)
    assert answer.detail.isprintable()
    assert len(answer.detail) <= DETAIL_LIMIT
    assert answer.token is None or status == 200


def test_an_answer_over_the_size_cap_is_not_read() -> None:
    answer = read_answer(Response(500, headers(None), b" " * (MAX_BODY + 1)), lambda text: text)
    assert answer.detail == f"an answer over {MAX_BODY} bytes, not read"


@given(value=st.none() | st.text(max_size=100))
def test_any_retry_after_is_a_bounded_wait_or_none(value: str | None) -> None:
    seconds = parse_retry_after(value, now=lambda: 1_790_000_000.0)
    assert seconds is None or 0.0 <= seconds <= LONGEST_WAIT


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("²", None), ("٣", None), ("1_0", None), ("9" * 5000, float(LONGEST_WAIT)), ("007", 7.0)],
)
def test_retry_after_counts_ascii_digits_only(header: str, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


@settings(suppress_health_check=FIXTURE_OK)
@given(url=st.text(max_size=60) | st.from_regex(r"\Ahttps?://[^/]{0,70}(/[^ ]{0,20})?\Z"))
def test_any_token_url_is_accepted_or_refused_with_invalid_argument(
    reader: CredentialsReader, url: str
) -> None:
    """The reader is only held, never read: sharing it between examples is safe."""
    outcome = outcome_of(lambda: TokenClient(reader, token_url=url))
    assert isinstance(outcome, TokenClient) or "token_url must be https" in str(outcome)


@pytest.mark.parametrize(
    "url",
    [
        "https://login.example.com/oauth/token?next=evil",
        "https://login.example.com/oauth/token#x",
        "https://user:pw@login.example.com/oauth/token",
        "https://login.example.com:99999/oauth/token",
        "https://[oops/oauth/token",
        f"https://{'ü' * 64}.com/oauth/token",
        "https://login.example.com\n/oauth/token",
        "https://login_host.example.com/oauth/token",
        "https://login.example.com:0/oauth/token",
    ],
)
def test_a_token_url_with_user_query_bad_port_or_host_is_refused(
    reader: CredentialsReader, url: str
) -> None:
    with pytest.raises(InvalidArgument, match="token_url must be https"):
        TokenClient(reader, token_url=url)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda reader: CredentialsReader(reader.secret_id, ttl=float("nan")), "ttl must be"),
        (lambda reader: CredentialsReader(reader.secret_id, ttl=1e300), "ttl must be"),
        (lambda reader: TokenClient(reader, timeout=0), "timeout must be"),
        (lambda reader: TokenClient(reader, safety_margin=-1), "safety_margin must be"),
    ],
)
def test_bad_numbers_are_invalid_arguments(
    reader: CredentialsReader, build: Any, message: str
) -> None:
    with pytest.raises(InvalidArgument, match=message):
        build(reader)


def test_a_huge_expires_in_is_reused_for_the_longest_genesys_lifetime(
    tokens: TokenClient, login: FakeGenesysLogin, clock: FakeClock
) -> None:
    login.script(Scripted(200, {"access_token": "t", "token_type": "bearer", "expires_in": 10**40}))
    assert tokens.access_token() == "t"
    clock.advance(MAX_TOKEN_LIFETIME)
    assert tokens.access_token() == login.issued[0]


def test_a_superscript_retry_after_falls_back_to_backoff(
    tokens: TokenClient, login: FakeGenesysLogin, sleeps: list[float]
) -> None:
    login.throttle(1, retry_after="²")
    assert tokens.access_token() == login.issued[0]
    assert sleeps == [0.5]


def test_deeply_nested_json_in_an_answer_is_no_recursion_error() -> None:
    answer = read_answer(Response(500, headers(None), b'{"error": ' * 5_000), lambda text: text)
    assert answer.detail == "no error details"
