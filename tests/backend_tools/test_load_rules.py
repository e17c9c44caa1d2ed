"""Issue 17: the audit answers as Pulumi's loader would, one corpus row per rule.

Three tables, one per kind of wrong answer the review found, each row one mutation of the honest
three-client state (``build_state``, shaped like ``pulumi/pulumi``
``pkg/resource/stack/testdata``):

- ``LEAKS``: a plaintext secret that must be a finding (exit 1) at the path and rule given;
- ``REFUSED``: a file Pulumi's loader refuses; the audit exits 2 naming the same rule;
- ``LOADABLE``: a file Pulumi loads as is, so the audit must say OK (exit 0).

Rows marked ``known`` add the secret used to ``--known-secret-file``, as an incident review
would. Every row also proves the secret never reaches the report.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import zstandard

from genesys_oauth_secrets.audit.checkpoint import MIB, local_source
from genesys_oauth_secrets.audit.scan import SECRET_SIG, SECRET_SIG_KEY, audit
from genesys_oauth_secrets.audit.secret_forms import BYTE_STRING_SIG
from genesys_oauth_secrets.demo.sample_state import SampleState, build_state
from tests.backend_tools.conftest import RunCli
from tests.backend_tools.sample_positions import AGENT, APPENDED, IVR, WFM
from tests.backend_tools.test_leak_corpus import LATEST, Leak, known_from, res, secret_of

AMPERSAND_SECRET = "Gx7&q<P>z+Lm/9w"  # escaped by every encoder
DIGIT_SECRET = "867530912345678"  # can be a JSON number
DYNAMIC_TYPE = "pulumi-python:dynamic/rotation:RegeneratedSecret"


def plant(secret: str) -> Callable[[SampleState], None]:
    """Make ``secret`` one the reviewer knows (it lands in the known-secret file)."""

    def add(state: SampleState) -> None:
        state.client_secrets[f"planted-{len(state.client_secrets)}"] = secret

    return add


def envelope_holding(ciphertext: Callable[[SampleState], str]) -> Callable[[SampleState], None]:
    def mutate(state: SampleState) -> None:
        res(state, IVR.client)["outputs"]["clientSecret"] = {
            SECRET_SIG_KEY: SECRET_SIG,
            "ciphertext": ciphertext(state),
        }

    return mutate


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def byte_string(text: str) -> dict[str, str]:
    return {SECRET_SIG_KEY: BYTE_STRING_SIG, "value": b64(text)}


def nested_json_tag(escape: Callable[[str], str]) -> Callable[[SampleState], None]:
    """A tag holding JSON text another encoder wrote, with the known secret inside."""

    def mutate(state: SampleState) -> None:
        plant(AMPERSAND_SECRET)(state)
        inner = json.dumps({"client_secret": AMPERSAND_SECRET})
        res(state, IVR.secret)["inputs"]["tags"]["payload"] = escape(inner)

    return mutate


def go_escapes(text: str) -> str:
    """Go's json.Marshal: HTML-safe escapes for & < > (encoding/json encode.go htmlSafeSet)."""
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def dotnet_escapes(text: str) -> str:
    """System.Text.Json's default encoder: upper-case hex, + and & < > escaped, \\/ from others."""
    return (
        text.replace("+", "\\u002B")
        .replace("&", "\\u0026")
        .replace("<", "\\u003C")
        .replace(">", "\\u003E")
        .replace("/", "\\/")
    )


def then(*steps: Callable[[SampleState], None]) -> Callable[[SampleState], None]:
    def mutate(state: SampleState) -> None:
        for step in steps:
            step(state)

    return mutate


def dynamic_resource(provider: Callable[[SampleState], object]) -> Callable[[SampleState], None]:
    """This program's ``RegeneratedSecret``, as Pulumi stores a Python dynamic resource."""

    def mutate(state: SampleState) -> None:
        parent = res(state, IVR.component)
        urn = parent["urn"].replace("OAuthClientSecret::", f"OAuthClientSecret${DYNAMIC_TYPE}::")
        state.resources.append(
            {
                "urn": urn + "-regenerated",
                "custom": True,
                "id": "3c1f4a5e-regenerated",
                "type": DYNAMIC_TYPE,
                "inputs": {"__provider": provider(state), "generation": 1},
                "outputs": {"__provider": provider(state), "generation": 1},
                "parent": parent["urn"],
            }
        )

    return mutate


def set_path(index: int, *keys: str, value: Callable[[SampleState], object]) -> Callable[..., None]:
    def mutate(state: SampleState) -> None:
        target: Any = res(state, index)
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value(state)

    return mutate


