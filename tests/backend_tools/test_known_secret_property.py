"""Property: a known secret planted anywhere in a real state, in any form, never audits OK.

Hypothesis draws a secret (with the characters encoders treat differently: ``& < > + / " \\``),
a resource, a place in it (a property value, a list item, a key name, a key Pulumi ignores) and
a form: as itself, inside text, inside JSON text with any mix of ``\\u`` escapes in either hex
case and ``\\/`` (what Go, .NET, Python and JavaScript encoders write), JSON text inside JSON
text, base64 of text around it, Pulumi's byte-string value, or, for a secret of digits, a JSON
number. With the secret in ``--known-secret-file`` the audit must not exit 0, and must not
print the secret.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from genesys_oauth_secrets import cli
from genesys_oauth_secrets.audit.scan import SECRET_SIG_KEY
from genesys_oauth_secrets.audit.secret_forms import BYTE_STRING_SIG
from genesys_oauth_secrets.demo.sample_state import build_state
from tests.support.hypothesis_profiles import FIXTURE_OK

ALPHABET = st.sampled_from('abcXYZ0189&<>+/"\\-_ é')
SECRETS = st.text(ALPHABET, min_size=8, max_size=24).filter(lambda s: s.strip() == s)
RESOURCES = len(build_state().resources)
"""Resources in the honest three-client state: a secret may be planted in any of them."""


@st.composite
def json_escaped(draw: st.DrawFn, secret: str) -> str:
    """``secret`` as a JSON string's content some encoder wrote: any char may be \\u-escaped."""
    out = []
    for char in secret:
        must = char in '"\\'
        if must or draw(st.booleans()):
            if char == "/" and draw(st.booleans()):
                out.append("\\/")
            elif char in '"\\' and draw(st.booleans()):
                out.append("\\" + char)
            else:
                code = f"{ord(char):04x}"
                out.append("\\u" + (code.upper() if draw(st.booleans()) else code))
        else:
            out.append(char)
    return "".join(out)


@st.composite
def planted_form(draw: st.DrawFn, secret: str) -> object:
    """One value that holds ``secret`` in one of the forms a state file can carry it."""
    text = f"note: {secret} (rotated)"
    kinds = ["raw", "in-text", "nested-json", "json-in-json", "base64", "byte-string"]
    kind = draw(st.sampled_from(kinds))
    if kind == "raw":
        return secret
    if kind == "in-text":
        return text
    if kind == "nested-json":
        return '{"client_secret":"' + draw(json_escaped(secret)) + '"}'
    if kind == "json-in-json":
        return json.dumps('{"client_secret":"' + draw(json_escaped(secret)) + '"}')
    if kind == "base64":
        return base64.b64encode(text.encode()).decode()
    return {SECRET_SIG_KEY: BYTE_STRING_SIG, "value": base64.b64encode(secret.encode()).decode()}


Place = Callable[[dict[str, Any], object, str], None]


def as_property(resource: dict[str, Any], value: object, _: str) -> None:
    resource.setdefault("outputs", {})["note"] = value


def in_a_list(resource: dict[str, Any], value: object, _: str) -> None:
    resource.setdefault("inputs", {})["notes"] = ["first", value]


def as_a_key_name(resource: dict[str, Any], _: object, secret: str) -> None:
    resource.setdefault("inputs", {})["labels"] = {secret: "x"}


def beside_the_fields(resource: dict[str, Any], value: object, _: str) -> None:
    resource["x-operator-note"] = value


def as_an_ignored_key(resource: dict[str, Any], _: object, secret: str) -> None:
    resource[f"x-{secret}"] = True


PLACES: list[Place] = [as_property, in_a_list, as_a_key_name, beside_the_fields, as_an_ignored_key]


def audit_code(path: Path, known: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["audit", str(path), "--known-secret-file", str(known)])
    return code, out.getvalue() + err.getvalue()


def plant_and_audit(tmp_path: Path, secret: str, mutate: Callable[[dict[str, Any]], None]) -> None:
    state = build_state()
    mutate(state.document)
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state.document))
    known = tmp_path / "known.txt"
    known.write_text(secret + "\n", encoding="utf-8")

    code, printed = audit_code(path, known)

    assert code != 0, printed
    assert secret not in printed


@settings(suppress_health_check=FIXTURE_OK)
@given(
    secret=SECRETS,
    data=st.data(),
    index=st.integers(0, RESOURCES - 1),
    place=st.sampled_from(PLACES),
)
def test_a_planted_known_secret_never_audits_ok(
    tmp_path: Path, secret: str, data: st.DataObject, index: int, place: Place
) -> None:
    value = data.draw(planted_form(secret))

    def mutate(document: dict[str, Any]) -> None:
        place(document["checkpoint"]["latest"]["resources"][index], value, secret)

    plant_and_audit(tmp_path, secret, mutate)


@settings(suppress_health_check=FIXTURE_OK)
@given(digits=st.integers(10**7, 2**53), index=st.integers(0, RESOURCES - 1))
def test_a_known_secret_of_digits_stored_as_a_number_never_audits_ok(
    tmp_path: Path, digits: int, index: int
) -> None:
    def mutate(document: dict[str, Any]) -> None:
        as_property(document["checkpoint"]["latest"]["resources"][index], digits, str(digits))

    plant_and_audit(tmp_path, str(digits), mutate)
