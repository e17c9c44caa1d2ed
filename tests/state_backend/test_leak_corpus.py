"""The leak corpus: one mutation of an honest checkpoint per row, the finding's JSON path beside it.

Each row starts from the realistic three-client state, applies one mistake a real program or
operator could make, and expects the audit to fail with that exact path and rule. Rows marked
``known`` model a post-incident check: the secret is supplied with --known-secret-file, because
a secret copied into a tag cannot be recognised otherwise. Every row also proves the report
never repeats the secret.

Resource indexes in the honest state: 0 stack, 1 aws provider, 2 genesys provider, 3 KMS key,
4 alias, then per client (ivr-integration, agent-desktop, wfm-sync) the component, OAuth client,
secret and secret version: ivr-integration 5-8, agent-desktop 9-12, wfm-sync 13-16.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from state_backend.audit import SECRET_SIG, SECRET_SIG_KEY, KnownSecrets, audit
from state_backend.checkpoint import MIB, local_source
from state_backend.sample_state import SampleState, build_state, explicit_genesys_provider
from tests.state_backend.conftest import RunCli

LATEST = "$.checkpoint.latest"
Mutation = Callable[[SampleState], None]


@dataclass(frozen=True)
class Leak:
    """One seeded mistake and where the audit must point."""

    mutate: Mutation
    path: str
    rule: str
    known: bool = False
    export: bool = False
    gzip: bool = False


def res(state: SampleState, index: int) -> dict[str, Any]:
    resource: dict[str, Any] = state.resources[index]
    return resource


def secret_of(state: SampleState, client: str) -> str:
    return state.client_secrets[client]


def document_of(state: SampleState, client: str, index: int) -> str:
    """The credentials document a secret version holds, rebuilt from the state's own fields."""
    client_id = res(state, index - 2)["outputs"]["clientId"]
    return json.dumps({"client_id": client_id, "client_secret": secret_of(state, client)})


def set_at(index: int, section: str, key: str, value: Callable[[SampleState], object]) -> Mutation:
    def mutate(state: SampleState) -> None:
        res(state, index)[section][key] = value(state)

    return mutate


def revealed(state: SampleState) -> None:
    res(state, 6)["outputs"]["clientSecret"] = {
        SECRET_SIG_KEY: SECRET_SIG,
        "plaintext": json.dumps(secret_of(state, "ivr-integration")),
    }


def provider(kind: str, url: str | None) -> Mutation:
    def mutate(state: SampleState) -> None:
        latest = state.document["checkpoint"]["latest"]
        latest["secrets_providers"] = {"type": kind, "state": {"url": url} if url else {}}

    return mutate


def no_provider(state: SampleState) -> None:
    del state.document["checkpoint"]["latest"]["secrets_providers"]


def echo_in_tag(state: SampleState) -> None:
    res(state, 7)["inputs"]["tags"]["rotation-note"] = secret_of(state, "ivr-integration")


def echo_in_description(state: SampleState) -> None:
    secret = secret_of(state, "agent-desktop")
    res(state, 10)["inputs"]["description"] = f"Agent desktop SSO (secret {secret})"


def clear_and_echoed(state: SampleState) -> None:
    secret = secret_of(state, "wfm-sync")
    res(state, 14)["outputs"]["clientSecret"] = secret
    res(state, 15)["outputs"]["description"] = f"for wfm-sync, secret {secret}"


def plaintext_deployer_secret(state: SampleState) -> None:
    added = explicit_genesys_provider(state, secret="deployer-client-secret-value")
    added["inputs"]["oauthclientSecret"] = "deployer-client-secret-value"


def extra_client_output(state: SampleState) -> None:
    clients = res(state, 0)["outputs"]["clients"]
    clients["agent-desktop"]["client_secret"] = secret_of(state, "agent-desktop")


def component_extra_output(state: SampleState) -> None:
    res(state, 5)["outputs"]["client_secret"] = secret_of(state, "ivr-integration")


def pending_operation(state: SampleState) -> None:
    interrupted = json.loads(json.dumps(res(state, 6)))
    interrupted["outputs"]["clientSecret"] = secret_of(state, "ivr-integration")
    state.document["checkpoint"]["latest"]["pending_operations"] = [
        {"resource": interrupted, "type": "updating"}
    ]


def no_ciphertext(state: SampleState) -> None:
    del res(state, 12)["outputs"]["secretString"]["ciphertext"]


