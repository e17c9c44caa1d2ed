"""The age report against a real Secrets Manager API (moto on loopback) and real stack files.

Secrets are created in moto as ``pulumi up`` names them; the report's clock is moved forward
instead of waiting months. Exit codes: 0 all young enough, 1 one overdue (named with the config
line to bump), 2 the check could not be completed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import boto3
import pytest
import yaml
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from hypothesis import given, settings
from hypothesis import strategies as st

from components.issue_time import ISSUED_AT_TAG, parse_issued_at
from genesys_oauth_secrets.age.cli import COMMAND, main
from genesys_oauth_secrets.shared import aws
from genesys_oauth_secrets.shared.aws import AwsClients
from genesys_oauth_secrets.shared.command import command_parser
from tests.support.aws_errors import aws_error
from tests.support.hypothesis_profiles import FIXTURE_OK
from tests.support.stack_files import SEALED_SEED, adopt_first_client_from_config

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager.type_defs import TagTypeDef

REPO = Path(__file__).resolve().parents[2]
PROJECT = "genesys-oauth-secrets"


def stack_dir(tmp_path: Path, edit: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """A project directory holding the shipped Pulumi.yaml and Pulumi.prod.yaml, edited."""
    shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    document = yaml.safe_load((REPO / "Pulumi.prod.yaml").read_text())
    if edit is not None:
        edit(document["config"])
    (tmp_path / "Pulumi.prod.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return tmp_path


def rotate_ivr(config: dict[str, Any]) -> None:
    config[f"{PROJECT}:clients"][0]["rotation"] = {"generation": 2, "maxAgeDays": 30}


def issue_tag(issued: datetime) -> TagTypeDef:
    return {"Key": ISSUED_AT_TAG, "Value": issued.strftime("%Y-%m-%dT%H:%M:%SZ")}


def deploy_secrets(
    names: tuple[str, ...] = ("ivr-integration", "agent-desktop"),
    *,
    issued: datetime | None = None,
    stamped: bool = True,
) -> list[str]:
    """Create the clients' secrets as the program does; the version ids now AWSCURRENT.

    ``pulumi up`` tags each secret with its client secret's issue time (now, unless ``issued``
    says when); ``stamped=False`` is a stack deployed before the tag existed.
    """
    client = boto3.client("secretsmanager", region_name="us-east-1")
    tags = [issue_tag(issued or datetime.now(UTC))] if stamped else []
    return [
        client.create_secret(Name=f"genesys/oauth/prod/{name}", SecretString="{}", Tags=tags)[
            "VersionId"
        ]
        for name in names
    ]


def rewrite_document(name: str, document: str, *, issued: datetime | None = None) -> str:
    """What ``pulumi up`` does to the secret when the document changes: a new AWSCURRENT
    version, and (only when the client secret changed) a new issue tag."""
    client = boto3.client("secretsmanager", region_name="us-east-1")
    secret_id = f"genesys/oauth/prod/{name}"
    if issued is not None:
        client.tag_resource(SecretId=secret_id, Tags=[issue_tag(issued)])
    return client.put_secret_value(SecretId=secret_id, SecretString=document)["VersionId"]


def later(days: float) -> Callable[[], datetime]:
    return lambda: datetime.now(UTC) + timedelta(days=days)


def report(
    capsys: pytest.CaptureFixture[str], project: Path, *extra: str, days: float = 0
) -> tuple[int, str, str]:
    code = main(["--stack", "prod", "--dir", str(project), *extra], now=later(days))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_fresh_secrets_pass_with_one_line_per_client(
    aws_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_secrets()

    code, out, err = report(capsys, stack_dir(tmp_path, rotate_ivr))

    assert code == 0, err
    assert out.splitlines() == [
        "ivr-integration: generation 2 (overlap), current secret 0 day(s) old, max 30: ok",
        "agent-desktop: generation 1 (overlap), current secret 0 day(s) old, max 90: ok",
    ]


def test_a_secret_older_than_max_age_days_exits_1_naming_the_line_to_bump(
    aws_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_secrets()
    project = stack_dir(tmp_path, rotate_ivr)
    lines = (project / "Pulumi.prod.yaml").read_text().splitlines()
    generation_line = next(i for i, text in enumerate(lines, 1) if "generation: 2" in text)

    code, out, _ = report(capsys, project, days=31)

    assert code == 1
    ivr, desktop = out.splitlines()
    assert ivr.startswith("ivr-integration: generation 2 (overlap), current secret 31 day(s) old")
    assert (
        f"OVERDUE: set clients[0].rotation.generation to 3 (Pulumi.prod.yaml line "
        f"{generation_line}), then `pulumi preview` and `pulumi up`" in ivr
    )
    assert desktop.endswith("max 90: ok")


"""An encrypted config value as the Pulumi CLI writes it (ciphertext the report never opens)."""


def adopt_ivr_from_config(seeds: object) -> Callable[[dict[str, Any]], None]:
    """The ivr client adopted with its current secret from ``adoptedClientSecrets``."""
    return lambda config: adopt_first_client_from_config(config, PROJECT, seeds)


@pytest.mark.parametrize(
    "seeds",
    [
        pytest.param({"ivr-integration": SEALED_SEED}, id="set with --secret --path, per entry"),
        pytest.param(SEALED_SEED, id="set with --secret as one JSON map"),
    ],
)
def test_a_client_adopted_with_its_secret_from_config_is_measured_like_any_other(
    aws_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], seeds: object
) -> None:
    deploy_secrets()

    code, out, err = report(capsys, stack_dir(tmp_path, adopt_ivr_from_config(seeds)))

    assert code == 0, err
    assert out.splitlines() == [
        "ivr-integration: generation 1 (overlap), current secret 0 day(s) old, max 90: ok",
        "agent-desktop: generation 1 (overlap), current secret 0 day(s) old, max 90: ok",
    ]


def test_a_plaintext_adopted_secret_is_refused_as_pulumi_up_refuses_it(
    aws_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit = adopt_ivr_from_config({"ivr-integration": "plain-text-seed"})

    code, out, err = report(capsys, stack_dir(tmp_path, edit))

    assert code == 2
    assert "adoptedClientSecrets: must be set with pulumi config set --secret" in err
    assert "plain-text-seed" not in out + err


def test_a_client_without_a_rotation_block_is_pointed_at_its_first_line(
    aws_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_secrets()
    project = stack_dir(tmp_path)
    lines = (project / "Pulumi.prod.yaml").read_text().splitlines()
    client_line = next(i for i, text in enumerate(lines, 1) if "name: agent-desktop" in text)

    code, out, _ = report(capsys, project, days=91)

    assert code == 1
    desktop = out.splitlines()[1]
    assert (
        f"set clients[1].rotation.generation to 2 (Pulumi.prod.yaml line {client_line})" in desktop
    )


def test_json_reports_every_client_with_its_current_version(
    aws_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ivr_version, _ = deploy_secrets()
    rotated = boto3.client("secretsmanager", region_name="us-east-1").put_secret_value(
        SecretId="genesys/oauth/prod/ivr-integration", SecretString='{"rotated": true}'
    )

    code, out, _ = report(capsys, stack_dir(tmp_path, rotate_ivr), "--json", days=45)

    assert code == 1
    document = json.loads(out)
    assert document["overdue"] is True
    ivr, desktop = document["clients"]
    assert ivr["name"] == "ivr-integration"
    assert ivr["current_version_id"] == rotated["VersionId"] != ivr_version
    assert ivr["secret_name"] == "genesys/oauth/prod/ivr-integration"
    assert ivr["overdue"] is True
    assert ivr["bump"]["path"] == "clients[0].rotation.generation"
    assert ivr["bump"]["to"] == 3
    assert isinstance(ivr["bump"]["line"], int)
    assert desktop["overdue"] is False
    assert desktop["bump"] is None
    assert 44.9 < ivr["age_days"] < 45.1


IVR_LINE = re.compile(
    r"ivr-integration: generation 2 \(overlap\), current secret (?P<days>\d+) day\(s\) old"
    r"(?P<basis> by its version date \((?P<note>[A-Za-z ]+)\))?, max 30: "
    r"(?P<verdict>ok|OVERDUE: .+)"
)
"""A line of the report for the rotated ivr-integration client (``rotate_ivr``)."""


def ivr_line(out: str) -> re.Match[str]:
    line = out.splitlines()[0]
    match = IVR_LINE.fullmatch(line)
    assert match is not None, line
    return match


def days_ago(days: float) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)


def test_a_document_rewrite_that_keeps_the_secret_leaves_its_age_unchanged(
    aws_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 7: a field added to the document makes ``pulumi up`` write a new version (its
    date today) around a client secret issued 40 days ago; the secret is 40 days old."""
    deploy_secrets(issued=days_ago(40))
    rewrite_document("ivr-integration", '{"version": 1, "added_field": "same secret"}')

    code, out, _ = report(capsys, stack_dir(tmp_path, rotate_ivr))

    line = ivr_line(out)
    assert (line["days"], line["basis"]) == ("40", None)
    assert line["verdict"].startswith("OVERDUE: set clients[0].rotation.generation to 3")
    assert code == 1


