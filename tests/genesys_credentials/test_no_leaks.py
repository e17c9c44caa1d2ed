"""The secret (and the Basic header, its URL-encoded and JSON-escaped forms, pieces of them,
and the tokens) never shows up anywhere a service or its error tracker could record it: reprs,
strs, log records at DEBUG (botocore's own included), exception messages, and tracebacks with
every frame's locals through the whole ``__cause__``/``__context__`` chain -- on the happy path
and on every failure the helper can reach, for the marker and for random secrets."""

from __future__ import annotations

import base64
import json
import logging
import socket
import sys
import traceback
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial

import boto3
import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st

from genesys_credentials import (
    CredentialsError,
    CredentialsReader,
    GenesysCredentials,
    RetryPolicy,
    TokenClient,
    TokenRejected,
)
from genesys_credentials.botocore_logs import REDACTED
from tests.genesys_credentials.conftest import (
    CLIENT_ID,
    REGION,
    SecretsManagerCalls,
    credentials_document,
    store_secret,
)
from tests.support.fake_genesys_login import HANG_UP, FakeGenesysLogin, Scripted
from tests.support.hypothesis_profiles import FIXTURE_OK

WINDOW = 12
"""A piece of an encoding this long must not appear either (the helper masks from 8 on)."""

SECRETS = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn", "Zs", "Zl", "Zp")),
    min_size=16,
    max_size=48,
)
"""Random secrets: any printable Unicode, long enough not to occur in a message by chance."""


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every logger at DEBUG, botocore's response dumps included."""
    caplog.set_level(logging.DEBUG)
    return caplog


def encodings(secret: str) -> list[str]:
    """The secret as sent and as a server or library may echo it."""
    pair = f"{CLIENT_ID}:{secret}".encode()
    return [
        secret,
        base64.b64encode(pair).decode(),
        base64.urlsafe_b64encode(pair).decode(),
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret),
        json.dumps(secret)[1:-1],
    ]


def forbidden(marker: str, issued: list[str]) -> list[str]:
    """Every encoding of the secret, every long piece of one, and every token issued.

    A piece (or the whole secret) that is part of a loaded module's name, a name the helper's
    modules define, or a file path is left out: tracebacks and the reprs in their locals name
    modules and classes (``genesys_credentials.credentials``, ``GenesysCredentials``), so a
    random secret such as ``0000_credentials`` would otherwise "leak" through code, not data.
    """
    public = public_names()
    pieces = [
        piece
        for form in encodings(marker)
        for start in range(len(form) - WINDOW + 1)
        if (piece := form[start : start + WINDOW]) not in public
    ]
    forms = [form for form in encodings(marker) if form not in public]
    return [*forms, *pieces, *issued]


def public_names() -> str:
    """The names and file paths of every loaded module, and the names the helper's modules
    define (``GenesysCredentials`` in a repr): text any traceback may contain."""
    modules = list(sys.modules.items())
    files = [str(getattr(module, "__file__", "") or "") for _, module in modules]
    defined = [
        attribute
        for name, module in modules
        if name.startswith("genesys_credentials")
        for attribute in dir(module)
    ]
    return "\n".join([*(name for name, _ in modules), *files, *defined])


def exception_texts(error: BaseException) -> Iterator[str]:
    """What str, repr and a traceback recorded with each frame's locals show, whole chain.

    Each frame's file name and source line are removed from the formatted traceback: they are
    the repository's and the standard library's code, never data, and a random secret's
    12-character piece (``_credentials`` of ``0000_credentials``) can match a path by chance.
    What stays is what an error tracker records from the run: messages and locals.
    """
    recorded = traceback.TracebackException.from_exception(error, capture_locals=True)
    formatted = "".join(recorded.format())
    for code in sorted(code_text(recorded), key=len, reverse=True):
        formatted = formatted.replace(code, "")
    yield formatted
    seen: BaseException | None = error
    while seen is not None:
        yield str(seen)
        yield repr(seen)
        yield from (repr(arg) for arg in seen.args)
        seen = seen.__cause__ or seen.__context__


def code_text(recorded: traceback.TracebackException) -> set[str]:
    """File names and source lines of every frame in the chain: code, not data."""
    texts: set[str] = set()
    seen: traceback.TracebackException | None = recorded
    while seen is not None:
        for frame in seen.stack:
            texts.add(frame.filename)
            if frame.line:
                texts.add(frame.line)
        seen = seen.__cause__ or seen.__context__
    return texts


def failure_of(action: Callable[[], object]) -> CredentialsError:
    """The error ``action`` raises, its traceback starting in the helper's own frames.

    The frame catching it is the test's (it may hold the test's plaintext, e.g. a document to
    parse): only what the helper's frames hold is the helper's responsibility.
    """
    try:
        action()
    except CredentialsError as error:
        caught = error.__traceback__
        return error.with_traceback(caught.tb_next if caught is not None else None)
    pytest.fail("expected a CredentialsError")