R = f"{LATEST}.resources"
PICKLE = "gASVKAAAAAAAAACMCF9fbWFpbl9flIwQUm90YXRpb25Qcm92aWRlcpSTlCmBlC4="

LEAKS = {
    "ciphertext-is-the-plaintext": Leak(
        envelope_holding(lambda s: secret_of(s, "ivr-integration")),
        f"{R}[{IVR.client}].outputs.clientSecret",
        "ciphertext-shape",
    ),
    "ciphertext-is-base64-of-the-json-value": Leak(
        envelope_holding(lambda s: b64(json.dumps(secret_of(s, "ivr-integration")))),
        f"{R}[{IVR.client}].outputs.clientSecret",
        "ciphertext-shape",
    ),
    "v1-shaped-ciphertext-whose-payload-is-the-secret": Leak(
        envelope_holding(lambda s: f"v1:AAAAAAAAAAAAAAAA:{b64(secret_of(s, 'ivr-integration'))}"),
        f"{R}[{IVR.client}].outputs.clientSecret",
        "known-secret",
        known=True,
    ),
    "go-escaped-nested-json": Leak(
        nested_json_tag(go_escapes),
        f"{R}[{IVR.secret}].inputs.tags.payload",
        "known-secret",
        known=True,
    ),
    "dotnet-escaped-nested-json": Leak(
        nested_json_tag(dotnet_escapes),
        f"{R}[{IVR.secret}].inputs.tags.payload",
        "known-secret",
        known=True,
    ),
    "lower-case-hex-escapes": Leak(
        nested_json_tag(lambda t: dotnet_escapes(t).replace("\\u002B", "\\u002b")),
        f"{R}[{IVR.secret}].inputs.tags.payload",
        "known-secret",
        known=True,
    ),
    "json-text-in-json-text": Leak(
        nested_json_tag(lambda t: json.dumps(go_escapes(t))),
        f"{R}[{IVR.secret}].inputs.tags.payload",
        "known-secret",
        known=True,
    ),
    "secret-as-a-json-number": Leak(
        then(
            plant(DIGIT_SECRET),
            set_path(WFM.secret, "outputs", "version", value=lambda s: 867530912345678),
        ),
        f"{R}[{WFM.secret}].outputs.version",
        "known-secret",
        known=True,
    ),
    "secret-as-the-name-of-a-key-pulumi-ignores": Leak(
        lambda s: res(s, IVR.secret).update({secret_of(s, "ivr-integration"): True}),
        f"{R}[{IVR.secret}]['<a key holding a known secret>']",
        "known-secret",
        known=True,
    ),
    "byte-string-output-holding-the-secret": Leak(
        set_path(
            WFM.secret,
            "outputs",
            "description",
            value=lambda s: byte_string(secret_of(s, "wfm-sync")),
        ),
        f"{R}[{WFM.secret}].outputs.description",
        "known-secret",
        known=True,
    ),
    "byte-string-in-the-component-outputs": Leak(
        set_path(
            IVR.component,
            "outputs",
            "client_id",
            value=lambda s: byte_string(secret_of(s, "ivr-integration")),
        ),
        f"{R}[{IVR.component}].outputs.client_id",
        "known-secret",
        known=True,
    ),
    "byte-string-clientSecret-echoed-elsewhere": Leak(
        then(
            set_path(
                WFM.client,
                "outputs",
                "clientSecret",
                value=lambda s: byte_string(secret_of(s, "wfm-sync")),
            ),
            set_path(
                WFM.secret,
                "outputs",
                "description",
                value=lambda s: f"for {secret_of(s, 'wfm-sync')}",
            ),
        ),
        f"{R}[{WFM.secret}].outputs.description",
        "known-secret",
    ),
    "dynamic-resource-provider-not-secret": Leak(
        dynamic_resource(lambda s: PICKLE), f"{R}[{APPENDED}].inputs.__provider", "dynamic-provider"
    ),
    "issue-stamp-provider-unsealed": Leak(
        set_path(IVR.stamp, "outputs", "__provider", value=lambda s: PICKLE),
        f"{R}[{IVR.stamp}].outputs.__provider",
        "dynamic-provider",
    ),
}


def write_state(tmp_path: Path, state: SampleState, name: str = "state.json") -> Path:
    path = tmp_path / name
    path.write_bytes(state.to_bytes())
    return path