def test_a_rotation_resets_the_age_to_the_new_secrets_issue(
    aws_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy_secrets(issued=days_ago(40))
    rewrite_document("ivr-integration", '{"client_id": "gen-3"}', issued=datetime.now(UTC))

    code, out, _ = report(capsys, stack_dir(tmp_path, rotate_ivr))

    line = ivr_line(out)
    assert (line["days"], line["basis"], line["verdict"]) == ("0", None, "ok")
    assert code == 0


def test_a_rollback_to_the_previous_generation_reports_that_secrets_own_age(
    aws_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/rotation.md, "Roll back", one step: generation N+1 is created, then the stack goes
    back to N. The program tags the secret with generation N's own stamp again and writes N's
    document as a new version; the secret in it is as old as it was."""
    generation_n = days_ago(40)
    deploy_secrets(issued=generation_n)
    rewrite_document("ivr-integration", '{"client_id": "gen-n+1"}', issued=datetime.now(UTC))
    rewrite_document("ivr-integration", '{"client_id": "gen-n"}', issued=generation_n)

    code, out, _ = report(capsys, stack_dir(tmp_path, rotate_ivr), "--json")

    ivr = json.loads(out)["clients"][0]
    assert 39.9 < ivr["age_days"] < 40.1
    assert ivr["age_from"] == "issued_at"
    assert ivr["issued_at"] == generation_n.replace(microsecond=0).isoformat()
    assert ivr["age_note"] is None
    assert code == 1


def test_a_stack_deployed_before_the_issue_tag_falls_back_to_the_version_date_and_says_so(
    aws_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [ivr_version, _] = deploy_secrets(stamped=False)
    project = stack_dir(tmp_path, rotate_ivr)

    code, out, _ = report(capsys, project, days=31)
    json_code, json_out, _ = report(capsys, project, "--json", days=31)

    line = ivr_line(out)
    assert (line["days"], line["note"]) == ("31", "it has no issue tag yet")
    assert line["verdict"].startswith("OVERDUE")
    assert out.splitlines()[1] == (
        "agent-desktop: generation 1 (overlap), current secret 31 day(s) old by its version "
        "date (it has no issue tag yet), max 90: ok"
    )
    ivr = json.loads(json_out)["clients"][0]
    assert ivr["current_version_id"] == ivr_version
    assert (ivr["age_from"], ivr["issued_at"]) == ("current_version_created", None)
    assert ivr["age_note"] == "it has no issue tag yet"
    assert code == json_code == 1


HOSTILE_TAG_VALUES = st.one_of(
    st.text(max_size=300),
    st.datetimes(timezones=st.just(UTC)).map(lambda moment: f"{moment:%Y-%m-%dT%H:%M:%SZ}"),
    st.from_regex(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", fullmatch=True),
    st.sampled_from(["\x1b[2J\n::warning::forged", "0000-00-00T00:00:00Z", "\u202e", ""]),
)


@settings(max_examples=15, suppress_health_check=FIXTURE_OK)
@given(value=HOSTILE_TAG_VALUES)
def test_any_issue_tag_value_gives_a_well_formed_report_never_a_crash_or_its_text(
    aws_endpoint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    secrets = boto3.client("secretsmanager", region_name="us-east-1")
    if not secrets.list_secrets()["SecretList"]:
        deploy_secrets()
    secrets.tag_resource(
        SecretId="genesys/oauth/prod/ivr-integration",
        Tags=[{"Key": ISSUED_AT_TAG, "Value": value}],
    )
    project = stack_dir(tmp_path, rotate_ivr)

    code, out, err = report(capsys, project)
    json_code, json_out, _ = report(capsys, project, "--json")

    assert (code, err) in {(0, ""), (1, "")}
    assert json_code == code
    assert len(out.splitlines()) == 2
    line = ivr_line(out)
    if line["basis"] is None:
        assert parse_issued_at(value) is not None
    ivr = json.loads(json_out)["clients"][0]
    assert ivr["issued_at"] in (None, _iso_or_none(parse_issued_at(value)))
    assert all(character.isprintable() for character in out.replace("\n", ""))


def _iso_or_none(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def answer_for(
    secret: str,
    code: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    operation: str = "ListSecretVersionIds",
) -> None:
    """Answer ``operation`` on ``secret`` with an AWS error, in AWS's JSON shape.

    moto answers a missing secret with a 500 (a KeyError inside moto) instead of AWS's
    ResourceNotFoundException, and enforces no IAM; botocore's real parser reads this instead.
    """

    def before_send(request: AWSPreparedRequest, **_: object) -> AWSResponse | None:
        if secret.encode() not in (request.body or b""):
            return None
        return aws_error(request.url, code, message)

    def connect(region: str | None, endpoint_url: str | None) -> AwsClients:
        clients = aws.connect(region, endpoint_url)
        handler = cast("Callable[..., None]", before_send)
        events = clients.secretsmanager.meta.events
        events.register(f"before-send.secrets-manager.{operation}", handler)
        return clients

    monkeypatch.setattr("genesys_oauth_secrets.age.cli.connect", connect)


def test_a_missing_secret_cannot_be_checked_and_exits_2_with_one_line(
    aws_endpoint: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deploy_secrets(("ivr-integration",))
    answer_for(
        "agent-desktop",
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret.",
        monkeypatch,
    )

    code, out, err = report(capsys, stack_dir(tmp_path))

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: secret genesys/oauth/prod/agent-desktop does not exist")
    assert "pulumi up" in err


@pytest.mark.parametrize("operation", ["ListSecretVersionIds", "DescribeSecret"])
def test_access_denied_names_the_permission_the_report_needs(
    aws_endpoint: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    operation: str,
) -> None:
    """A role made before the issue tag lacks DescribeSecret: the message names it."""
    deploy_secrets()
    answer_for(
        "ivr-integration",
        "AccessDeniedException",
        "User: arn:aws:sts::123456789012:assumed-role/secret-age/ci is not authorized to "
        f"perform: secretsmanager:{operation} on resource: genesys/oauth/prod/x",
        monkeypatch,
        operation=operation,
    )

    code, out, _ = report(capsys, stack_dir(tmp_path), "--json")

    assert code == 2
    message = json.loads(out)["error"]
    assert "access denied" in message
    assert f"needs the IAM permission secretsmanager:{operation}" in message


def test_json_failure_is_a_json_document_too(
    aws_endpoint: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer_for("ivr-integration", "ResourceNotFoundException", "not found", monkeypatch)

    code, out, _ = report(capsys, stack_dir(tmp_path), "--json")

    document = json.loads(out)
    assert code == 2
    assert list(document)[:2] == ["ok", "exitCode"]
    assert (document["ok"], document["exitCode"]) == (False, 2)
    assert "does not exist" in document["error"]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda c: c[f"{PROJECT}:clients"][0].update(rotation={"generation": "2"}),
            "clients[0].rotation.generation: must be a whole number",
        ),
        (
            lambda c: c.update({f"{PROJECT}:clients": {"secure": "v1:abc"}}),
            "is a secret config value",
        ),
        (lambda c: c.pop(f"{PROJECT}:clients"), "clients: required"),
    ],
    ids=["bad-generation", "secret-config", "no-clients"],
)
def test_a_stack_file_it_cannot_judge_exits_2_before_any_aws_call(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[dict[str, Any]], None],
    expected: str,
) -> None:
    project = stack_dir(tmp_path, edit)

    code, out, err = report(capsys, project, "--endpoint-url", "http://127.0.0.1:9")

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert expected in err


def test_a_missing_stack_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")

    code, _, err = report(capsys, tmp_path, "--stack", "staging")

    assert code == 2
    assert "Pulumi.staging.yaml" in err


def test_a_stack_file_that_is_a_fifo_exits_2_without_waiting_for_a_writer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    os.mkfifo(tmp_path / "Pulumi.prod.yaml")

    code, _, err = report(capsys, tmp_path, "--stack", "prod")

    assert code == 2
    assert "not a regular file" in err


@settings(max_examples=60, suppress_health_check=FIXTURE_OK)
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_any_stack_file_content_gives_exit_2_and_one_line_never_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.prod.yaml").write_bytes(content)

    code, out, err = report(capsys, tmp_path, "--endpoint-url", "http://127.0.0.1:9")

    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1


def test_deeply_nested_yaml_is_refused_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.prod.yaml").write_text("config: " + "[" * 5000 + "]" * 5000)

    code, _, err = report(capsys, tmp_path)

    assert code == 2
    assert err.count("\n") == 1


def test_the_commands_in_the_rotation_manual_are_ones_the_report_accepts() -> None:
    manual = (REPO / "docs" / "rotation.md").read_text()
    commands = [
        line.strip()
        for line in manual.splitlines()
        if line.strip().startswith("genesys-oauth-secrets age ")
    ]

    assert commands
    for command in commands:
        arguments = command.removeprefix("genesys-oauth-secrets age ")
        concrete = arguments.replace("[", "").replace("]", "").replace("URL", "http://127.0.0.1:1")
        command_parser(COMMAND).parse_args(concrete.split())


@settings(max_examples=60, suppress_health_check=FIXTURE_OK)
@given(stack=st.text(max_size=30))
def test_any_stack_flag_is_a_stack_name_or_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stack: str
) -> None:
    shutil.copy(REPO / "Pulumi.yaml", tmp_path / "Pulumi.yaml")

    code = main(["--stack", stack, "--dir", str(tmp_path), "--endpoint-url", "http://127.0.0.1:9"])

    err = capsys.readouterr().err
    assert "argument --stack" in err or f"Pulumi.{stack}.yaml" in err
    assert code == 2


@pytest.mark.parametrize("stack", ["../prod", "prod/../x", "..", "", "a b", "x" * 101])
def test_a_stack_flag_that_could_be_a_path_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stack: str
) -> None:
    code = main(["--stack", stack, "--dir", str(tmp_path)])

    assert code == 2
    assert "is not a Pulumi name" in capsys.readouterr().err