CORPUS = {
    "clientSecret-plaintext-in-outputs": Leak(
        set_at(6, "outputs", "clientSecret", lambda s: secret_of(s, "ivr-integration")),
        f"{LATEST}.resources[6].outputs.clientSecret",
        "plaintext-secret",
    ),
    "clientSecret-plaintext-in-inputs": Leak(
        set_at(10, "inputs", "clientSecret", lambda s: secret_of(s, "agent-desktop")),
        f"{LATEST}.resources[10].inputs.clientSecret",
        "plaintext-secret",
    ),
    "secretString-unwrapped-in-outputs": Leak(
        set_at(16, "outputs", "secretString", lambda s: document_of(s, "wfm-sync", 16)),
        f"{LATEST}.resources[16].outputs.secretString",
        "plaintext-secret",
    ),
    "secretString-unwrapped-in-inputs": Leak(
        set_at(8, "inputs", "secretString", lambda s: document_of(s, "ivr-integration", 8)),
        f"{LATEST}.resources[8].inputs.secretString",
        "plaintext-secret",
    ),
    "show-secrets-plaintext-envelope": Leak(
        revealed, f"{LATEST}.resources[6].outputs.clientSecret", "revealed-secret"
    ),
    "passphrase-secrets-provider": Leak(
        provider("passphrase", None), f"{LATEST}.secrets_providers", "secrets-provider"
    ),
    "gcpkms-secrets-provider": Leak(
        provider("cloud", "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k"),
        f"{LATEST}.secrets_providers",
        "secrets-provider",
    ),
    "no-secrets-provider": Leak(no_provider, f"{LATEST}.secrets_providers", "secrets-provider"),
    "empty-secrets-provider": Leak(
        provider("", None), f"{LATEST}.secrets_providers", "secrets-provider"
    ),
    "extra-stack-output": Leak(
        set_at(0, "outputs", "ivrClientSecret", lambda s: secret_of(s, "ivr-integration")),
        f"{LATEST}.resources[0].outputs.ivrClientSecret",
        "stack-output",
    ),
    "extra-field-in-a-client-output": Leak(
        extra_client_output,
        f"{LATEST}.resources[0].outputs.clients['agent-desktop'].client_secret",
        "stack-output",
    ),
    "secret-exported-as-secret_arn": Leak(
        lambda s: res(s, 0)["outputs"]["clients"]["wfm-sync"].update(
            secret_arn=secret_of(s, "wfm-sync")
        ),
        f"{LATEST}.resources[0].outputs.clients['wfm-sync'].secret_arn",
        "stack-output",
    ),
    "component-registers-the-secret": Leak(
        component_extra_output,
        f"{LATEST}.resources[5].outputs.client_secret",
        "component-output",
    ),
    "secret-echoed-in-a-tag": Leak(
        echo_in_tag, f"{LATEST}.resources[7].inputs.tags['rotation-note']", "known-secret", True
    ),
    "secret-echoed-in-a-description": Leak(
        echo_in_description, f"{LATEST}.resources[10].inputs.description", "known-secret", True
    ),
    "clear-secret-echoed-elsewhere-found-without-known-file": Leak(
        clear_and_echoed, f"{LATEST}.resources[15].outputs.description", "known-secret"
    ),
    "explicit-provider-plaintext-oauthclientSecret": Leak(
        plaintext_deployer_secret,
        f"{LATEST}.resources[3].inputs.oauthclientSecret",
        "plaintext-secret",
    ),
    "pending-operation-with-clear-secret": Leak(
        pending_operation,
        f"{LATEST}.pending_operations[0].resource.outputs.clientSecret",
        "plaintext-secret",
    ),
    "envelope-without-ciphertext": Leak(
        no_ciphertext, f"{LATEST}.resources[12].outputs.secretString", "malformed-secret"
    ),
    "gzip-state-with-clear-clientSecret": Leak(
        set_at(14, "outputs", "clientSecret", lambda s: secret_of(s, "wfm-sync")),
        f"{LATEST}.resources[14].outputs.clientSecret",
        "plaintext-secret",
        gzip=True,
    ),
    "stack-export-with-clear-clientSecret": Leak(
        set_at(6, "outputs", "clientSecret", lambda s: secret_of(s, "ivr-integration")),
        "$.deployment.resources[6].outputs.clientSecret",
        "plaintext-secret",
        export=True,
    ),
}


def known_from(state: SampleState) -> KnownSecrets:
    known = KnownSecrets()
    for secret in state.client_secrets.values():
        known.add(secret, "a secret from --known-secret-file")
    return known


@pytest.mark.parametrize("leak", CORPUS.values(), ids=CORPUS.keys())
def test_each_seeded_leak_is_caught_at_its_path(tmp_path: Path, leak: Leak) -> None:
    state = build_state(export=leak.export)
    leak.mutate(state)
    path = tmp_path / ("state.json.gz" if leak.gzip else "state.json")
    path.write_bytes(state.to_bytes(compress=leak.gzip))

    report = audit(local_source(path, 512 * MIB), known_from(state) if leak.known else None)

    found = {finding.path: finding.rule for finding in report.findings}
    assert found.get(leak.path) == leak.rule, f"findings: {found}"
    rendered = report.to_text() + json.dumps(report.to_json())
    for secret in [*state.client_secrets.values(), "deployer-client-secret-value"]:
        assert secret not in rendered


def test_the_corpus_is_large_enough_and_each_row_is_a_real_mutation() -> None:
    assert len(CORPUS) >= 12
    for name, leak in CORPUS.items():
        state = build_state(export=leak.export)
        honest = state.to_bytes()
        leak.mutate(state)
        assert state.to_bytes() != honest, name


def test_the_cli_fails_each_leak_with_exit_1_and_the_path(tmp_path: Path, run_cli: RunCli) -> None:
    state = build_state()
    CORPUS["secret-echoed-in-a-tag"].mutate(state)
    path = tmp_path / "state.json"
    path.write_bytes(state.to_bytes())
    known = tmp_path / "known.txt"
    known.write_text("\n".join(state.client_secrets.values()) + "\n")

    without = run_cli("audit", str(path))
    result = run_cli("audit", str(path), "--known-secret-file", str(known), "--json")

    assert without.code == 0
    assert result.code == 1
    report = json.loads(result.out)
    assert [f["path"] for f in report["findings"]] == [
        f"{LATEST}.resources[7].inputs.tags['rotation-note']"
    ]
    assert all(secret not in result.out + result.err for secret in state.client_secrets.values())