@pytest.mark.parametrize("leak", LEAKS.values(), ids=LEAKS.keys())
def test_kind_1_each_plaintext_form_is_a_finding(tmp_path: Path, leak: Leak) -> None:
    state = build_state(export=leak.export)
    leak.mutate(state)
    path = write_state(tmp_path, state)

    report = audit(local_source(path, 512 * MIB), known_from(state) if leak.known else None)

    found = {finding.path: finding.rule for finding in report.findings}
    assert found.get(leak.path) == leak.rule, f"findings: {found}"
    rendered = report.to_text() + json.dumps(report.to_json())
    assert not any(secret in rendered for secret in state.client_secrets.values())


def test_kind_1_a_secret_dynamic_provider_is_fine(tmp_path: Path) -> None:
    state = build_state()
    envelope = {SECRET_SIG_KEY: SECRET_SIG, "ciphertext": f"v1:AAAAAAAAAAAAAAAA:{b64('x' * 40)}"}
    dynamic_resource(lambda s: envelope)(state)

    report = audit(local_source(write_state(tmp_path, state), 512 * MIB))

    assert report.clean, report.findings


Render = Callable[[SampleState], bytes]


def doc(mutate: Callable[[SampleState], None]) -> Render:
    def render(state: SampleState) -> bytes:
        mutate(state)
        return state.to_bytes()

    return render


def latest(state: SampleState) -> dict[str, Any]:
    found: dict[str, Any] = state.document["checkpoint"]["latest"]
    return found


def top(**fields: object) -> Callable[[SampleState], None]:
    return lambda s: s.document.update(fields)


def provider_state(**fields: object) -> Callable[[SampleState], None]:
    return lambda s: latest(s)["secrets_providers"]["state"].update(fields)


def duplicate(index: int) -> Callable[[SampleState], None]:
    return lambda s: s.resources.append(json.loads(json.dumps(res(s, index))))


def drop(index: int, key: str) -> Callable[[SampleState], None]:
    return lambda s: res(s, index).pop(key)


GENESYS_PROVIDER = "urn:pulumi:prod::genesys-oauth-secrets::pulumi:providers:genesyscloud"
REFUSED: dict[str, tuple[Render, str]] = {
    "version-4-with-a-feature-this-cli-lacks": (
        doc(top(version=4, features=["taint", "quantumStacks"])),
        "unsupported-feature",
    ),
    "features-not-a-list": (doc(top(version=4, features="taint")), "features-type"),
    "custom-as-a-string": (
        doc(set_path(IVR.client, "custom", value=lambda s: "true")),
        "field-type",
    ),
    "created-not-rfc3339": (
        doc(set_path(IVR.client, "created", value=lambda s: "2026-11-20 10:15:30")),
        "field-type",
    ),
    "manifest-magic-mismatch": (
        doc(lambda s: latest(s)["manifest"].update(magic="0" * 64)),
        "manifest-magic",
    ),
    "missing-parent": (
        doc(set_path(IVR.client, "parent", value=lambda s: res(s, IVR.component)["urn"] + "-gone")),
        "missing-parent",
    ),
    "parent-listed-after-the-child": (
        doc(set_path(IVR.client, "parent", value=lambda s: res(s, AGENT.component)["urn"])),
        "missing-parent",
    ),
    "duplicate-urn-not-marked-delete": (doc(duplicate(IVR.secret)), "duplicate-urn"),
    "id-on-a-resource-that-is-not-custom": (
        doc(set_path(IVR.component, "id", value=lambda s: "component-id")),
        "id-without-custom",
    ),
    "resource-without-urn": (doc(drop(IVR.secret, "urn")), "resource-without-urn"),
    "reference-to-an-unknown-provider": (
        doc(
            set_path(
                IVR.client, "provider", value=lambda s: f"{GENESYS_PROVIDER}::other::0e8c-unknown"
            )
        ),
        "unknown-provider",
    ),
    "unrecognised-signature-value": (
        doc(
            set_path(
                WFM.secret, "outputs", "description", value=lambda s: {SECRET_SIG_KEY: "f" * 32}
            )
        ),
        "unknown-signature",
    ),
    "byte-string-not-base64": (
        doc(
            set_path(
                WFM.secret,
                "outputs",
                "description",
                value=lambda s: {SECRET_SIG_KEY: BYTE_STRING_SIG, "value": "%%"},
            )
        ),
        "malformed-byte-string",
    ),
    "encryptedkey-not-base64": (
        doc(provider_state(encryptedkey="not base64!")),
        "encryptedkey-not-base64",
    ),
    "config-key-without-namespace": (
        doc(lambda s: s.document["checkpoint"].update(config={"region": "us-east-1"})),
        "config-key",
    ),
    "utf-8-byte-order-mark": (lambda s: b"\xef\xbb\xbf" + s.to_bytes(), "byte-order-mark"),
    "form-feed-as-whitespace": (
        lambda s: s.to_bytes().replace(b"{", b"{\x0c", 1),
        "json-whitespace",
    ),
    "vertical-tab-as-whitespace": (
        lambda s: s.to_bytes().replace(b"{", b"{\x0b", 1),
        "json-whitespace",
    ),
    "gzip-with-trailing-zero-padding": (
        lambda s: s.to_bytes(compress=True) + b"\0" * 1024,
        "gzip-trailing-data",
    ),
    "checkpoint-with-trailing-data": (lambda s: s.to_bytes() + b"\n{}", "trailing-data"),
}
"""Files Pulumi refuses to load: the audit exits 2 and names the rule, never OK."""


