"""``bootstrap --github-repo`` against moto: GitHub's OIDC provider and the workflows' roles.

moto stores IAM entities faithfully and enforces none of them, so these tests read back what
bootstrap wrote (trust and permissions, compared as documents) and check the calls it makes
through the IAM evaluator like every other test (``tests/support/aws_calls.py``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from genesys_oauth_secrets.bootstrap import cli as bootstrap_cli
from genesys_oauth_secrets.bootstrap.documents import Names, render
from genesys_oauth_secrets.bootstrap.identities import (
    AUDIENCE,
    ISSUER,
    WORKFLOW_ROLES,
    Account,
    GitHubSettings,
    canonical,
    ensure_provider,
    ensure_role,
    policy_name,
    trust_policy,
)
from genesys_oauth_secrets.shared.aws import AwsClients, connect
from genesys_oauth_secrets.shared.backend_baseline import Journal
from genesys_oauth_secrets.shared.errors import UsageError
from genesys_oauth_secrets.shared.names import validate_github_repo
from tests.backend_tools.conftest import REGION, RunCli
from tests.support.hypothesis_profiles import FIXTURE_OK
from tests.support.iam_evaluator import Evaluator
from tests.support.request_context import ACCOUNT, Authorization

BUCKET = "acme-genesys-oauth-secrets-state"
REPO = "acme/genesys-oauth-secrets"
BOOT = ("bootstrap", "--bucket", BUCKET, "--region", REGION, "--github-repo", REPO)
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"
SUBJECTS = {
    "genesys-oauth-secrets-deployer": f"repo:{REPO}:environment:production",
    "genesys-oauth-secrets-previewer": f"repo:{REPO}:environment:preview",
    "genesys-oauth-secrets-secret-age": f"repo:{REPO}:ref:refs/heads/main",
    "genesys-oauth-secrets-auditor": f"repo:{REPO}:ref:refs/heads/main",
}


def iam(aws_endpoint: str) -> Any:
    return boto3.client("iam", region_name=REGION, endpoint_url=aws_endpoint)


def identities(aws_endpoint: str) -> dict[str, Any]:
    """The provider and every workflow role as IAM holds them (documents decoded by botocore)."""
    client = iam(aws_endpoint)
    found: dict[str, Any] = {
        "providers": [
            p["Arn"] for p in client.list_open_id_connect_providers()["OpenIDConnectProviderList"]
        ],
    }
    for role in WORKFLOW_ROLES:
        held = client.get_role(RoleName=role.name)["Role"]
        inline = client.get_role_policy(RoleName=role.name, PolicyName=policy_name(role))
        found[role.name] = {
            "trust": held["AssumeRolePolicyDocument"],
            "policies": client.list_role_policies(RoleName=role.name)["PolicyNames"],
            "permissions": inline["PolicyDocument"],
        }
    return found


def test_github_repo_creates_the_provider_and_four_roles_scoped_to_their_jobs(
    aws_endpoint: str, run_cli: RunCli
) -> None:
    result = run_cli(*BOOT)

    assert result.code == 0, result.err
    provider = iam(aws_endpoint).get_open_id_connect_provider(OpenIDConnectProviderArn=PROVIDER)
    assert provider["Url"] == ISSUER
    assert provider["ClientIDList"] == [AUDIENCE]
    found = identities(aws_endpoint)
    assert found["providers"] == [PROVIDER]
    for role in WORKFLOW_ROLES:
        [statement] = found[role.name]["trust"]["Statement"]
        assert statement == {
            "Sid": "GitHubActionsJobOfThisRepository",
            "Effect": "Allow",
            "Principal": {"Federated": PROVIDER},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": SUBJECTS[role.name],
                }
            },
        }
        assert found[role.name]["policies"] == [policy_name(role)]
        names = Names(bucket=BUCKET, stack="prod", account=ACCOUNT)
        assert found[role.name]["permissions"] == render(role.document, names)


def test_a_repository_with_immutable_subjects_is_trusted_by_its_owner_and_repository_ids(
    aws_endpoint: str, run_cli: RunCli
) -> None:
    """Repositories created after July 15, 2026 (or opted in) get the OIDC subject
    ``repo:OWNER@OWNER-ID/REPO@REPO-ID:…`` (GitHub's OIDC reference, "Immutable subject
    claims"): a trust on the bare names would never match their tokens."""
    immutable = "acme@123456/genesys-oauth-secrets@456789"

    result = run_cli(*BOOT[:-1], immutable)

    assert result.code == 0, result.err
    subjects = {
        name: found["trust"]["Statement"][0]["Condition"]["StringEquals"][f"{ISSUER}:sub"]
        for name, found in identities(aws_endpoint).items()
        if name != "providers"
    }
    assert subjects == {
        name: subject.replace(f"repo:{REPO}:", f"repo:{immutable}:")
        for name, subject in SUBJECTS.items()
    }


def test_the_permissions_are_the_reviewed_documents_with_only_the_names_filled_in(
    aws_endpoint: str, run_cli: RunCli
) -> None:
    run_cli(*BOOT, "--stack", "staging")

    found = identities(aws_endpoint)

    secret_age = json.dumps(found["genesys-oauth-secrets-secret-age"]["permissions"])
    assert f"arn:aws:secretsmanager:*:{ACCOUNT}:secret:genesys/oauth/staging/*" in secret_age
    deployer = found["genesys-oauth-secrets-deployer"]["permissions"]
    shipped = json.loads((Path(__file__).parents[2] / "iam" / "deployer.json").read_text())
    assert [s["Sid"] for s in deployer["Statement"]] == [s["Sid"] for s in shipped["Statement"]]
    assert [s["Action"] for s in deployer["Statement"]] == [
        s["Action"] for s in shipped["Statement"]
    ]
    assert f"arn:aws:s3:::{BUCKET}" in json.dumps(deployer)
    assert "arn:aws:kms:*:*:" not in json.dumps(deployer)


def test_the_run_prints_the_repository_variables_the_workflows_read(
    aws_endpoint: str, run_cli: RunCli
) -> None:
    result = run_cli(*BOOT)

    role = f"arn:aws:iam::{ACCOUNT}:role"
    assert f"repository variables of {REPO} " in result.out
    for line in (
        f"  AWS_DEPLOY_ROLE_ARN={role}/genesys-oauth-secrets-deployer",
        f"  AWS_PREVIEW_ROLE_ARN={role}/genesys-oauth-secrets-previewer",
        f"  AWS_SECRET_AGE_ROLE_ARN={role}/genesys-oauth-secrets-secret-age",
        f"  AWS_REGION={REGION}",
    ):
        assert line in result.out.splitlines()
    assert f"no workflow reads genesys-oauth-secrets-auditor: {role}/genesys-oauth" in result.out


def workflow_jobs() -> dict[str, dict[str, Any]]:
    """Each job that assumes a role: the variable it reads the ARN from, and its environment."""
    jobs = {}
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for job in yaml.safe_load(path.read_text())["jobs"].values():
            for step in job.get("steps", []):
                role = step.get("with", {}).get("role-to-assume")
                if role:
                    [variable] = re.findall(r"vars\.([A-Z_]+)", role)
                    jobs[variable] = {"environment": job.get("environment")}
    return jobs


def test_each_role_trusts_the_subject_of_the_job_that_reads_its_variable() -> None:
    # GitHub: a job with `environment:` gets repo:OWNER/REPO:environment:NAME; one without
    # gets repo:OWNER/REPO:ref:<ref>, and scheduled runs use the default branch.
    jobs = workflow_jobs()

    assert set(jobs) == {role.variable for role in WORKFLOW_ROLES if role.variable}
    for role in WORKFLOW_ROLES:
        if role.variable is None:
            continue
        environment = jobs[role.variable]["environment"]
        expected = f"environment:{environment}" if environment else "ref:refs/heads/main"
        assert role.subject == expected, role.name


def test_a_second_run_changes_nothing_and_says_so(aws_endpoint: str, run_cli: RunCli) -> None:
    run_cli(*BOOT)
    before = identities(aws_endpoint)

    second = run_cli(*BOOT)

    assert second.code == 0, second.err
    assert "no changes: everything was already as configured" in second.out
    assert not [
        line for line in second.out.splitlines() if line.startswith(("created", "set", "fixed"))
    ]
    assert f"ok         OIDC provider {PROVIDER} admits audience sts.amazonaws.com" in second.out
    assert identities(aws_endpoint) == before


def test_a_hand_edited_trust_is_a_violation_and_fix_restores_it(
    aws_endpoint: str, run_cli: RunCli
) -> None:
    run_cli(*BOOT)
    client = iam(aws_endpoint)
    widened = identities(aws_endpoint)["genesys-oauth-secrets-deployer"]["trust"]
    condition = widened["Statement"][0]["Condition"]
    condition["StringLike"] = {f"{ISSUER}:sub": "repo:acme/*"}
    del condition["StringEquals"][f"{ISSUER}:sub"]
    client.update_assume_role_policy(
        RoleName="genesys-oauth-secrets-deployer", PolicyDocument=json.dumps(widened)
    )

    checked = run_cli(*BOOT)
    fixed = run_cli(*BOOT, "--fix")
    again = run_cli(*BOOT)

    assert checked.code == 1
    assert (
        "VIOLATION  role genesys-oauth-secrets-deployer trusts only "
        f"repo:{REPO}:environment:production: found a trust policy for repo:acme/*"
    ) in checked.out
    assert "rerun with --fix" in checked.out
    assert fixed.code == 0
    assert "fixed      role genesys-oauth-secrets-deployer trusts only" in fixed.out
    assert again.code == 0
    assert "no changes" in again.out
    [statement] = identities(aws_endpoint)["genesys-oauth-secrets-deployer"]["trust"]["Statement"]
    assert statement["Condition"] == {
        "StringEquals": {
            f"{ISSUER}:aud": AUDIENCE,
            f"{ISSUER}:sub": f"repo:{REPO}:environment:production",
        }
    }


@pytest.mark.usefixtures("aws_endpoint")
def test_another_repository_is_drift_of_every_trust(run_cli: RunCli) -> None:
    run_cli(*BOOT)

    other = run_cli(*BOOT[:-1], "acme/fork")

    assert other.code == 1
    violations = [line for line in other.out.splitlines() if line.startswith("VIOLATION")]
    assert len(violations) == len(WORKFLOW_ROLES)
    assert all("trusts only repo:acme/fork:" in line for line in violations)


def test_a_widened_permission_policy_is_a_violation_and_fix_restores_the_document(
    aws_endpoint: str, run_cli: RunCli
) -> None:
    run_cli(*BOOT)
    client = iam(aws_endpoint)
    granted = identities(aws_endpoint)["genesys-oauth-secrets-previewer"]["permissions"]
    granted["Statement"].append(
        {
            "Sid": "ReadSecretValues",
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "*",
        }
    )
    client.put_role_policy(
        RoleName="genesys-oauth-secrets-previewer",
        PolicyName="pr-previewer",
        PolicyDocument=json.dumps(granted),
    )

    checked = run_cli(*BOOT)
    fixed = run_cli(*BOOT, "--fix")

    assert checked.code == 1
    assert (
        "VIOLATION  role genesys-oauth-secrets-previewer has iam/pr-previewer.json for "
        f"s3://{BUCKET}, stack prod: found another document"
    ) in checked.out
    assert fixed.code == 0
    restored = identities(aws_endpoint)["genesys-oauth-secrets-previewer"]["permissions"]
    assert "secretsmanager:GetSecretValue" not in json.dumps(restored)


def test_a_missing_inline_policy_is_a_violation_and_fix_puts_it(
    aws_endpoint: str, run_cli: RunCli
) -> None:
    run_cli(*BOOT)
    iam(aws_endpoint).delete_role_policy(
        RoleName="genesys-oauth-secrets-auditor", PolicyName="state-auditor"
    )

    checked = run_cli(*BOOT)
    fixed = run_cli(*BOOT, "--fix")

    assert checked.code == 1
    assert "found no inline policy state-auditor" in checked.out
    assert fixed.code == 0
    assert identities(aws_endpoint)["genesys-oauth-secrets-auditor"]["policies"] == [
        "state-auditor"
    ]


def test_another_policy_on_a_role_is_a_violation_that_fix_leaves_to_a_person(
    aws_endpoint: str, run_cli: RunCli
) -> None:
    """A role's reviewed document says nothing about a policy beside it: an extra inline or
    managed policy widens the job's rights, so the role is not "ok", and --fix does not guess
    whether something else needs it."""
    run_cli(*BOOT)
    client = iam(aws_endpoint)
    wide = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    managed = client.create_policy(PolicyName="everything-s3", PolicyDocument=json.dumps(wide))
    client.attach_role_policy(
        RoleName="genesys-oauth-secrets-auditor", PolicyArn=managed["Policy"]["Arn"]
    )
    client.put_role_policy(
        RoleName="genesys-oauth-secrets-auditor",
        PolicyName="added-by-hand",
        PolicyDocument=json.dumps(wide),
    )

    checked = run_cli(*BOOT)
    fixed = run_cli(*BOOT, "--fix")

    for result in (checked, fixed):
        assert result.code == 1, result.out
        [line] = [line for line in result.out.splitlines() if line.startswith("VIOLATION")]
        assert line.startswith(
            "VIOLATION  role genesys-oauth-secrets-auditor has no permission policy but "
            "iam/state-auditor.json: found inline policy added-by-hand, managed policy "
            f"{managed['Policy']['Arn']}"
        ), line
    assert sorted(identities(aws_endpoint)["genesys-oauth-secrets-auditor"]["policies"]) == [
        "added-by-hand",
        "state-auditor",
    ]


class NotYetThere:
    """IAM whose first call of the read ``method`` answers NoSuchEntity, as just before the
    entity appeared; every other call, and that read afterwards, goes to ``client``."""

    def __init__(self, client: Any, method: str) -> None:
        self.client = client
        self.method = method
        self.first = True

    def __getattr__(self, name: str) -> Any:
        read = getattr(self.client, name)
        if name != self.method:
            return read

        def first_not_found(**params: Any) -> Any:
            if self.first:
                self.first = False
                raise self.client.exceptions.NoSuchEntityException(
                    {"Error": {"Code": "NoSuchEntity", "Message": "not found"}}, name
                )
            return read(**params)

        return first_not_found


def test_a_role_that_appears_between_the_read_and_create_role_is_checked_not_a_crash(
    aws_endpoint: str,
) -> None:
    """CreateRole is retried by botocore's standard mode; when the first attempt's answer was
    lost (or another run created the role in between) it answers EntityAlreadyExists: bootstrap
    then checks that role as an existing one instead of failing the run."""
    client = iam(aws_endpoint)
    role = WORKFLOW_ROLES[0]
    account = Account(ACCOUNT, "aws")
    github = GitHubSettings(repo=REPO, bucket=BUCKET, stack="prod")
    client.create_role(
        RoleName=role.name,
        AssumeRolePolicyDocument=json.dumps(trust_policy(account, REPO, role)),
    )

    lines: list[str] = []
    journal = Journal(lines.append)

    late = NotYetThere(client, "get_role")
    arn = ensure_role(late, account, github, role, fix=False, journal=journal)  # type: ignore[arg-type]

    assert arn == client.get_role(RoleName=role.name)["Role"]["Arn"]
    assert journal.created == []
    assert f"ok         role {role.name} trusts only {SUBJECTS[role.name]}" in lines
    assert journal.violations == [
        f"role {role.name} has iam/{role.document} for s3://{BUCKET}, stack prod"
    ]


def test_outside_the_aws_partition_github_repo_is_refused_before_anything_is_created(
    aws: AwsClients, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documents name ``arn:aws:``; in GovCloud they would grant nothing, and a refusal
    after the bucket and keys were made would leave them behind a failed run."""
    real = aws.sts.get_caller_identity()
    gov = {**real, "Arn": real["Arn"].replace("arn:aws:", "arn:aws-us-gov:", 1)}

    def govcloud(region: str, endpoint_url: str | None) -> AwsClients:
        clients = connect(region, endpoint_url)
        monkeypatch.setattr(clients.sts, "get_caller_identity", lambda: gov)
        return clients

    monkeypatch.setattr(bootstrap_cli, "connect", govcloud)

    result = run_cli(*BOOT)

    assert result.code == 2
    assert "--github-repo: the documents in iam/ name the aws partition" in result.err
    assert aws.kms.list_keys()["Keys"] == []
    assert aws.s3.list_buckets()["Buckets"] == []


def test_a_provider_that_appears_between_the_read_and_create_is_checked_not_a_crash(
    aws_endpoint: str,
) -> None:
    """CreateOpenIDConnectProvider is not idempotent: when a retried request's first answer was
    lost (or another run created the provider in between) it answers EntityAlreadyExists, and
    bootstrap checks the provider it then finds instead of failing the run or claiming it."""
    client = iam(aws_endpoint)
    client.create_open_id_connect_provider(Url=f"https://{ISSUER}", ClientIDList=["other"])

    lines: list[str] = []
    journal = Journal(lines.append)

    late = NotYetThere(client, "get_open_id_connect_provider")
    ensure_provider(late, Account(ACCOUNT, "aws"), fix=False, journal=journal)  # type: ignore[arg-type]

    assert journal.created == []
    assert journal.violations == [f"OIDC provider {PROVIDER} admits audience {AUDIENCE}"]
    assert lines == [
        f"VIOLATION  OIDC provider {PROVIDER} admits audience {AUDIENCE}: found audiences other"
    ]


def test_a_provider_without_the_sts_audience_is_a_violation(
    aws_endpoint: str, run_cli: RunCli
) -> None:
    iam(aws_endpoint).create_open_id_connect_provider(
        Url=f"https://{ISSUER}", ClientIDList=["https://github.com/acme"]
    )

    result = run_cli(*BOOT)

    assert result.code == 1
    assert (
        f"VIOLATION  OIDC provider {PROVIDER} admits audience sts.amazonaws.com: found "
        "audiences https://github.com/acme"
    ) in result.out


def test_fix_adds_the_sts_audience_to_an_existing_provider(
    aws: AwsClients, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto has no AddClientIDToOpenIDConnectProvider: the hook answers it and records the call.
    client = boto3.client("iam", region_name=REGION, endpoint_url=aws.endpoint_url)
    client.create_open_id_connect_provider(Url=f"https://{ISSUER}", ClientIDList=["other"])
    added: list[dict[str, Any]] = []

    def answer(params: dict[str, Any], **_: Any) -> dict[str, Any]:
        added.append(params)
        return {"ResponseMetadata": {"HTTPStatusCode": 200}}

    def answer_without_sending(model: Any, params: dict[str, Any], **_: Any) -> Any:
        if model.name != "AddClientIDToOpenIDConnectProvider":
            return None
        return SimpleNamespace(status_code=200, headers={}, content=b""), answer(params)

    client.meta.events.register("before-call.iam.*", answer_without_sending)
    monkeypatch.setattr(bootstrap_cli, "iam_client", lambda *_: client)

    result = run_cli(*BOOT, "--fix")

    assert result.code == 0, result.err
    assert [call["body"]["ClientID"] for call in added] == [AUDIENCE]
    assert f"fixed      OIDC provider {PROVIDER} admits audience sts.amazonaws.com" in result.out


@pytest.mark.parametrize(
    ("found", "same"),
    [
        pytest.param({"Version": "2012-10-17", "Statement": {"Action": "a"}}, True, id="lone"),
        pytest.param(
            "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Action%22%3A"
            "%5B%22a%22%5D%7D%5D%7D",
            True,
            id="url-encoded-as-iam-sends-it",
        ),
        pytest.param({"Statement": [{"Action": ["a"]}], "Version": "2012-10-17"}, True, id="order"),
        pytest.param({"Version": "2012-10-17", "Statement": [{"Action": "b"}]}, False, id="other"),
        pytest.param({"Version": "2012-10-17", "Statement": []}, False, id="empty"),
        pytest.param("not json", False, id="not-json"),
    ],
)
def test_policies_are_compared_as_documents_not_text(found: object, same: bool) -> None:
    wanted = {"Version": "2012-10-17", "Statement": [{"Action": ["a"]}]}

    assert (canonical(found) == canonical(wanted)) is same


@pytest.mark.parametrize(
    ("repo", "why"),
    [
        ("acme", "no slash"),
        ("acme/", "no repository"),
        ("/repo", "no owner"),
        ("-acme/repo", "owner starting with a hyphen"),
        ("acme/re po", "space"),
        ("acme/repo:environment:production", "a colon would shift the OIDC subject"),
        ("acme/*", "a wildcard"),
        ("acme/repo/extra", "a third part"),
        ("acme/..", "dot-dot"),
        ("acme/.", "dot"),
        ("a" * 40 + "/repo", "owner over 39"),
        ("acme/" + "r" * 101, "repository over 100"),
        ("acme/repo\n", "trailing newline"),
        ("acme/r\u00e9po", "non-ASCII"),
        ("acme_corp/repo", "underscore in the owner"),
        ("acme@123456/repo", "an owner id without a repository id"),
        ("acme/repo@456789", "a repository id without an owner id"),
        ("acme@12a/repo@3", "an id that is not a number"),
        ("acme@/repo@3", "an empty id"),
        ("acme@1/..@2", "dot-dot with ids"),
        ("acme@1@2/repo@3", "two ids"),
    ],
)
def test_a_github_repo_github_would_not_name_is_refused(repo: str, why: str) -> None:
    with pytest.raises(UsageError, match="is not a GitHub repository: give OWNER/REPO"):
        validate_github_repo(repo)


@pytest.mark.parametrize(
    "repo",
    [
        "acme/genesys-oauth-secrets",
        "Acme-Corp/repo.name_2",
        "a/b",
        "octo--legacy-/x",
        "acme@123456/genesys-oauth-secrets@456789",
    ],
)
def test_a_github_repo_as_github_names_it_is_accepted(repo: str) -> None:
    validate_github_repo(repo)


@settings(suppress_health_check=FIXTURE_OK)
@given(value=st.text(max_size=80) | st.from_regex(r"\A[A-Za-z0-9-]{0,3}/[\w.:*/-]{0,8}\n?\Z"))
def test_any_github_repo_value_is_accepted_or_one_error_line_before_any_aws_call(
    aws: AwsClients, run_cli: RunCli, value: str
) -> None:
    try:
        validate_github_repo(value)
        valid = True
    except UsageError:
        valid = False
    if valid:
        return
    result = run_cli("bootstrap", "--bucket", BUCKET, "--region", REGION, "--github-repo", value)

    assert result.code == 2
    [line] = result.err.splitlines()
    assert line.startswith("error: genesys-oauth-secrets bootstrap: argument --github-repo: ")
    assert "Traceback" not in result.err
    assert line.isprintable()
    assert aws.kms.list_keys()["Keys"] == []


def test_the_attached_policies_allow_the_deployers_lock_write_and_deny_it_to_the_previewer(
    aws_endpoint: str, run_cli: RunCli, iam_evaluator: Evaluator
) -> None:
    run_cli(*BOOT)
    found = identities(aws_endpoint)
    lock = f"arn:aws:s3:::{BUCKET}/.pulumi/locks/organization/genesys-oauth-secrets/prod/x.json"
    write = Authorization("s3:PutObject", lock).as_request()

    def verdict(role: str) -> str:
        request = {
            **write,
            "principal": f"arn:aws:iam::{ACCOUNT}:role/{role}",
            "identityPolicies": [{"name": role, "policy": found[role]["permissions"]}],
        }
        return iam_evaluator.evaluate(request).result

    assert verdict("genesys-oauth-secrets-deployer") == "Allowed"
    assert verdict("genesys-oauth-secrets-previewer") == "ImplicitlyDenied"


def test_json_is_one_document_with_the_repository_variables_a_script_sets(
    aws_endpoint: str, run_cli: RunCli
) -> None:
    first = run_cli(*BOOT, "--json")
    second = run_cli(*BOOT, "--json")

    created, again = json.loads(first.out), json.loads(second.out)
    role = f"arn:aws:iam::{ACCOUNT}:role"
    assert (first.code, created["ok"], created["exitCode"]) == (0, True, 0)
    assert any(
        f" {role}/genesys-oauth-secrets-deployer for " in item for item in created["created"]
    )
    assert created["repositoryVariables"] == {
        "AWS_DEPLOY_ROLE_ARN": f"{role}/genesys-oauth-secrets-deployer",
        "AWS_PREVIEW_ROLE_ARN": f"{role}/genesys-oauth-secrets-previewer",
        "AWS_SECRET_AGE_ROLE_ARN": f"{role}/genesys-oauth-secrets-secret-age",
        "AWS_REGION": REGION,
    }
    assert "created" in first.err
    assert (again["created"], again["changed"], again["violations"]) == ([], [], [])
    assert again["repositoryVariables"] == created["repositoryVariables"]


def test_json_reports_drift_and_a_failure_as_documents_too(
    aws_endpoint: str, run_cli: RunCli
) -> None:
    run_cli(*BOOT)
    iam(aws_endpoint).delete_role_policy(
        RoleName="genesys-oauth-secrets-previewer", PolicyName="pr-previewer"
    )
    drift = run_cli(*BOOT, "--json")
    no_region = run_cli("bootstrap", "--bucket", BUCKET, "--dir", "/nonexistent", "--json")

    drifted = json.loads(drift.out)
    assert (drift.code, drifted["ok"], drifted["exitCode"]) == (1, False, 1)
    assert any("genesys-oauth-secrets-previewer" in item for item in drifted["violations"])
    failed = json.loads(no_region.out)
    assert (no_region.code, failed["ok"], failed["exitCode"]) == (2, False, 2)
    assert "--region" in failed["error"]
