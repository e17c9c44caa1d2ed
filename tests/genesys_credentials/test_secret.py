"""The Secret wrapper: every accidental way of printing or persisting it shows a mask or fails."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle

import pytest

from genesys_credentials import GenesysCredentials, Secret
from tests.genesys_credentials.conftest import credentials_document


def test_repr_str_and_format_show_a_mask(marker: str) -> None:
    secret = Secret(marker)
    shown = [repr(secret), str(secret), f"{secret}", "%s %r" % (secret, secret)]  # noqa: UP031
    assert all(marker not in text and "********" in text for text in shown)


def test_reveal_is_the_only_way_to_the_value(marker: str) -> None:
    assert Secret(marker).reveal() == marker


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickling_refuses_at_every_protocol(marker: str, protocol: int) -> None:
    credentials = GenesysCredentials.from_secret_string(
        json.dumps(credentials_document(marker)), source="test"
    )
    with pytest.raises(TypeError, match="cannot be pickled") as raised:
        pickle.dumps(credentials, protocol=protocol)
    assert marker not in str(raised.value)


def test_copies_and_asdict_keep_the_mask(marker: str) -> None:
    credentials = GenesysCredentials.from_secret_string(
        json.dumps(credentials_document(marker)), source="test"
    )
    for clone in (copy.copy(credentials), copy.deepcopy(credentials)):
        assert clone == credentials
        assert marker not in repr(clone)
    as_dict = dataclasses.asdict(credentials)
    assert marker not in repr(as_dict)
    with pytest.raises(TypeError):
        json.dumps(as_dict)


def test_equality_compares_values_not_identity() -> None:
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")
    assert Secret("a") != "a"
    assert hash(Secret("a")) == hash(Secret("a"))
