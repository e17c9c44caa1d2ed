"""Both Pulumi workflows run preflight with the Pulumi step's credentials, after the AWS
credentials step and before Pulumi; only the deploy gates on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"
COMMAND = "venv/bin/genesys-oauth-secrets preflight --stack prod"


def steps_of(name: str) -> list[dict[str, Any]]:
    document = yaml.safe_load((WORKFLOWS / name).read_text())
    [steps] = [
        job["steps"]
        for job in document["jobs"].values()
        if any(str(step.get("uses", "")).startswith("pulumi/actions@") for step in job["steps"])
    ]
    return list(steps)


def position(steps: list[dict[str, Any]], marker: str) -> int:
    texts = [str(step.get("uses", step.get("run"))) for step in steps]
    return next(i for i, text in enumerate(texts) if marker in text)


@pytest.mark.parametrize("name", ["preview.yml", "deploy.yml"])
def test_preflight_runs_after_aws_credentials_and_before_pulumi(name: str) -> None:
    steps = steps_of(name)
    preflight = position(steps, COMMAND)
    assert position(steps, "aws-actions/configure-aws-credentials@") < preflight
    assert preflight < position(steps, "pulumi/actions@")
    pulumi_env = steps[position(steps, "pulumi/actions@")]["env"]
    assert steps[preflight]["env"] == pulumi_env, "preflight checks the credentials Pulumi gets"


def test_the_deploy_stops_on_a_preflight_finding_and_the_preview_only_reports() -> None:
    deploy = steps_of("deploy.yml")
    preview = steps_of("preview.yml")
    assert "continue-on-error" not in deploy[position(deploy, COMMAND)]
    assert preview[position(preview, COMMAND)]["continue-on-error"] is True