@pytest.mark.parametrize(("render", "rule"), REFUSED.values(), ids=REFUSED.keys())
def test_kind_2_what_pulumi_refuses_exits_2_naming_the_rule(
    tmp_path: Path, run_cli: RunCli, render: Render, rule: str
) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(render(build_state()))

    result = run_cli("audit", str(path))

    assert result.code == 2, result.out + result.err
    assert f"Pulumi refuses to load this file [{rule}]" in result.err
    assert "OK" not in result.out


def test_kind_2_an_export_document_where_diy_keeps_the_checkpoint(
    tmp_path: Path, run_cli: RunCli
) -> None:
    stacks = tmp_path / ".pulumi" / "stacks" / "genesys-oauth-secrets"
    stacks.mkdir(parents=True)
    path = stacks / "prod.json"
    path.write_bytes(build_state(export=True).to_bytes())

    result = run_cli("audit", str(path))

    assert result.code == 2
    assert "[export-where-diy-keeps-a-checkpoint]" in result.err


def set_url(url: str) -> Callable[[SampleState], None]:
    return provider_state(url=url)


LOADABLE: dict[str, tuple[Render, bool]] = {
    "upper-case-AWSKMS-scheme": (
        doc(set_url("AWSKMS://alias/pulumi-genesys-oauth-secrets?region=us-east-1")),
        False,
    ),
    "integer-go-writes-for-a-float64": (
        doc(set_path(WFM.secret, "outputs", "sizeBytes", value=lambda s: 18446744073709552000)),
        False,
    ),
    "invalid-utf-8-in-a-string": (
        lambda s: s.to_bytes().replace(b'"IVR data dips"', b'"IVR data \xff dips"', 1),
        False,
    ),
    "zstd-content-in-a-json-file": (
        lambda s: zstandard.ZstdCompressor().compress(s.to_bytes()),
        False,
    ),
    "import-document-with-trailing-data": (lambda s: s.to_bytes() + b"\n# saved by hand\n", True),
    "version-4-with-supported-features": (
        doc(top(version=4, features=["taint", "byteString"])),
        False,
    ),
    "duplicate-urn-marked-for-deletion": (
        doc(then(duplicate(IVR.secret), lambda s: s.resources[-1].update(delete=True))),
        False,
    ),
}
"""Files Pulumi loads as they are: the audit must answer OK, not refuse or flag them."""


@pytest.mark.parametrize(("render", "export"), LOADABLE.values(), ids=LOADABLE.keys())
def test_kind_3_what_pulumi_loads_is_ok(
    tmp_path: Path, run_cli: RunCli, render: Render, export: bool
) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(render(build_state(export=export)))

    result = run_cli("audit", str(path))

    assert result.code == 0, result.out + result.err
    assert "OK: no plaintext secret found" in result.out


def test_the_ok_line_says_how_many_known_secrets_were_searched(
    tmp_path: Path, run_cli: RunCli
) -> None:
    state = build_state()
    path = write_state(tmp_path, state)
    known = tmp_path / "known.txt"
    known.write_text("\n".join(["first-known-secret-value", "second-known-secret"]) + "\n")

    result = run_cli("audit", str(path), "--known-secret-file", str(known))

    assert result.code == 0
    assert "; 2 known secret(s) searched in every form; Pulumi's load rules pass" in result.out


@pytest.mark.parametrize("name", ["prod.json.zst", "prod.json.gz"])
def test_kind_3_plain_json_under_a_compressed_name_is_read_as_plain(
    tmp_path: Path, run_cli: RunCli, name: str
) -> None:
    """DetectCompression decides by magic bytes; the name of the object decides nothing."""
    path = tmp_path / name
    path.write_bytes(build_state().to_bytes())

    result = run_cli("audit", str(path))

    assert result.code == 0, result.err
