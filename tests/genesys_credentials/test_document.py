"""Parsing the version-1 document: one row per bad document, the message it must give beside it.

No message may contain a value from the document: any of them could be the secret.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from genesys_credentials import GenesysCredentials, MalformedSecret
from tests.genesys_credentials.conftest import CLIENT_ID, credentials_document

SOURCE = "arn:aws:secretsmanager:us-east-1:123456789012:secret:genesys/oauth/test/ivr-AbCdEf"


def _without(key: str, secret: str) -> dict[str, Any]:
    document = credentials_document(secret)
    del document[key]
    return document


def test_the_component_document_parses_to_typed_credentials(marker: str) -> None:
    credentials = GenesysCredentials.from_secret_string(
        json.dumps(credentials_document(marker, future_field="ignored")), source=SOURCE
    )
    assert credentials.client_id == CLIENT_ID
    assert credentials.client_secret.reveal() == marker
    assert credentials.genesys_region == "us-east-1"
    assert credentials.token_url == "https://login.mypurecloud.com/oauth/token"
    assert credentials.api_base_url == "https://api.mypurecloud.com"
    assert credentials.grant_type == "CLIENT-CREDENTIALS"
    assert marker not in repr(credentials)
    assert marker not in str(credentials)


@pytest.mark.parametrize(
    ("make_text", "expected"),
    [
        (lambda s: f'{{"client_secret": "{s}"', "is not JSON at character"),
        (lambda s: json.dumps([s]), "holds JSON but not an object"),
        (lambda s: json.dumps(_without("client_id", s)), "lacks the key(s) client_id "),
        (lambda s: json.dumps(_without("client_secret", s)), "lacks the key(s) client_secret "),
        (lambda s: json.dumps(_without("login_host", s)), "lacks the key(s) login_host "),
        (lambda s: json.dumps(_without("version", s)), "lacks the key(s) version "),
        (
            lambda s: json.dumps({"client_secret": s}),
            "lacks the key(s) version, client_id, genesys_region, api_host, login_host, "
            "grant_type ",
        ),
        (lambda s: json.dumps(credentials_document(s, version=2)), "version-2 credentials"),
        (lambda s: json.dumps(credentials_document(s, version="1")), "must be the integer 1"),
        (lambda s: json.dumps(credentials_document(s, version=True)), "must be the integer 1"),
        (
            lambda s: json.dumps(credentials_document(s, client_id=["x", s])),
            "key client_id must be a non-empty string",
        ),
        (
            lambda s: json.dumps(credentials_document("  ")),
            "key client_secret must be a non-empty string",
        ),
        (
            lambda s: json.dumps(credentials_document(s, login_host=f"https://{s}/")),
            "key login_host must be a bare host name",
        ),
    ],
)
def test_a_malformed_document_is_named_without_echoing_values(
    marker: str, make_text: Any, expected: str
) -> None:
    with pytest.raises(MalformedSecret) as raised:
        GenesysCredentials.from_secret_string(make_text(marker), source=SOURCE)
    message = str(raised.value)
    assert expected in message
    assert SOURCE in message
    assert marker not in message
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is None
