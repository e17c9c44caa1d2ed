"""The whole flow through the real entry point, and the embedded demo a newcomer runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from genesys_oauth_secrets.audit.checkpoint import stack_key
from genesys_oauth_secrets.cli import invoke_from_demo
from genesys_oauth_secrets.demo import walkthrough as embedded
from genesys_oauth_secrets.demo.sample_state import PROJECT, STACK, SampleState, build_state
from genesys_oauth_secrets.shared.aws import ENDPOINT_ENV, AwsClients
from genesys_oauth_secrets.shared.backend_baseline import TLS_STATEMENT_ID
from tests.backend_tools.conftest import REGION, RunCli

REPO = Path(__file__).resolve().parents[2]
BUCKET = "acme-genesys-oauth-secrets-state"


def run_help(command: list[str]) -> subprocess.CompletedProcess[str]:
    """``genesys-oauth-secrets <command> --help`` as a user runs it: a fresh interpreter."""
    return subprocess.run(  # noqa: S603 - the project's own interpreter and module
        [sys.executable, "-m", "genesys_oauth_secrets", *command, "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def drop_tls_statement(aws: AwsClients) -> None:
    """moto is plain HTTP and ignores policy conditions: under the TLS-only statement it refuses
    every object request (as S3 would refuse a plain-HTTP client), so the flow removes it."""
    policy = json.loads(aws.s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == [TLS_STATEMENT_ID]
    aws.s3.delete_bucket_policy(Bucket=BUCKET)


def test_bootstrap_then_a_realistic_state_in_the_bucket_audits_clean(
    aws: AwsClients, run_cli: RunCli, sample: SampleState
) -> None:
    boot = run_cli("bootstrap", "--bucket", BUCKET, "--region", REGION)
    drop_tls_statement(aws)
    aws.s3.put_object(Bucket=BUCKET, Key=stack_key(PROJECT, STACK), Body=sample.to_bytes())

    audited = run_cli("audit", "--bucket", BUCKET, "--project", PROJECT, "--stack", STACK)

    assert boot.code == 0
    assert audited.code == 0, audited.out
    assert (
        f"s3://{BUCKET}/{stack_key(PROJECT, STACK)} (diy-checkpoint): "
        f"{len(sample.resources)} resources" in audited.out
    )
    assert "OK: no plaintext secret found" in audited.out


def test_a_leaky_gzip_state_in_the_bucket_fails_the_audit(aws: AwsClients, run_cli: RunCli) -> None:
    run_cli("bootstrap", "--bucket", BUCKET, "--region", REGION)
    drop_tls_statement(aws)
    leaky = build_state(show_secrets=True)
    key = f"{stack_key(PROJECT, STACK)}.gz"
    aws.s3.put_object(Bucket=BUCKET, Key=key, Body=leaky.to_bytes(compress=True))

    audited = run_cli("audit", "--bucket", BUCKET, "--json")

    assert audited.code == 1
    report = json.loads(audited.out)
    assert report["source"] == f"s3://{BUCKET}/{key}"
    assert {f["rule"] for f in report["findings"]} == {"revealed-secret"}


def test_the_tls_only_policy_is_why_moto_refuses_object_requests(
    aws: AwsClients, run_cli: RunCli, sample: SampleState
) -> None:
    run_cli("bootstrap", "--bucket", BUCKET, "--region", REGION)
    aws.s3.delete_bucket_policy(Bucket=BUCKET)
    aws.s3.put_object(Bucket=BUCKET, Key=stack_key(PROJECT, STACK), Body=sample.to_bytes())
    run_cli("bootstrap", "--bucket", BUCKET, "--region", REGION, "--fix")

    refused = run_cli("audit", "--bucket", BUCKET)

    assert refused.code == 2
    assert "needs the IAM permission s3:GetObject" in refused.err


def test_commands_reach_the_endpoint_from_the_flag_alone(
    aws_endpoint: str, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENDPOINT_ENV)

    result = run_cli(
        "bootstrap", "--bucket", BUCKET, "--region", REGION, "--endpoint-url", aws_endpoint
    )

    assert result.code == 0
    assert f"export AWS_ENDPOINT_URL={aws_endpoint}" in result.out


@pytest.mark.parametrize("command", [[], ["bootstrap"], ["audit"], ["locks"], ["demo"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = run_help(command)

    assert result.returncode == 0
    assert result.stdout.startswith("usage: genesys-oauth-secrets")


@pytest.mark.usefixtures("aws_endpoint")
def test_the_demo_runs_the_whole_flow_on_its_own_emulator(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # moto's backends are per process, shared with the session's server: aws_endpoint resets
    # them. The demo pins its own environment; register every variable so it is restored.
    for name in (*embedded.FAKE_ENVIRONMENT, ENDPOINT_ENV):
        monkeypatch.setenv(name, os.environ.get(name, ""))
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    lines: list[str] = []

    code = embedded.run(port=0, keep_running=False, emit=lines.append, invoke=invoke_from_demo)

    printed = capsys.readouterr().out
    assert code == 0
    assert "demo complete: every step behaved as expected" in lines
    assert os.environ[ENDPOINT_ENV].startswith("http://127.0.0.1:")
    assert "no changes: everything was already as configured" in printed
    assert "OK: no plaintext secret found" in printed
    assert printed.count("deleted .pulumi/locks/organization/") == 1
    assert "[held by a live process here]" in printed
    assert "fixed      bucket policy denies requests without TLS" in printed
    assert "next:" not in printed, "bootstrap's next steps would point at a stopped emulator"
    assert "pulumi login" not in printed
    service_read = [line for line in lines if line.startswith("the credentials helper read")]
    assert len(service_read) == 1
    assert "got an access token: the service's successful read" in service_read[0]
    assert (
        "ivr-integration: generation 1 (overlap), current secret 0 day(s) old, max 90: ok"
        in printed
    )
    assert lines[-1] == (
        "the emulator has stopped; rerun with --keep-running to try the commands by hand"
    )


def test_the_demo_follow_up_lines_use_this_interpreter_and_the_running_emulator() -> None:
    lines = embedded.follow_up_lines("http://127.0.0.1:5123")

    assert f"  export {ENDPOINT_ENV}=http://127.0.0.1:5123" in lines
    script = Path(sys.executable).with_name("genesys-oauth-secrets")
    commands = [line.strip() for line in lines if "genesys-oauth-secrets " in line]
    assert commands
    assert all(command.startswith(f"{script} ") for command in commands)
    assert f"  cd {REPO}" in lines
    assert any(
        line.startswith("  pulumi login 's3://") and "127.0.0.1:5123" in line for line in lines
    )


@pytest.mark.parametrize(
    ("command", "default"),
    [
        (["audit"], "(default: prod)"),
        (["audit"], "(default: genesys-oauth-secrets)"),
        (["locks"], "(default: prod)"),
        (["bootstrap"], "(default: prod)"),
        (["bootstrap"], "(default: 90)"),
    ],
)
def test_help_shows_the_defaults(command: list[str], default: str) -> None:
    result = run_help(command)

    assert default in " ".join(result.stdout.split())