def assert_nothing_secret(texts: Iterator[str], secret: str, issued: list[str]) -> None:
    """Fails naming where, never quoting what: the test output must not show the secret."""
    values = forbidden(secret, issued)
    for number, text in enumerate(texts):
        found = sum(value in text for value in values)
        assert found == 0, f"text #{number} holds {found} form(s) of the secret or a token"


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
        for value in forbidden(marker, login.issued):
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
        errors.append(failure_of(act))
    texts = [text for error in errors for text in exception_texts(error)]
    assert any(record.name.startswith("botocore") for record in caplog.records)
    assert_nothing_secret(iter([*texts, *log_texts(caplog)]), marker, login.issued)


def closed_port_url() -> str:
    """A loopback URL nobody listens on: connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/oauth/token"


@contextmanager
def log_lines() -> Iterator[list[str]]:
    """Every log record at DEBUG while inside, as text and as its raw arguments."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.extend([record.getMessage(), repr(record.args)])

    root = logging.getLogger()
    handler, level = Keep(logging.DEBUG), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def broken_documents(secret: str) -> list[str]:
    """Secret values a reader must refuse, each holding the secret somewhere."""
    document = credentials_document(secret)
    return [
        f'{{"client_secret": "{secret}"',
        json.dumps({key: value for key, value in document.items() if key != "api_host"}),
        "[" * 5_000 + json.dumps(secret) + "]" * 5_000,
        json.dumps({**document, "login_host": f"login.mypurecloud.com?{secret}"}),
        json.dumps({**document, "version": secret}),
        json.dumps({**document, "client_id": f"{secret}:"}),
    ]


def login_failures(secret: str, login: FakeGenesysLogin) -> list[list[Scripted]]:
    """Answers a token request can get, echoing the request or pieces of the secret."""
    halves = [secret[: len(secret) // 2], secret[len(secret) // 2 :]]
    echoes = " | ".join([*halves, json.dumps(secret), urllib.parse.quote(secret)])
    return [
        [Scripted(401, {"error": "invalid_client"}, echo_request=True)],
        [Scripted(400, {"error": "invalid_client"}, echo_request=True)],
        [Scripted(503, {"message": echoes}, echo_request=True)] * 2,
        [Scripted(302, {}, {"Location": f"{login.base_url}/x"}, echo_request=True)],
        [Scripted(200, {"token_type": "bearer"}, echo_request=True)],
        [Scripted(418, {"error": "teapot", "error_description": echoes})],
        [HANG_UP] * 2,
    ]


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=FIXTURE_OK,
    phases=[Phase.explicit, Phase.generate],
)
@given(secret=SECRETS)
def test_no_failure_path_leaks_a_random_secret(
    aws_endpoint: str, genesys_login: FakeGenesysLogin, secret: str
) -> None:
    """Each failure the helper can reach, for a random secret: the error's str, repr and a
    traceback with every frame's locals (whole chain) hold no form of it, nor do the logs.

    No shrinking: an example costs about a second of HTTP, and a failing one is shown as is.
    """
    secrets_manager = boto3.client("secretsmanager", region_name=REGION)
    arn = secrets_manager.create_secret(Name=f"genesys/oauth/test/{uuid.uuid4()}")["ARN"]
    genesys_login.accept(CLIENT_ID, secret)
    retry = RetryPolicy(max_attempts=2, sleep=lambda _: None)
    reader = CredentialsReader(arn, ttl=0, sleep=lambda _: None, rotation_wait=1)
    errors: list[CredentialsError] = []
    logged: list[str] = []
    for text in broken_documents(secret):
        secrets_manager.put_secret_value(SecretId=arn, SecretString=text)
        with log_lines() as lines:
            errors.append(failure_of(reader.get))
        logged += lines
    secrets_manager.put_secret_value(
        SecretId=arn, SecretString=json.dumps(credentials_document(secret))
    )
    tokens = TokenClient(reader, token_url=genesys_login.token_url, retry=retry)
    refused = TokenClient(reader, token_url=closed_port_url(), retry=retry, timeout=2)
    for answers in login_failures(secret, genesys_login):
        genesys_login.script(*answers)
        with log_lines() as lines:
            errors.append(failure_of(tokens.access_token))
        logged += lines
    with log_lines() as lines:
        errors.append(failure_of(refused.access_token))
    logged += lines

    texts = [text for error in errors for text in exception_texts(error)]
    assert_nothing_secret(iter([*texts, *logged]), secret, genesys_login.issued)
    assert any(isinstance(error, TokenRejected) for error in errors)


@settings(max_examples=25, deadline=None)
@given(secret=SECRETS)
@example(secret="0000sysCredentia")  # pieces of a class name, found by hypothesis: not leaks
@example(secret="GenesysCredentia")
def test_a_refused_document_leaves_no_secret_in_the_raising_frames(secret: str) -> None:
    """``from_secret_string`` is handed the plaintext: it must not raise while holding it."""
    for text in broken_documents(secret):
        error = failure_of(partial(GenesysCredentials.from_secret_string, text, source="s"))
        assert_nothing_secret(exception_texts(error), secret, [])
