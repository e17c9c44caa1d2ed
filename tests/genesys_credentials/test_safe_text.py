"""The redactor masks the secret in every form a login host may echo it, pieces included, and
keeps no plaintext itself; printable() leaves no control character to fake a log line with."""

from __future__ import annotations

import base64
import json
import pickle
import urllib.parse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genesys_credentials import Secret
from genesys_credentials.safe_text import PARTIAL, Redactor, printable
from tests.genesys_credentials.conftest import CLIENT_ID

SECRETS = st.text(st.characters(codec="utf-8"), min_size=1, max_size=64)
"""Up to 64 characters: Genesys secrets are about 43; longer ones only slow the search."""
SURROUNDINGS = st.text(st.characters(codec="ascii"), max_size=40)


def echoes(secret: str) -> dict[str, str]:
    pair = f"{CLIENT_ID}:{secret}".encode()
    return {
        "raw": secret,
        "basic header": base64.b64encode(pair).decode(),
        "url-safe base64": base64.urlsafe_b64encode(pair).decode(),
        "url-encoded": urllib.parse.quote(secret, safe=""),
        "form-encoded": urllib.parse.quote_plus(secret),
        "json-escaped": json.dumps(secret)[1:-1],
        "json-escaped, non-ASCII kept": json.dumps(secret, ensure_ascii=False)[1:-1],
        "url-encoded basic header": urllib.parse.quote(base64.b64encode(pair).decode(), safe=""),
    }


@given(secret=SECRETS, before=SURROUNDINGS, after=SURROUNDINGS, form=st.sampled_from(range(8)))
def test_every_encoding_of_the_secret_is_masked(
    secret: str, before: str, after: str, form: int
) -> None:
    name, echoed = list(echoes(secret).items())[form]
    masked = Redactor(CLIENT_ID, Secret(secret))(f"{before}{echoed}{after}")
    assert echoed not in masked, name
    assert "********" in masked


@given(
    secret=st.text(
        st.characters(codec="ascii", categories=("L", "N")), min_size=PARTIAL * 2, max_size=64
    ),
    data=st.data(),
)
def test_a_piece_of_an_encoding_is_masked(secret: str, data: st.DataObject) -> None:
    redact = Redactor(CLIENT_ID, Secret(secret))
    for name, echoed in echoes(secret).items():
        start = data.draw(st.integers(0, len(echoed) - PARTIAL), label=name)
        piece = echoed[start : start + data.draw(st.integers(PARTIAL, len(echoed) - start))]
        assert piece not in redact(f"error: {piece}!"), name


def test_text_around_the_secret_is_kept() -> None:
    secret = "s3cr3t-value-0123456789"
    masked = Redactor(CLIENT_ID, Secret(secret))(f"invalid_client: bad secret {secret} given")
    assert masked == "invalid_client: bad secret ******** given"


@pytest.mark.parametrize(
    ("echoed", "expected"),
    [
        ("Authorization: Bearer eyJ0.eXAi.sig", "Authorization: Bearer ********"),
        (
            "headers: authorization=bearer  tok-1; accept=*/*",
            "headers: authorization=bearer  ******** accept=*/*",
        ),
        ("Basic Zm9vOmJhcg== was refused", "Basic ******** was refused"),
        ("BEARER\tx", "BEARER\t********"),
        ("a bearer of bad news", "a bearer ******** bad news"),
    ],
)
def test_any_bearer_or_basic_credential_is_masked_even_unknown_ones(
    echoed: str, expected: str
) -> None:
    assert Redactor(CLIENT_ID)(echoed) == expected


def test_every_known_secret_is_masked() -> None:
    first, second = "first-secret-0123456789", "second-secret-9876543210"
    masked = Redactor(CLIENT_ID, Secret(first), Secret(second))(f"got {first} and {second}")
    assert masked == "got ******** and ********"


def test_the_redactor_holds_no_plaintext_and_refuses_pickling(marker: str) -> None:
    redactor = Redactor(CLIENT_ID, Secret(marker))
    assert marker not in repr(redactor)
    slots = [getattr(redactor, name) for name in Redactor.__slots__]
    assert all(marker[:PARTIAL].encode() not in repr(value).encode() for value in slots)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(redactor)


@given(text=st.text(), limit=st.integers(10, 300))
def test_printable_text_has_no_control_characters_and_is_bounded(text: str, limit: int) -> None:
    shown = printable(text, limit)
    assert shown.isprintable()
    assert len(shown) <= limit


def test_printable_escapes_a_fake_log_line() -> None:
    assert printable("denied\nINFO all good\x1b[2J", 100) == "denied\\nINFO all good\\x1b[2J"
