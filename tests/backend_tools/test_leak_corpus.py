"""The leak corpus: one mutation of an honest checkpoint per row, the finding's JSON path beside it.

Each row starts from the realistic three-client state (shaped like ``pulumi/pulumi``
``pkg/resource/stack/testdata/checkpoint-*.json``: ``version``, ``checkpoint.latest`` with
``manifest``, ``secrets_providers``, ``resources``), applies one mistake a real program, operator
or attacker could make, and expects the audit to fail with that exact path and rule. Rows with
``render`` write text a dict cannot hold (a repeated key); rows with ``ambiguous`` also expect the
key Pulumi reads otherwise than it looks to be reported. ``UNREADABLE`` lists files that are not a
checkpoint Pulumi can load: exit 2, one line, never OK. Rows marked
``known`` model a post-incident check: the secret is supplied with --known-secret-file, because
a secret copied into a tag cannot be recognised otherwise. Every row also proves the report
never repeats the secret.

A row names the resource it mutates (``IVR.client``: the ivr-integration OAuth client), whose
position ``tests.backend_tools.sample_positions`` looks up by type and name, never a bare index.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from genesys_oauth_secrets.audit.checkpoint import MIB, local_source
from genesys_oauth_secrets.audit.scan import (
    OAUTH_CLIENT_TYPE,
    SECRET_SIG,
    SECRET_SIG_KEY,
    KnownSecrets,
    audit,
)
from genesys_oauth_secrets.demo.sample_state import (
    SampleState,
    build_state,
    explicit_genesys_provider,
)
from tests.backend_tools.conftest import RunCli
from tests.backend_tools.sample_positions import (
    AGENT,
    APPENDED,
    DEPLOYER_PROVIDER,
    IVR,
    STACK_RESOURCE,
    WFM,
)
from tests.support.text_files import (
    powershell_redirect,
    utf8,
    utf8_crlf,
    utf8_with_bom,
    utf16_be_with_bom,
)

LATEST = "$.checkpoint.latest"
Mutation = Callable[[SampleState], None]
Render = Callable[[SampleState], bytes]


@dataclass(frozen=True)
class Leak:
    """One seeded mistake and where the audit must point."""

    mutate: Mutation
    path: str
    rule: str
    known: bool = False
    export: bool = False
    gzip: bool = False
    render: Render | None = None
    ambiguous: str | None = None


def res(state: SampleState, index: int) -> dict[str, Any]:
    resource: dict[str, Any] = state.resources[index]
    return resource


def secret_of(state: SampleState, client: str) -> str:
    return state.client_secrets[client]


def document_of(state: SampleState, client: str) -> str:
    """The credentials document a secret version holds, rebuilt from the state's own fields."""
    client_id = state.resource(OAUTH_CLIENT_TYPE, f"{client}-oauth-client")["outputs"]["clientId"]
    return json.dumps({"client_id": client_id, "client_secret": secret_of(state, client)})


def set_at(index: int, section: str, key: str, value: Callable[[SampleState], object]) -> Mutation:
    def mutate(state: SampleState) -> None:
        res(state, index)[section][key] = value(state)

    return mutate


