"""The plan runs the guardrails policy pack over what it captured: mandatory violations are
findings (policy and URN, exit 1), the stack's pack config is applied, and a pack that cannot
run stops the plan with one line (exit 2), never a clean plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from genesys_oauth_secrets.plan.cli import main, make_plan
from genesys_oauth_secrets.plan.engine import MAIN, PROJECT
from genesys_oauth_secrets.plan.guardrails import run_guardrails
from genesys_oauth_secrets.plan.pack_config import PackConfigError, read_pack_config
from genesys_oauth_secrets.plan.policy_pack import PACK_DIR
from tests.support.hypothesis_profiles import FIXTURE_OK

REPO = MAIN.parent
SECRET = "aws:secretsmanager/secret:Secret"
COMPONENT = "genesys-oauth-secrets:index:OAuthClientSecret"


def immediate_deletion_project(tmp_path: Path) -> Path:
    """Stack ``test``: the shipped config with one client's secret deleted at once, which the
    program allows (with a warning) and the pack's recovery-window policy refuses."""
    stack = yaml.safe_load((REPO / "Pulumi.prod.yaml").read_text())
    stack["config"][f"{PROJECT}:clients"][1]["recoveryWindowInDays"] = 0
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text((REPO / "Pulumi.yaml").read_text())
    (project / "Pulumi.test.yaml").write_text(yaml.safe_dump(stack))
    return project


def pack_with_config(tmp_path: Path, config: Any) -> Path:
    """The real pack (its files and venv linked) with ``policy/config/test.json`` = ``config``."""
    pack = tmp_path / "policy"
    pack.mkdir()
    for entry in PACK_DIR.iterdir():
        if entry.name != "config":
            (pack / entry.name).symlink_to(entry)
    (pack / "config").mkdir()
    (pack / "config" / "test.json").write_text(json.dumps(config))
    return pack


def test_the_shipped_config_passes_every_guardrail(capsys: pytest.CaptureFixture[str]) -> None:
    assert make_plan("prod").findings == ()
    assert main(["--stack", "prod"]) == 0
    assert "violations" in capsys.readouterr().out


def test_a_guardrail_violation_is_listed_by_policy_and_urn_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--stack", "test", "--json"], project_dir=immediate_deletion_project(tmp_path))

    document = json.loads(capsys.readouterr().out)
    [secret] = [
        r
        for r in document["resources"]
        if r["type"] == SECRET and r["name"] == "agent-desktop-secret"
    ]
    assert code == 1
    assert document["ok"] is False
    assert document["findings"] == [f"secret-recovery-window: {secret['urn']}"]


def test_the_text_plan_counts_the_policies_and_gives_each_violation_its_reason_and_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--stack", "test"], project_dir=immediate_deletion_project(tmp_path))

    out = capsys.readouterr().out
    assert code == 1
    assert "guardrails: 15 policies, 1 violation\n" in out
    assert "  - secret-recovery-window on agent-desktop-secret\n" in out
    assert "      why: A client's secret must keep a recovery window of at least minimumDays" in out
    assert "      found: recoveryWindowInDays is 0 deletes the secret at once" in out
    assert (
        "      fix: raise recoveryWindowInDays; immediate deletion (recoveryWindowInDays: 0) "
        "takes a second key, secret-recovery-window.minimumDays: 0 in the stack's pack config "
        "(policy/config/<stack>.json)." in out
    )


def test_immediate_deletion_with_only_the_stack_key_is_refused_naming_the_pack_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two keys: ``recoveryWindowInDays: 0`` alone (the pack's default minimum) exits 1."""
    project = immediate_deletion_project(tmp_path)
    pack = pack_with_config(tmp_path, {})

    code = main(
        ["--stack", "test"],
        project_dir=project,
        guardrails=lambda run: run_guardrails(run, pack_dir=pack),
    )

    out = capsys.readouterr().out
    assert code == 1
    [found] = [line for line in out.splitlines() if line.startswith("      found: ")]
    assert found.endswith(
        "opt in with the second key, secret-recovery-window.minimumDays: 0 in the stack's "
        "pack config (policy/config/<stack>.json)."
    )
    assert "warning: client agent-desktop: recoveryWindowInDays is 0" in out
    assert "secret-recovery-window.minimumDays: 0" in out.split("Warnings the program logged:")[1]


def test_the_shipped_config_says_every_policy_passed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--stack", "prod"]) == 0

    assert "\nguardrails: 15 policies, 0 violations" in capsys.readouterr().out


@pytest.mark.parametrize(
    "config",
    [{"secret-recovery-window": {"minimumDays": 0}}, {"secret-recovery-window": "advisory"}],
    ids=["lowered-minimum", "advisory"],
)
def test_the_stacks_pack_config_is_applied_as_the_engine_applies_it(
    tmp_path: Path, config: dict[str, Any]
) -> None:
    project = immediate_deletion_project(tmp_path)
    pack = pack_with_config(tmp_path, config)

    code = main(
        ["--stack", "test"],
        project_dir=project,
        guardrails=lambda run: run_guardrails(run, pack_dir=pack),
    )

    assert code == 0


def test_a_missing_pack_venv_stops_the_plan_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--stack", "prod"], guardrails=lambda run: run_guardrails(run, pack_dir=tmp_path))

    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        f"error: guardrails: {tmp_path}/venv/bin/python is missing: "
        "run `make install` to create policy/venv\n"
    )


BAD_PACK_CONFIGS = [
    ("{not json", "is not valid JSON"),
    ("[]", "must be a JSON object of policy entries"),
    (
        '{"secret-recovery-window": 7}',
        "'secret-recovery-window' must be a level string or an object",
    ),
    ('{"secret-recovery-window": "off"}', "has level 'off': use one of advisory, mandatory"),
    ('{"no-such-policy": "advisory"}', "'no-such-policy' is not a policy of the pack"),
]


@pytest.mark.parametrize(("text", "message"), BAD_PACK_CONFIGS)
def test_a_pack_config_the_engine_would_not_read_stops_the_plan(
    tmp_path: Path, text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = pack_with_config(tmp_path, {})
    (pack / "config" / "test.json").write_text(text)

    code = main(
        ["--stack", "test"],
        project_dir=immediate_deletion_project(tmp_path),
        guardrails=lambda run: run_guardrails(run, pack_dir=pack),
    )

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"error: guardrails: {pack}/config/test.json")
    assert message in err
    assert err.count("\n") == 1


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=FIXTURE_OK,
)
@given(raw=st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_any_pack_config_file_is_read_or_refused_in_one_line(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "any.json"
    path.write_bytes(raw)
    outcome: dict[str, Any] | str
    try:
        outcome = read_pack_config(path)
    except PackConfigError as error:
        outcome = str(error)

    if isinstance(outcome, str):
        assert outcome.startswith(str(path))
        assert "\n" not in outcome
    else:
        assert isinstance(outcome, dict)
