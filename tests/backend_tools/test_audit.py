"""The audit passes honest states, reports what it verified, and never prints a secret."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from components.genesys_oauth_client import OAUTH_CLIENT_TOKEN, SECRET_OUTPUTS
from components.issue_time import ISSUED_AT_OUTPUT, ISSUED_AT_TAG
from components.oauth_client_secret import COMPONENT_TYPE, secret_name
from components.secret_issue_stamp import SECRET_ISSUE_STAMP_TYPE
from genesys_oauth_secrets.audit import scan as audit_module
from genesys_oauth_secrets.audit.pulumi_json import json_path
from genesys_oauth_secrets.audit.scan import KnownSecrets, load_known_secrets
from genesys_oauth_secrets.demo.sample_state import (
    DEFAULT_CLIENTS,
    STACK,
    SampleState,
    build_state,
    explicit_genesys_provider,
    generated_clients,
    write_state,
)
from genesys_oauth_secrets.plan.engine import ProgramRun
from genesys_oauth_secrets.shared.errors import BackendError
from tests.backend_tools.conftest import AuditBytes, RunCli
from tests.backend_tools.sample_positions import IVR


def all_known(state: SampleState) -> KnownSecrets:
    known = KnownSecrets()
    for secret in state.client_secrets.values():
        known.add(secret, "a secret from --known-secret-file")
    return known


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(build_state, id="diy-checkpoint"),
        pytest.param(lambda: build_state(export=True), id="stack-export"),
        pytest.param(lambda: build_state(seed=99), id="other-seed"),
        pytest.param(lambda: build_state(tainted=True), id="version-4-with-features"),
    ],
)
def test_an_honest_state_passes_even_with_every_secret_known(
    audit_bytes: AuditBytes, variant: Any
) -> None:
    state: SampleState = variant()

    report = audit_bytes(state.to_bytes(), all_known(state))

    assert report.clean, report.to_text()
    assert report.resources == len(state.resources)
    assert report.secrets_provider == "awskms://alias/pulumi-genesys-oauth-secrets?region=us-east-1"


def test_an_encrypted_explicit_provider_secret_passes(
    audit_bytes: AuditBytes, sample: SampleState
) -> None:
    explicit_genesys_provider(sample, secret="deployer-client-secret-value")

    report = audit_bytes(sample.to_bytes())

    assert report.clean, report.to_text()
    assert report.verified["inputs.oauthclientSecret"] == 1


def test_pending_operations_are_audited_but_not_counted_as_resources(
    audit_bytes: AuditBytes, sample: SampleState
) -> None:
    latest = sample.document["checkpoint"]["latest"]
    latest["pending_operations"] = [{"resource": sample.resources[IVR.client], "type": "updating"}]

    report = audit_bytes(sample.to_bytes())

    assert report.clean
    assert report.resources == len(sample.resources)
    assert report.verified["outputs.clientSecret"] == len(DEFAULT_CLIENTS) + 1


@pytest.mark.parametrize(
    ("provider", "named"),
    [
        pytest.param(
            {"type": "passphrase", "state": {"salt": "v1:c2FsdA==:v1:bm9uY2U=:Y2lwaGVy"}},
            "passphrase",
            id="passphrase",
        ),
        pytest.param(
            {"type": "service", "state": {"url": "https://api.pulumi.com", "owner": "acme"}},
            "service (Pulumi Cloud)",
            id="service-is-not-https",
        ),
        pytest.param(
            {"type": "cloud", "state": {"url": "gcpkms://projects/p/locations/l/keyRings/r"}},
            "cloud (gcpkms://)",
            id="gcpkms",
        ),
        pytest.param({"type": "b64", "state": {}}, "b64", id="pulumi-testdata-b64"),
        pytest.param({"type": "x\ny secret?"}, "of an unknown type", id="odd-type-not-echoed"),
    ],
)
def test_the_provider_is_named_as_a_reviewer_knows_it(
    audit_bytes: AuditBytes, sample: SampleState, provider: dict[str, Any], named: str
) -> None:
    sample.document["checkpoint"]["latest"]["secrets_providers"] = provider

    [finding] = audit_bytes(sample.to_bytes()).findings

    assert finding.message.startswith(f"the secrets provider is {named}, not awskms")


def test_the_provider_fields_match_like_go_and_repeat_in_order(
    audit_bytes: AuditBytes, sample: SampleState
) -> None:
    latest = sample.document["checkpoint"]["latest"]
    latest["secrets_providers"] = {"TYPE": "cloud", "State": latest["secrets_providers"]["state"]}

    report = audit_bytes(sample.to_bytes())

    assert report.secrets_provider == "awskms://alias/pulumi-genesys-oauth-secrets?region=us-east-1"
    assert {f.rule for f in report.findings} == {"ambiguous-key"}


def test_an_awskms_provider_without_its_data_key_is_a_finding(
    audit_bytes: AuditBytes, sample: SampleState
) -> None:
    del sample.document["checkpoint"]["latest"]["secrets_providers"]["state"]["encryptedkey"]

    [finding] = audit_bytes(sample.to_bytes()).findings

    assert finding.path == "$.checkpoint.latest.secrets_providers.state.encryptedkey"


def test_a_stack_that_was_never_deployed_has_nothing_to_prove(audit_bytes: AuditBytes) -> None:
    empty = json.dumps(
        {"version": 3, "checkpoint": {"stack": "organization/genesys-oauth-secrets/prod"}}
    )

    report = audit_bytes(empty.encode())

    assert report.clean
    assert report.resources == 0


def test_the_report_says_what_was_verified_as_ciphertext(
    audit_bytes: AuditBytes, sample: SampleState
) -> None:
    report = audit_bytes(sample.to_bytes())
    clients = len(DEFAULT_CLIENTS)

    assert report.verified == {
        "outputs.clientSecret": clients,
        "inputs.secretString": clients,
        "outputs.secretString": clients,
    }
    # Every envelope: per client those three, and the issue stamp's pickled provider (an input
    # and an output), which Pulumi seals too.
    assert report.ciphertexts == 5 * clients
    assert report.to_text().splitlines()[-1] == (
        "OK: no plaintext secret found; checked: secrets provider "
        "awskms://alias/pulumi-genesys-oauth-secrets?region=us-east-1; 9 secret value(s) verified "
        "as ciphertext; 15 envelope(s) in all hold only v1:<nonce>:<payload> ciphertext; stack "
        "outputs allow-listed (3 client(s)); no known secrets given (--known-secret-file); "
        "Pulumi's load rules pass (pulumi/pulumi@1b5949891b3c)"
    )


def test_a_show_secrets_export_fails_at_every_secret(audit_bytes: AuditBytes) -> None:
    revealed = build_state(export=True, show_secrets=True)

    report = audit_bytes(revealed.to_bytes())

    revealed_paths = [f.path for f in report.findings if f.rule == "revealed-secret"]
    # Per client: clientSecret, the version's secretString (input and output), and the issue
    # stamp's __provider (input and output).
    assert len(revealed_paths) == 5 * len(DEFAULT_CLIENTS)
    assert f"$.deployment.resources[{IVR.client}].outputs.clientSecret" in revealed_paths
    assert all(secret not in report.to_text() for secret in revealed.client_secrets.values())


def test_a_urn_from_the_state_cannot_print_a_line_of_its_own(audit_bytes: AuditBytes) -> None:
    forged = "\n\x1b[32mOK: no plaintext secret found"
    version_type = "aws:secretsmanager/secretVersion:SecretVersion"
    state = {
        "version": 3,
        "deployment": {
            "manifest": {},
            "resources": [
                {
                    "urn": f"urn:pulumi:dev::p::{version_type}::x{forged}",
                    "type": version_type,
                    "custom": True,
                    "id": "x",
                    "inputs": {"secretString": "not-a-ciphertext"},
                }
            ],
        },
    }

    report = audit_bytes(json.dumps(state).encode())

    assert not report.clean
    text = report.to_text()
    assert "\x1b" not in text
    assert not any(line.startswith("OK") for line in text.splitlines())


def test_the_json_report_has_stable_keys_and_no_values(tmp_path: Path, run_cli: RunCli) -> None:
    state = build_state(show_secrets=True)
    path = tmp_path / "export.json"
    path.write_bytes(state.to_bytes())

    result = run_cli("audit", str(path), "--json")

    report = json.loads(result.out)
    assert result.code == 1
    assert list(report)[:2] == ["ok", "exitCode"]
    assert (report["ok"], report["exitCode"]) == (False, 1)
    assert set(report) == {
        "ok",
        "exitCode",
        "source",
        "format",
        "clean",
        "resources",
        "secrets_provider",
        "ciphertext_envelopes",
        "verified_ciphertext",
        "checked",
        "findings",
    }
    assert set(report["findings"][0]) == {"path", "rule", "message", "urn"}
    assert all(secret not in result.out for secret in state.client_secrets.values())


def test_exit_codes_are_0_clean_1_findings_2_unreadable(
    tmp_path: Path, run_cli: RunCli, sample: SampleState
) -> None:
    clean = tmp_path / "clean.json"
    clean.write_bytes(sample.to_bytes())
    leaky = tmp_path / "leaky.json"
    leaky.write_bytes(build_state(show_secrets=True).to_bytes())
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(sample.to_bytes(compress=True)[:64])

    codes = [run_cli("audit", str(p)).code for p in (clean, leaky, broken)]
    unreadable = run_cli("audit", str(broken), "--json")

    assert codes == [0, 1, 2]
    assert json.loads(unreadable.out)["clean"] is False
    assert "truncated" in unreadable.err
    assert "Traceback" not in unreadable.err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("short\n", "line 1: a known secret must be at least 8", id="too-short"),
        pytest.param("long-enough-secret\n\nab\n", "line 3", id="names-the-line"),
    ],
)
def test_known_secret_files_refuse_values_that_would_match_anything(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "known.txt"
    path.write_text(content)

    with pytest.raises(BackendError, match=message):
        load_known_secrets(path)


def test_a_missing_known_secret_file_is_a_read_failure(tmp_path: Path, run_cli: RunCli) -> None:
    state = tmp_path / "state.json"
    state.write_bytes(build_state().to_bytes())

    result = run_cli("audit", str(state), "--known-secret-file", str(tmp_path / "none.txt"))

    assert result.code == 2
    assert "known-secret file not found" in result.err


def test_a_known_secret_is_found_json_escaped_inside_a_document(
    audit_bytes: AuditBytes, sample: SampleState
) -> None:
    secret = 'quote"and\\backslash-secret'
    sample.resources[IVR.secret]["inputs"]["description"] = json.dumps({"note": secret})
    known = KnownSecrets()
    known.add(secret, "a secret from --known-secret-file")

    report = audit_bytes(sample.to_bytes(), known)

    assert [f.path for f in report.findings] == [
        f"$.checkpoint.latest.resources[{IVR.secret}].inputs.description"
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ((), "$"),
        (("checkpoint", "latest", "resources", 3), "$.checkpoint.latest.resources[3]"),
        (("outputs", "genesys-oauth-client"), "$.outputs['genesys-oauth-client']"),
        (("tags", "it's"), "$.tags['it\\'s']"),
        (("4dabf18193072939515e22adb298388d",), "$['4dabf18193072939515e22adb298388d']"),
    ],
)
def test_json_paths_are_written_in_jsonpath_notation(
    path: tuple[str | int, ...], expected: str
) -> None:
    assert json_path(path) == expected


def test_the_audit_knows_the_programs_type_tokens() -> None:
    assert audit_module.OAUTH_CLIENT_TYPE == OAUTH_CLIENT_TOKEN
    assert audit_module.COMPONENT_TYPE == COMPONENT_TYPE
    assert set(SECRET_OUTPUTS) <= set(audit_module.MUST_BE_SECRET[OAUTH_CLIENT_TOKEN])


def test_the_sample_state_has_the_resources_and_inputs_the_program_registers(
    engine: Any, prod_config: dict[str, Any]
) -> None:
    run: ProgramRun = engine(prod_config)
    configured = {client["name"] for client in prod_config["clients"]}
    sample = build_state(tuple(c for c in DEFAULT_CLIENTS if c.name in configured))
    # Python's mock monitor prefixes top-level URNs with the stack type; the engine does not
    # (pkg/resource/deploy generateURN skips resource.RootStackType), and state holds the latter.
    registered = {
        r.urn.replace("::pulumi:pulumi:Stack$", "::"): r
        for r in run.registrations
        if (r.custom and not r.type.startswith("pulumi:providers:")) or r.type == COMPONENT_TYPE
    }
    in_state = {
        r["urn"]: r
        for r in sample.resources
        if (r["custom"] and not r["type"].startswith("pulumi:providers:"))
        or r["type"] == COMPONENT_TYPE
    }

    assert set(in_state) == set(registered)
    for urn, resource in in_state.items():
        assert set(resource.get("inputs", {})) == set(registered[urn].inputs), urn
        assert resource.get("additionalSecretOutputs", []) == (
            registered[urn].additional_secret_outputs
        ), urn
    secrets = [r for r in in_state.values() if r["type"] == "aws:secretsmanager/secret:Secret"]
    assert {r["inputs"]["name"] for r in secrets} == {secret_name(STACK, n) for n in configured}
    order = [r["urn"] for r in sample.resources]
    for secret in secrets:
        assert set(secret["inputs"]["tags"]) == set(registered[secret["urn"]].inputs["tags"])
        # The issue tag is the stamp's output: the stamp is the tags' dependency, listed first.
        [stamp_urn] = secret["propertyDependencies"]["tags"]
        stamp = in_state[stamp_urn]
        assert stamp["type"] == SECRET_ISSUE_STAMP_TYPE
        assert stamp_urn in secret["dependencies"]
        assert order.index(stamp_urn) < order.index(secret["urn"])
        assert secret["inputs"]["tags"][ISSUED_AT_TAG] == stamp["outputs"][ISSUED_AT_OUTPUT]


def test_the_streamed_sample_state_holds_the_resources_of_the_built_one() -> None:
    clients = generated_clients(2)
    out = io.BytesIO()

    write_state(out, clients)

    streamed = json.loads(out.getvalue())["checkpoint"]["latest"]["resources"]
    assert streamed == build_state(clients).resources


def test_a_revealed_secret_holding_absurdly_deep_json_is_still_reported(
    audit_bytes: AuditBytes, sample: SampleState
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    sample.resources[IVR.client]["outputs"]["clientSecret"] = {
        audit_module.SECRET_SIG_KEY: audit_module.SECRET_SIG,
        "plaintext": deep,
    }

    report = audit_bytes(sample.to_bytes())

    assert [(f.path, f.rule) for f in report.findings] == [
        (f"$.checkpoint.latest.resources[{IVR.client}].outputs.clientSecret", "revealed-secret")
    ]
