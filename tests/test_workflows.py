"""The workflows run Pulumi the way the CLI and pulumi/actions v7.0.0 actually behave.

- pulumi/actions' ``cloud-url`` only runs ``pulumi login`` (``src/login.ts``), and a stored login
  loses to ``backend.url`` in Pulumi.yaml (pulumi/pulumi ``pkg/workspace/creds.go``): only
  ``PULUMI_BACKEND_URL`` decides, so every Pulumi step must see it.
- Without ``pulumi-version``/``pulumi-version-file`` the action keeps any preinstalled CLI that
  satisfies its default range (``src/config.ts``, ``src/libs/pulumi-cli.ts``): the version must
  come from ``.pulumi-version``.
- A stack file without ``encryptedkey`` must stop the run before any credentials are used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = {path.name: path for path in (REPO / ".github" / "workflows").glob("*.yml")}
PULUMI_WORKFLOWS = ["preview.yml", "deploy.yml"]
CHECK = "genesys-oauth-secrets check --stack prod --github-output"
ROLE = {"preview.yml": "AWS_PREVIEW_ROLE_ARN", "deploy.yml": "AWS_DEPLOY_ROLE_ARN"}
ENVIRONMENT = {"preview.yml": "preview", "deploy.yml": "production"}
Step = dict[str, Any]


def load(name: str) -> dict[Any, Any]:
    document: dict[Any, Any] = yaml.safe_load(WORKFLOWS[name].read_text())
    return document


def pulumi_steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any], Step]]:
    """(job id, job, step) for every pulumi/actions step of a workflow."""
    return [
        (job_id, job, step)
        for job_id, job in workflow["jobs"].items()
        for step in job.get("steps", [])
        if str(step.get("uses", "")).startswith("pulumi/actions@")
    ]


def effective_env(workflow: dict[str, Any], job: dict[str, Any], step: Step) -> dict[str, str]:
    """What the step's process sees from the workflow: workflow, job, then step ``env``."""
    return {**workflow.get("env", {}), **job.get("env", {}), **step.get("env", {})}


def check_position(job: dict[str, Any]) -> int:
    """Index of the genesys_oauth_secrets.check check in a job's steps; -1 if absent."""
    runs = [str(step.get("run", "")) for step in job.get("steps", [])]
    return next((i for i, run in enumerate(runs) if CHECK in run), -1)


@pytest.fixture(params=PULUMI_WORKFLOWS)
def workflow(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    return request.param, load(request.param)


def test_each_pulumi_workflow_has_exactly_one_pulumi_step(
    workflow: tuple[str, dict[str, Any]],
) -> None:
    assert len(pulumi_steps(workflow[1])) == 1


def test_every_pulumi_step_gets_the_backend_from_pulumi_backend_url(
    workflow: tuple[str, dict[str, Any]],
) -> None:
    name, document = workflow
    for _, job, step in pulumi_steps(document):
        value = effective_env(document, job, step).get("PULUMI_BACKEND_URL", "")

        assert value.replace(" ", "") in {
            "${{needs.test.outputs.backend-url}}",
            "${{steps.project.outputs.backend-url}}",
        }, f"{name}: the Pulumi step must see PULUMI_BACKEND_URL from the project check"
        assert "cloud-url" not in step.get("with", {}), "cloud-url only logs in; it decides nothing"


def test_every_pulumi_step_installs_the_cli_version_in_pulumi_version(
    workflow: tuple[str, dict[str, Any]],
) -> None:
    for _, _, step in pulumi_steps(workflow[1]):
        inputs = step.get("with", {})

        assert inputs.get("pulumi-version-file") == ".pulumi-version"
        assert "pulumi-version" not in inputs, "the action refuses both inputs together"
    assert (REPO / ".pulumi-version").is_file()


def test_the_stack_file_check_runs_before_the_tests_and_gates_the_pulumi_job(
    workflow: tuple[str, dict[str, Any]],
) -> None:
    document = workflow[1]
    (pulumi_job_id, pulumi_job, _) = pulumi_steps(document)[0]
    gate = document["jobs"]["test"]
    runs = [str(step.get("run", "")) for step in gate["steps"]]

    assert pulumi_job.get("needs") == "test"
    assert 0 <= check_position(gate) < runs.index("make test"), "check first: it takes seconds"
    assert gate["outputs"]["backend-url"] == "${{ steps.project.outputs.backend-url }}"
    assert pulumi_job_id != "test", "tests run without the credentials the Pulumi job holds"


def test_credentials_exist_only_in_the_pulumi_job_of_its_own_environment(
    workflow: tuple[str, dict[str, Any]],
) -> None:
    name, document = workflow
    for job_id, job in document["jobs"].items():
        text = yaml.safe_dump(job)
        holds_pulumi = any(job_id == pid for pid, _, _ in pulumi_steps(document))

        assert ("secrets.GENESYSCLOUD" in text) == holds_pulumi
        assert (job.get("permissions", {}).get("id-token") == "write") == holds_pulumi
        if holds_pulumi:
            assert job["environment"] == ENVIRONMENT[name]
            assert f"vars.{ROLE[name]}" in text
            assert "GENESYSCLOUD" not in yaml.safe_dump(job.get("env", {})), "step env only"
        else:
            assert "environment" not in job


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_no_workflow_runs_pull_request_code_with_the_base_repository_s_secrets(name: str) -> None:
    document = load(name)
    triggers = document.get(True, document.get("on", {}))  # PyYAML reads `on:` as True

    assert "pull_request_target" not in triggers
    assert "workflow_run" not in triggers


def test_the_deploy_audit_reads_the_bucket_the_deploy_wrote() -> None:
    job = load("deploy.yml")["jobs"]["deploy"]
    audit = next(
        step for step in job["steps"] if "genesys-oauth-secrets audit" in str(step.get("run"))
    )

    assert audit["env"] == {
        "STATE_BUCKET": "${{ needs.test.outputs.bucket }}",
        "STATE_REGION": "${{ needs.test.outputs.region }}",
    }
