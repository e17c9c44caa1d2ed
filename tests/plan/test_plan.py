"""The offline plan shows what `pulumi up` would register for the shipped config, and no secret."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.config import ConfigError, parse_stack_config
from genesys_oauth_secrets.plan.cli import main, make_plan
from genesys_oauth_secrets.plan.client_inputs import client_input_lines
from genesys_oauth_secrets.plan.engine import MAIN, PROJECT, ProgramRun, ProviderMocks, start_engine
from genesys_oauth_secrets.plan.planned_resource import PlannedResource
from genesys_oauth_secrets.plan.report import build_plan
from genesys_oauth_secrets.plan.stack_config import load_config
from tests.conftest import RunProgram

REPO = MAIN.parent
COMPONENT = "genesys-oauth-secrets:index:OAuthClientSecret"
PER_CLIENT = [
    "genesyscloud:index/oauthClient:OauthClient",
    "aws:secretsmanager/secret:Secret",
    "aws:secretsmanager/secretVersion:SecretVersion",
    "pulumi-python:dynamic/rotation:SecretIssueStamp",
]
STACK_LEVEL = ["aws:kms/key:Key", "aws:kms/alias:Alias"]

ADOPTED_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
READER = "arn:aws:iam::210987654321:role/app-reader"
REPLICA_KEY = "arn:aws:kms:eu-west-1:123456789012:key/0b7f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4"


def is_provider(resource: PlannedResource) -> bool:
    return resource.type.startswith("pulumi:providers:")


def shipped_clients() -> list[str]:
    stack = yaml.safe_load((REPO / "Pulumi.prod.yaml").read_text())
    return [client["name"] for client in stack["config"][f"{PROJECT}:clients"]]


def project_with(tmp_path: Path, stack_config: dict[str, Any], stack: str = "test") -> Path:
    """A project directory holding the real Pulumi.yaml and a stack file with this config."""
    shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": stack_config}))
    return tmp_path


def shipped_config() -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load((REPO / "Pulumi.prod.yaml").read_text())["config"]
    return config


def test_the_plan_of_the_shipped_config_lists_four_resources_per_client_plus_the_stacks_own() -> (
    None
):
    plan = make_plan("prod")

    stack = [r for r in plan.resources if r.parent is None]
    assert [r.type for r in stack] == ["pulumi:pulumi:Stack"]
    components = [r for r in plan.resources if r.type == COMPONENT]
    assert sorted(c.name for c in components) == sorted(shipped_clients())
    for component in components:
        children = [r for r in plan.resources if r.parent == component.urn]
        assert sorted(r.type for r in children) == sorted(PER_CLIENT)
        assert all(r.custom for r in children)
    at_stack_level = [
        r for r in plan.resources if r.parent == stack[0].urn and r.custom and not is_provider(r)
    ]
    assert sorted(r.type for r in at_stack_level) == sorted(STACK_LEVEL)
    managed = [r for r in plan.resources if r.custom and not is_provider(r)]
    assert len(managed) == len(PER_CLIENT) * len(components) + 2


def test_the_plan_names_the_secret_inputs_and_outputs_of_each_resource() -> None:
    plan = make_plan("prod")

    for client in shipped_clients():
        version = next(r for r in plan.resources if r.name == f"{client}-secret-version")
        oauth = next(r for r in plan.resources if r.name == f"{client}-oauth-client")
        assert version.secret_inputs == ("secretString",)
        assert version.inputs["secretString"] == "[secret]"
        assert "clientSecret" in oauth.secret_outputs
    text = plan.to_text()
    assert text.count("secret inputs: secretString") == len(shipped_clients())
    assert text.count("secret outputs: clientSecret") == len(shipped_clients())


def test_the_plan_marks_what_the_engine_would_refuse_to_delete() -> None:
    plan = make_plan("prod")

    protected = sorted(r.name for r in plan.resources if r.protect)
    text = plan.to_text()
    assert "secrets-key" in protected, "the shipped config protects the stack's key"
    assert all(f"  {name}  [protected]" in text for name in protected)
    assert text.count("[protected]") == len(protected)


def test_every_provider_computed_value_is_a_visible_placeholder() -> None:
    plan = make_plan("prod")

    assert plan.outputs == {
        "clients": {
            name: {
                "client_id": f"<computed: {name}-oauth-client.clientId>",
                "secret_arn": f"<computed: {name}-secret.arn>",
            }
            for name in shipped_clients()
        }
    }


def test_providers_and_the_package_registration_are_listed() -> None:
    plan = make_plan("prod")

    [package] = plan.packages
    assert (package.name, package.version) == ("genesyscloud", "1.84.1")
    assert (package.base_plugin, package.base_plugin_version) == ("terraform-provider", "1.1.3")
    assert package.parameter == {
        "remote": {"url": "registry.opentofu.org/mypurecloud/genesyscloud", "version": "1.84.1"}
    }
    by_package = {provider.package: provider for provider in plan.providers}
    assert by_package["genesyscloud"].version == "1.84.1"
    assert by_package["genesyscloud"].resources == len(shipped_clients())
    assert by_package["aws"].resources == 2 * len(shipped_clients()) + 2
    assert by_package["aws"].explicit is None


def test_the_explicit_genesys_provider_is_shown_with_the_clients_that_use_it() -> None:
    plan = make_plan("prod")

    [explicit] = [p for p in plan.providers if p.explicit]
    clients = [r for r in plan.resources if r.type == PER_CLIENT[0]]
    assert all(client.provider == explicit.explicit for client in clients)
    assert [r.type for r in plan.resources if r.urn == explicit.explicit] == [
        "pulumi:providers:genesyscloud"
    ]
    assert "genesyscloud 1.84.1: explicit provider 'genesyscloud', 2 resource(s)" in plan.to_text()


def run_with_marker(marker: str) -> ProgramRun:
    run = start_engine(ProviderMocks(marker), preview=True)
    run.evaluate(load_config(REPO, PROJECT, "prod"))
    return run


def test_no_secret_value_reaches_the_plan_even_when_the_provider_returns_one(
    marker: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run = run_with_marker(marker)
    envelopes = [
        r.inputs["secretString"]["value"]
        for r in run.registrations
        if r.custom and "secretString" in r.inputs
    ]
    assert envelopes, "the shipped config has clients"
    assert all(marker in value for value in envelopes), "the marker reaches the secret version"

    plan = build_plan(run, project=PROJECT)
    assert marker not in plan.to_text()
    assert marker not in json.dumps(plan.to_json())
    for argv in ([], ["--json"]):
        assert main(argv, provider_mocks=ProviderMocks(marker)) == 0
        printed = capsys.readouterr()
        assert marker not in printed.out + printed.err
        assert "[secret]" in printed.out or "secret inputs: secretString" in printed.out


def test_a_broken_config_exits_1_with_the_message_pulumi_up_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = shipped_config()
    config[f"{PROJECT}:clients"][0]["grantType"] = "CLIENT_CREDENTIALS"
    del config[f"{PROJECT}:genesysRegion"]
    prefix = f"{PROJECT}:"
    raw = {k.removeprefix(prefix): v for k, v in config.items() if k.startswith(prefix)}
    with pytest.raises(ConfigError) as expected:
        parse_stack_config(raw)

    code = main(["--stack", "test"], project_dir=project_with(tmp_path, config))

    printed = capsys.readouterr()
    assert code == 1
    assert printed.err == f"error: {expected.value}\n"
    assert printed.out == ""


def test_a_broken_config_under_json_is_one_document_with_the_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = shipped_config()
    config[f"{PROJECT}:clients"] = []

    code = main(["--stack", "test", "--json"], project_dir=project_with(tmp_path, config))

    document = json.loads(capsys.readouterr().out)
    assert code == 1
    assert document["ok"] is False
    assert "genesys-oauth-secrets:clients: is empty" in document["error"]


def test_the_json_plan_carries_the_same_facts_as_the_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--json"]) == 0

    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is True
    assert document["stack"] == "prod"
    versions = [r for r in document["resources"] if r["type"] == PER_CLIENT[2]]
    assert [r["secretInputs"] for r in versions] == [["secretString"]] * len(shipped_clients())


def test_the_program_warnings_are_shown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = shipped_config()
    config[f"{PROJECT}:clients"][1]["recoveryWindowInDays"] = 0

    project = project_with(tmp_path, config)

    # The guardrails refuse this config too (tests/offline_plan/test_guardrails.py); without
    # checks the plan is clean, so the warning is the only thing that flags it.
    assert main(["--stack", "test"], project_dir=project, guardrails=None) == 0

    assert "warning: client agent-desktop: recoveryWindowInDays is 0" in capsys.readouterr().out


def test_the_module_runs_as_documented() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "genesys_oauth_secrets", "plan", "--stack", "prod"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Offline plan of genesys-oauth-secrets, stack prod:")


def test_help_shows_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])

    assert exited.value.code == 0
    assert "(default: prod)" in " ".join(capsys.readouterr().out.split())


def test_the_text_plan_shows_each_clients_key_inputs_and_no_secret(
    marker: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([], provider_mocks=ProviderMocks(marker), guardrails=None) == 0

    out = capsys.readouterr().out
    assert "    OAuth client ivr-integration-oauth-client (current, protected)\n" in out
    assert "      grant: CLIENT-CREDENTIALS\n" in out
    assert "      roles: 5f0c2e1a-8d3b-4c7e-9a61-2b4d6f8e0a13 (all divisions)\n" in out
    assert "      scopes: users:readonly\n" in out
    assert "      redirect URIs: https://desktop.example.com/callback\n" in out
    assert "    secret genesys/oauth/prod/agent-desktop (protected)\n" in out
    assert "      recovery window: 30 days\n" in out
    assert marker not in out


def test_the_client_lines_show_adoption_replicas_and_readers(
    engine: RunProgram, prod_config: dict[str, Any], marker: str
) -> None:
    config = copy.deepcopy(prod_config)
    config["replicaRegions"] = [{"region": "eu-west-1", "kmsKeyId": REPLICA_KEY}]
    config["clients"][0]["adopt"] = {"clientId": ADOPTED_ID}

    lines = list(client_input_lines(build_plan(engine(config), project=PROJECT).resources))
    config["replicaRegions"] = [{"region": "us-west-2"}]
    config["clients"][0]["readers"] = [READER]
    lines += client_input_lines(build_plan(engine(config), project=PROJECT).resources)

    adopted = (
        f"    OAuth client ivr-integration-oauth-client (current, adopted: imports {ADOPTED_ID},"
    )
    assert any(line.startswith(adopted) for line in lines)
    assert lines.count(f"      replica: eu-west-1 (key: {REPLICA_KEY})") == len(config["clients"])
    assert sum(line.startswith("      replica: us-west-2 (key: ") for line in lines) == len(
        config["clients"]
    )
    assert lines.count(f"      readers: {READER} (public policies blocked)") == 1
    assert not any("adopted" in line for line in lines if "agent-desktop" in line)
    assert marker not in "\n".join(lines)
