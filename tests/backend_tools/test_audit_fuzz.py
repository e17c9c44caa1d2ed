"""Hostile input: whatever the file holds, the audit answers 0, 1 or 2 in one line or one JSON.

Hypothesis generates arbitrary JSON (with keys drawn partly from Pulumi's field names and their
case variants, so the interesting paths are reached), plants it in every slot of a real
checkpoint, and also feeds raw bytes. The property is the CLI contract: exit 0 only when the
JSON report says clean, 1 with findings, 2 with an error; exactly one JSON document on stdout
under ``--json``; at most one ``error:`` line on stderr otherwise; never an exception.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from genesys_oauth_secrets import cli
from genesys_oauth_secrets.demo.sample_state import build_state
from tests.backend_tools.sample_positions import IVR, STACK_RESOURCE
from tests.support.hypothesis_profiles import FIXTURE_OK

FIELD_NAMES = [
    "version",
    "features",
    "checkpoint",
    "deployment",
    "latest",
    "Latest",
    "resources",
    "Resources",
    "pending_operations",
    "secrets_providers",
    "type",
    "Type",
    "state",
    "url",
    "encryptedkey",
    "urn",
    "inputs",
    "outputs",
    "Outputs",
    "additionalSecretOutputs",
    "clientSecret",
    "ciphertext",
    "plaintext",
    "clients",
    "client_id",
    "secret_arn",
    "4dabf18193072939515e22adb298388d",
]
KEYS = st.sampled_from(FIELD_NAMES) | st.text(max_size=12)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["1b47061264138c4ac30d75fd1eb44270", "cloud", "awskms://alias/k", ""])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=30,
)
SLOTS = [
    ("checkpoint", "latest"),
    ("checkpoint", "latest", "secrets_providers"),
    ("checkpoint", "latest", "resources"),
    ("checkpoint", "latest", "resources", IVR.client),
    ("checkpoint", "latest", "resources", IVR.client, "outputs"),
    ("checkpoint", "latest", "resources", STACK_RESOURCE, "outputs"),
    ("checkpoint", "latest", "resources", IVR.component, "outputs"),
    ("checkpoint", "latest", "resources", IVR.version, "additionalSecretOutputs"),
    ("checkpoint", "latest", "resources", IVR.stamp, "inputs"),
    ("checkpoint", "latest", "pending_operations"),
    ("checkpoint",),
    ("version",),
]
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=FIXTURE_OK,
)


def run(*argv: str) -> tuple[int, str, str]:
    """The real entry point; any exception escaping it fails the property."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def assert_contract(path: Path) -> None:
    code, out, err = run("audit", str(path), "--json")
    report = json.loads(out)
    assert code in (0, 1, 2)
    assert (code == 0) == (report["clean"] is True)
    assert (code == 2) == ("error" in report)
    assert "Traceback" not in err
    code_text, out_text, err_text = run("audit", str(path))
    assert code_text == code
    if code == 2:
        assert out_text == ""
        assert err_text.count("\n") == 1
    else:
        assert err_text == ""
        assert out_text.splitlines()[-1].startswith("OK: " if code == 0 else "  ")


def planted(value: Any, slot: tuple[str | int, ...]) -> bytes:
    """The honest state with ``value`` at ``slot``."""
    document = build_state().document
    holder: Any = document
    for step in slot[:-1]:
        holder = holder[step]
    holder[slot[-1]] = value
    return json.dumps(document).encode()


@SETTINGS
@given(document=JSON)
def test_any_json_document_gets_a_clear_answer(tmp_path: Path, document: Any) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(document))

    assert_contract(path)


@SETTINGS
@given(value=JSON, slot=st.sampled_from(SLOTS))
# Found by this test: a signature key holding a list crashed the signature rule.
@example(
    value={"4dabf18193072939515e22adb298388d": []},
    slot=("checkpoint", "latest", "resources", IVR.client, "outputs"),
)
def test_any_json_anywhere_in_a_real_checkpoint_gets_a_clear_answer(
    tmp_path: Path, value: Any, slot: tuple[str | int, ...]
) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(planted(value, slot))

    assert_contract(path)


@SETTINGS
@given(
    raw=st.binary(max_size=300) | st.sampled_from([b"\x1f\x8b", b"\x28\xb5\x2f\xfd", b"\xff\xfe"])
)
def test_any_bytes_get_a_clear_answer(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(raw)

    assert_contract(path)


@SETTINGS
@given(raw=st.binary(max_size=200))
def test_any_known_secret_file_is_used_or_refused_in_one_line(tmp_path: Path, raw: bytes) -> None:
    state = tmp_path / "state.json"
    state.write_bytes(build_state().to_bytes())
    known = tmp_path / "known.txt"
    known.write_bytes(raw)

    code, out, err = run("audit", str(state), "--known-secret-file", str(known))

    assert code in (0, 1, 2)
    if code == 2:
        assert err.count("\n") == 1
        assert err.startswith("error: ")
    else:
        assert out.startswith("audit of ")


@pytest.mark.parametrize("mib", ["0", "-1", "1.5", "abc", "99999999", "", "١٢"])
def test_a_bad_size_cap_is_a_usage_error_even_under_json(tmp_path: Path, mib: str) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(build_state().to_bytes())

    code, out, _ = run("audit", str(path), "--json", "--max-state-mib", mib)

    assert code == 2
    assert "--max-state-mib" in json.loads(out)["error"]
