"""Pack config: what a stack may bend (the documented advisory-safe policies, the recovery
window's minimum) and what it may not, checked over the wire and on the committed files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2

from genesys_oauth_secrets.plan.analyzer_requests import analyze_run
from genesys_oauth_secrets.plan.pack_config import config_entry
from genesys_oauth_secrets.plan.policy_pack import RunningPolicyPack
from tests.conftest import RunProgram
from tests.policy.wire import configured, request, violations

REPO = Path(__file__).resolve().parents[2]
CONFIG_FILES = sorted((REPO / "policy" / "config").glob("*.json"))
DOCS = REPO / "docs" / "policy-pack.md"
ADVISORY_SAFE = "advisory-safe"
SECRET = "aws:secretsmanager/secret:Secret"
TAGS = {
    "managed-by": "pulumi",
    "pulumi-project": "genesys-oauth-secrets",
    "pulumi-stack": "prod",
    "genesys-oauth-client": "sandbox",
}


def secret_with(**changes: Any) -> Any:
    properties = {"kmsKeyId": "alias/genesys-oauth-secrets-dev", "tags": TAGS, **changes}
    return request(SECRET, "sandbox-secret", properties)


def test_a_stack_may_lower_the_recovery_minimum(pack: RunningPolicyPack) -> None:
    immediate = secret_with(recoveryWindowInDays=0)
    assert [v.policy for v in violations(pack.analyze(immediate))] == ["secret-recovery-window"]

    with configured(pack, {"secret-recovery-window": {"minimumDays": 0}}):
        assert violations(pack.analyze(immediate)) == []


def test_a_downgraded_policy_still_reports_but_as_advisory(pack: RunningPolicyPack) -> None:
    untagged = secret_with(tags={})

    with configured(pack, {"secret-required-tags": "advisory"}):
        found = violations(pack.analyze(untagged))

    assert [(v.policy, v.level) for v in found] == [("secret-required-tags", "advisory")]


@pytest.mark.parametrize("minimum", ["seven", -1, 31, 7.5, True, None, [7], {"days": 7}])
def test_an_unreadable_recovery_minimum_fails_closed(pack: RunningPolicyPack, minimum: Any) -> None:
    with configured(pack, {"secret-recovery-window": {"minimumDays": minimum}}):
        found = violations(pack.analyze(secret_with(recoveryWindowInDays=30)))

    assert [(v.policy, v.level) for v in found] == [("secret-recovery-window", "mandatory")]
    assert "pack config secret-recovery-window.minimumDays" in found[0].message


def test_every_policy_is_mandatory_unless_a_stack_says_otherwise(pack: RunningPolicyPack) -> None:
    info = pack.info()

    assert info.name == "genesys-oauth-secrets-guardrails"
    assert info.supportsConfig
    assert {p.enforcementLevel for p in info.policies} == {analyzer_pb2.MANDATORY}
    assert all("Fix:" in p.description for p in info.policies)


@pytest.mark.parametrize("path", CONFIG_FILES, ids=[p.name for p in CONFIG_FILES])
def test_committed_pack_configs_bend_only_advisory_safe_policies(
    pack: RunningPolicyPack, path: Path
) -> None:
    config = json.loads(path.read_text())
    policies = {p.name: p for p in pack.info().policies}

    assert isinstance(config, dict)
    for name, entry in config.items():
        assert name in policies, f"{path.name}: {name} is not a policy of the pack"
        level, given = config_entry(entry)
        level = level or "mandatory"
        assert level in ("mandatory", "advisory"), f"{path.name}: {name} set to {level}"
        if level != "mandatory":
            assert ADVISORY_SAFE in policies[name].tags, f"{path.name}: {name} must stay mandatory"
        schema = {
            "type": "object",
            "properties": json_format.MessageToDict(policies[name].configSchema.properties),
        }
        jsonschema.Draft7Validator(schema).validate(given)


@pytest.mark.parametrize("path", CONFIG_FILES, ids=[p.name for p in CONFIG_FILES])
def test_the_shipped_program_passes_under_each_committed_config(
    pack: RunningPolicyPack, engine: RunProgram, prod_config: dict[str, Any], path: Path
) -> None:
    with configured(pack, json.loads(path.read_text())):
        diagnostics = analyze_run(pack, engine(prod_config))

    assert [(d.policyName, d.message) for d in diagnostics] == []


def test_the_docs_list_every_policy_and_which_may_be_advisory(pack: RunningPolicyPack) -> None:
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \|.*\| (yes|no) \|$", DOCS.read_text(), re.M))

    assert rows == {
        p.name: "yes" if ADVISORY_SAFE in p.tags else "no" for p in pack.info().policies
    }
