"""The plan workflow runs for fork pull requests without anything a fork's code could steal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

WORKFLOW = Path(__file__).resolve().parents[1] / ".github" / "workflows" / "plan.yml"


def load() -> dict[Any, Any]:
    document: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    return document


def test_it_runs_on_every_pull_request_and_never_with_the_base_repository_context() -> None:
    text = WORKFLOW.read_text()
    triggers = load()[True]  # YAML 1.1 reads the key `on` as True

    assert set(triggers) == {"pull_request"}
    assert triggers["pull_request"] is None
    assert "pull_request_target" not in text.replace("never `pull_request_target`", "")


def test_it_holds_no_secret_no_cloud_credential_and_a_read_only_token() -> None:
    workflow = load()
    text = WORKFLOW.read_text()

    assert workflow["permissions"] == {}
    assert [job["permissions"] for job in workflow["jobs"].values()] == [{"contents": "read"}]
    assert "secrets." not in text
    assert "id-token" not in text
    assert "configure-aws-credentials" not in text


def test_it_installs_checks_config_and_plans_every_stack_file() -> None:
    runs = [step.get("run", "") for step in load()["jobs"]["offline-plan"]["steps"]]

    assert runs[2] == "make install"
    assert "tests/test_config_validation.py" in runs[3]
    assert "for file in Pulumi.*.yaml" in runs[4]
    assert 'genesys-oauth-secrets plan --stack "$stack"' in runs[4]