def revealed(state: SampleState) -> None:
    res(state, IVR.client)["outputs"]["clientSecret"] = {
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
    res(state, IVR.secret)["inputs"]["tags"]["rotation-note"] = secret_of(state, "ivr-integration")


def echo_in_description(state: SampleState) -> None:
    secret = secret_of(state, "agent-desktop")
    res(state, AGENT.client)["inputs"]["description"] = f"Agent desktop SSO (secret {secret})"


def clear_and_echoed(state: SampleState) -> None:
    secret = secret_of(state, "wfm-sync")
    res(state, WFM.client)["outputs"]["clientSecret"] = secret
    res(state, WFM.secret)["outputs"]["description"] = f"for wfm-sync, secret {secret}"


def plaintext_deployer_secret(state: SampleState) -> None:
    added = explicit_genesys_provider(state, secret="deployer-client-secret-value")
    added["inputs"]["oauthclientSecret"] = "deployer-client-secret-value"


def extra_client_output(state: SampleState) -> None:
    clients = res(state, STACK_RESOURCE)["outputs"]["clients"]
    clients["agent-desktop"]["client_secret"] = secret_of(state, "agent-desktop")


def component_extra_output(state: SampleState) -> None:
    res(state, IVR.component)["outputs"]["client_secret"] = secret_of(state, "ivr-integration")


def pending_operation(state: SampleState) -> None:
    interrupted = json.loads(json.dumps(res(state, IVR.client)))
    interrupted["outputs"]["clientSecret"] = secret_of(state, "ivr-integration")
    state.document["checkpoint"]["latest"]["pending_operations"] = [
        {"resource": interrupted, "type": "updating"}
    ]


def no_ciphertext(state: SampleState) -> None:
    del res(state, AGENT.version)["outputs"]["secretString"]["ciphertext"]


def envelope_with_extra_field(state: SampleState) -> None:
    """A valid ciphertext envelope that also carries the plaintext under a key Pulumi ignores."""
    res(state, AGENT.version)["outputs"]["secretString"]["value"] = secret_of(
        state, "ivr-integration"
    )


def clear_client_secret(state: SampleState, index: int = IVR.client) -> None:
    res(state, index)["outputs"]["clientSecret"] = secret_of(state, "ivr-integration")


def rename(container: dict[str, Any], old: str, new: str) -> None:
    """Rename a key in place, keeping its position (as an editor or a script would)."""
    items = [(new if key == old else key, value) for key, value in container.items()]
    container.clear()
    container.update(items)


def case_variant(where: Callable[[SampleState], dict[str, Any]], old: str, new: str) -> Mutation:
    def mutate(state: SampleState) -> None:
        clear_client_secret(state)
        rename(where(state), old, new)

    return mutate


def latest_of(state: SampleState) -> dict[str, Any]:
    latest: dict[str, Any] = state.document["checkpoint"]["latest"]
    return latest


def clean_then_leaky(second_key: str) -> Render:
    """``"latest": <honest>`` followed by ``"<second_key>": <same with a clear secret>``."""

    def render(state: SampleState) -> bytes:
        honest = json.dumps(latest_of(state), indent=4)
        clear_client_secret(state)
        leaky = json.dumps(latest_of(state), indent=4)
        stack = json.dumps(state.document["checkpoint"]["stack"])
        return (
            f'{{"version": 3, "checkpoint": {{"stack": {stack}, "latest": {honest}, '
            f'"{second_key}": {leaky}}}}}'
        ).encode()

    return render


def repeated_property(state: SampleState) -> bytes:
    """``"clientSecret": "<clear>", "clientSecret": <envelope>``: Go keeps the envelope."""
    outputs = res(state, IVR.client)["outputs"]
    envelope = json.dumps(outputs["clientSecret"])
    outputs["clientSecret"] = "REPLACED-BELOW"
    clear = json.dumps(secret_of(state, "ivr-integration"))
    return (
        json.dumps(state.document, indent=4)
        .replace(
            '"clientSecret": "REPLACED-BELOW"',
            f'"clientSecret": {clear}, "clientSecret": {envelope}',
        )
        .encode()
    )


def random_password(state: SampleState) -> None:
    """A resource of any other type that declares its output secret, stored in clear anyway."""
    urn = "urn:pulumi:prod::genesys-oauth-secrets::random:index/randomPassword:RandomPassword::pw"
    state.resources.append(
        {
            "urn": urn,
            "custom": True,
            "id": "none",
            "type": "random:index/randomPassword:RandomPassword",
            "inputs": {"length": 32, "special": True},
            "outputs": {"id": "none", "length": 32, "result": "Zq8!vT2#pL9@wX4$mN7&kR1*"},
            "additionalSecretOutputs": ["result"],
        }
    )


def secret_policy_in_clear(state: SampleState) -> None:
    secret = res(state, IVR.secret)
    secret["additionalSecretOutputs"] = ["policy"]
    secret["outputs"]["policy"] = '{"Version": "2012-10-17", "Statement": []}'


def decoy_provider(holder: Callable[[SampleState], dict[str, Any]]) -> Mutation:
    def mutate(state: SampleState) -> None:
        provider = latest_of(state).pop("secrets_providers")
        holder(state)["secrets_providers"] = provider

    return mutate


def long_s_resources(state: SampleState) -> None:
    clear_client_secret(state)
    rename(latest_of(state), "resources", "re\u017fources")


def deep_secret(state: SampleState) -> bytes:
    """A known secret 1,000 levels down a tag value: Go reads it, so must the audit.

    Written as text: Python's own json module cannot nest that deep.
    """
    res(state, AGENT.secret)["inputs"]["tags"]["history"] = "NESTED-BELOW"
    nested = "[" * 1000 + json.dumps(secret_of(state, "agent-desktop")) + "]" * 1000
    return json.dumps(state.document).replace('"NESTED-BELOW"', nested).encode()


CORPUS = {
    "clientSecret-plaintext-in-outputs": Leak(
        set_at(IVR.client, "outputs", "clientSecret", lambda s: secret_of(s, "ivr-integration")),
        f"{LATEST}.resources[{IVR.client}].outputs.clientSecret",
        "plaintext-secret",
    ),
    "clientSecret-plaintext-in-inputs": Leak(
        set_at(AGENT.client, "inputs", "clientSecret", lambda s: secret_of(s, "agent-desktop")),
        f"{LATEST}.resources[{AGENT.client}].inputs.clientSecret",
        "plaintext-secret",
    ),
    "secretString-unwrapped-in-outputs": Leak(
        set_at(WFM.version, "outputs", "secretString", lambda s: document_of(s, "wfm-sync")),
        f"{LATEST}.resources[{WFM.version}].outputs.secretString",
        "plaintext-secret",
    ),
    "secretString-unwrapped-in-inputs": Leak(
        set_at(IVR.version, "inputs", "secretString", lambda s: document_of(s, "ivr-integration")),
        f"{LATEST}.resources[{IVR.version}].inputs.secretString",
        "plaintext-secret",
    ),
    "show-secrets-plaintext-envelope": Leak(
        revealed, f"{LATEST}.resources[{IVR.client}].outputs.clientSecret", "revealed-secret"
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
        set_at(
            STACK_RESOURCE, "outputs", "ivrClientSecret", lambda s: secret_of(s, "ivr-integration")
        ),
        f"{LATEST}.resources[{STACK_RESOURCE}].outputs.ivrClientSecret",
        "stack-output",
    ),
    "extra-field-in-a-client-output": Leak(
        extra_client_output,
        f"{LATEST}.resources[{STACK_RESOURCE}].outputs.clients['agent-desktop'].client_secret",
        "stack-output",
    ),
    "secret-exported-as-secret_arn": Leak(
        lambda s: res(s, STACK_RESOURCE)["outputs"]["clients"]["wfm-sync"].update(
            secret_arn=secret_of(s, "wfm-sync")
        ),
        f"{LATEST}.resources[{STACK_RESOURCE}].outputs.clients['wfm-sync'].secret_arn",
        "stack-output",
    ),
    "component-registers-the-secret": Leak(
        component_extra_output,
        f"{LATEST}.resources[{IVR.component}].outputs.client_secret",
        "component-output",
    ),
    "secret-echoed-in-a-tag": Leak(
        echo_in_tag,
        f"{LATEST}.resources[{IVR.secret}].inputs.tags['rotation-note']",
        "known-secret",
        True,
    ),
    "secret-echoed-in-a-description": Leak(
        echo_in_description,
        f"{LATEST}.resources[{AGENT.client}].inputs.description",
        "known-secret",
        True,
    ),
    "clear-secret-echoed-elsewhere-found-without-known-file": Leak(
        clear_and_echoed, f"{LATEST}.resources[{WFM.secret}].outputs.description", "known-secret"
    ),
    "explicit-provider-plaintext-oauthclientSecret": Leak(
        plaintext_deployer_secret,
        f"{LATEST}.resources[{DEPLOYER_PROVIDER}].inputs.oauthclientSecret",
        "plaintext-secret",
    ),
    "pending-operation-with-clear-secret": Leak(
        pending_operation,
        f"{LATEST}.pending_operations[0].resource.outputs.clientSecret",
        "plaintext-secret",
    ),
    "envelope-without-ciphertext": Leak(
        no_ciphertext,
        f"{LATEST}.resources[{AGENT.version}].outputs.secretString",
        "malformed-secret",
    ),
    "envelope-with-extra-field-beside-ciphertext": Leak(
        envelope_with_extra_field,
        f"{LATEST}.resources[{AGENT.version}].outputs.secretString",
        "envelope-extra-field",
    ),
    "gzip-state-with-clear-clientSecret": Leak(
        set_at(WFM.client, "outputs", "clientSecret", lambda s: secret_of(s, "wfm-sync")),
        f"{LATEST}.resources[{WFM.client}].outputs.clientSecret",
        "plaintext-secret",
        gzip=True,
    ),
    "stack-export-with-clear-clientSecret": Leak(
        set_at(IVR.client, "outputs", "clientSecret", lambda s: secret_of(s, "ivr-integration")),
        f"$.deployment.resources[{IVR.client}].outputs.clientSecret",
        "plaintext-secret",
        export=True,
    ),
    "Latest-case-variant-with-clear-clientSecret": Leak(
        case_variant(lambda s: s.document["checkpoint"], "latest", "Latest"),
        f"$.checkpoint.Latest.resources[{IVR.client}].outputs.clientSecret",
        "plaintext-secret",
        ambiguous="$.checkpoint.Latest",
    ),
    "Resources-case-variant-with-clear-clientSecret": Leak(
        case_variant(latest_of, "resources", "Resources"),
        f"{LATEST}.Resources[{IVR.client}].outputs.clientSecret",
        "plaintext-secret",
        ambiguous=f"{LATEST}.Resources",
    ),
    "Type-case-variant-on-the-oauth-client": Leak(
        case_variant(lambda s: res(s, IVR.client), "type", "Type"),
        f"{LATEST}.resources[{IVR.client}].outputs.clientSecret",
        "plaintext-secret",
        ambiguous=f"{LATEST}.resources[{IVR.client}].Type",
    ),
    "Outputs-case-variant-with-clear-clientSecret": Leak(
        case_variant(lambda s: res(s, IVR.client), "outputs", "Outputs"),
        f"{LATEST}.resources[{IVR.client}].Outputs.clientSecret",
        "plaintext-secret",
        ambiguous=f"{LATEST}.resources[{IVR.client}].Outputs",
    ),
    "long-s-spelling-of-resources": Leak(
        long_s_resources,
        f"{LATEST}['re\\u017fources'][{IVR.client}].outputs.clientSecret",
        "plaintext-secret",
        ambiguous=f"{LATEST}['re\\u017fources']",
    ),
    "clean-latest-then-leaky-Latest": Leak(
        lambda s: None,
        f"$.checkpoint.Latest.resources[{IVR.client}].outputs.clientSecret",
        "plaintext-secret",
        render=clean_then_leaky("Latest"),
        ambiguous="$.checkpoint.Latest",
    ),
    "clean-latest-then-leaky-latest-repeated": Leak(
        lambda s: None,
        f"{LATEST}.resources[{IVR.client}].outputs.clientSecret",
        "plaintext-secret",
        render=clean_then_leaky("latest"),
    ),
    "repeated-property-hides-a-clear-secret": Leak(
        lambda s: None,
        f"{LATEST}.resources[{IVR.client}].outputs.clientSecret",
        "plaintext-secret",
        render=repeated_property,
    ),
    "additionalSecretOutputs-on-another-type": Leak(
        random_password, f"{LATEST}.resources[{APPENDED}].outputs.result", "plaintext-secret"
    ),
    "additionalSecretOutputs-on-a-secrets-manager-secret": Leak(
        secret_policy_in_clear,
        f"{LATEST}.resources[{IVR.secret}].outputs.policy",
        "plaintext-secret",
    ),
    "decoy-secrets_providers-at-the-top": Leak(
        decoy_provider(lambda s: s.document),
        f"{LATEST}.secrets_providers",
        "secrets-provider",
    ),
    "decoy-secrets_providers-beside-latest": Leak(
        decoy_provider(lambda s: s.document["checkpoint"]),
        f"{LATEST}.secrets_providers",
        "secrets-provider",
    ),
    "known-secret-1000-levels-deep": Leak(
        lambda s: None,
        f"{LATEST}.resources[{AGENT.secret}].inputs.tags.history" + "[0]" * 1000,
        "known-secret",
        known=True,
        render=deep_secret,
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
    path.write_bytes(leak.render(state) if leak.render else state.to_bytes(compress=leak.gzip))

    report = audit(local_source(path, 512 * MIB), known_from(state) if leak.known else None)

    found = {finding.path: finding.rule for finding in report.findings}
    assert found.get(leak.path) == leak.rule, f"findings: {found}"
    if leak.ambiguous:
        assert found.get(leak.ambiguous) == "ambiguous-key", f"findings: {found}"
    rendered = report.to_text() + json.dumps(report.to_json())
    for secret in [*state.client_secrets.values(), "deployer-client-secret-value"]:
        assert secret not in rendered


def test_the_corpus_is_large_enough_and_each_row_is_a_real_mutation() -> None:
    assert len(CORPUS) >= 12
    for name, leak in CORPUS.items():
        state = build_state(export=leak.export)
        honest = state.to_bytes()
        leak.mutate(state)
        assert (leak.render(state) if leak.render else state.to_bytes()) != honest, name


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
        f"{LATEST}.resources[{IVR.secret}].inputs.tags['rotation-note']"
    ]
    assert all(secret not in result.out + result.err for secret in state.client_secrets.values())


def write(name: str, content: Callable[[SampleState], bytes]) -> Callable[[Path], Path]:
    def make(directory: Path) -> Path:
        path = directory / name
        path.write_bytes(content(build_state()))
        return path

    return make


def fifo(directory: Path) -> Path:
    path = directory / "state.json"
    os.mkfifo(path)
    return path


def replace_resources(text: str) -> Callable[[SampleState], bytes]:
    """The honest state with its resource list replaced by ``text``."""

    def content(state: SampleState) -> bytes:
        latest_of(state)["resources"] = "RESOURCES"
        return json.dumps(state.document).replace('"RESOURCES"', text).encode()

    return content


UNREADABLE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "resources-as-object": (
        write("state.json", replace_resources('{"0": {"type": "x"}}')),
        "is an object, not a list",
    ),
    "list-in-list": (
        write("state.json", replace_resources('[[{"type": "x"}]]')),
        "is a list, not a resource object",
    ),
    "resource-not-an-object": (write("state.json", replace_resources('["x"]')), "not a resource"),
    "nesting-deeper-than-go-allows": (
        write(
            "state.json",
            replace_resources("[{" + '"outputs": [' * 1 + "[" * 20_000 + "]" * 20_000 + "]}]"),
        ),
        "nested deeper than 10,000 levels",
    ),
    "nan": (write("state.json", replace_resources('[{"outputs": {"x": NaN}}]')), "not valid JSON"),
    "trailing-garbage": (write("state.json", lambda s: s.to_bytes() + b"\n{}"), "[trailing-data]"),
    "dev-zero": (lambda _: Path("/dev/zero"), "a device, not a regular file"),
    "fifo": (fifo, "a FIFO (named pipe), not a regular file"),
    "directory": (lambda directory: directory, "a directory, not a regular file"),
}
"""Files the audit cannot prove anything about: exit 2 with one line (or one JSON document)."""


@pytest.mark.parametrize(("make", "reason"), UNREADABLE.values(), ids=UNREADABLE.keys())
def test_what_is_not_a_loadable_checkpoint_exits_2_in_one_line(
    tmp_path: Path, run_cli: RunCli, make: Callable[[Path], Path], reason: str
) -> None:
    path = make(tmp_path)

    plain = run_cli("audit", str(path))
    as_json = run_cli("audit", str(path), "--json")

    assert plain.code == as_json.code == 2
    assert plain.out == ""
    assert plain.err.count("\n") == 1
    assert plain.err.startswith("error: ")
    assert reason in plain.err
    report = json.loads(as_json.out)
    assert report["clean"] is False
    assert reason in report["error"]


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(utf8, id="utf-8"),
        pytest.param(utf8_with_bom, id="utf-8-bom-notepad"),
        pytest.param(utf8_crlf, id="crlf"),
        pytest.param(powershell_redirect, id="utf-16-le-bom-powershell"),
        pytest.param(utf16_be_with_bom, id="utf-16-be"),
    ],
)
def test_a_known_secret_file_from_any_windows_tool_still_matches(
    tmp_path: Path, run_cli: RunCli, encode: Callable[[str], bytes]
) -> None:
    state = build_state()
    CORPUS["secret-echoed-in-a-tag"].mutate(state)
    path = tmp_path / "state.json"
    path.write_bytes(state.to_bytes())
    known = tmp_path / "known.txt"
    known.write_bytes(encode("\n".join(state.client_secrets.values()) + "\n"))

    result = run_cli("audit", str(path), "--known-secret-file", str(known), "--json")

    assert result.code == 1
    assert [f["path"] for f in json.loads(result.out)["findings"]] == [
        f"{LATEST}.resources[{IVR.secret}].inputs.tags['rotation-note']"
    ]
