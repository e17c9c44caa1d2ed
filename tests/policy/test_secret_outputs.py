"""Issue 20 finding 2: every output carrying a client secret is sealed in state, by one rule."""

from __future__ import annotations

import pytest

from genesys_oauth_secrets.plan.policy_pack import RunningPolicyPack
from tests.policy.wire import request, violations

OAUTH_CLIENT = "genesyscloud:index/oauthClient:OauthClient"
REGENERATED = "pulumi-python:dynamic/rotation:RegeneratedSecret"
RULE = "client-secret-outputs-sealed"


@pytest.mark.parametrize(
    ("resource_type", "name", "sealed", "expected"),
    [
        (REGENERATED, "ivr-secret-regeneration", ["secret"], []),
        (REGENERATED, "ivr-secret-regeneration", [], [RULE]),
        (REGENERATED, "ivr-secret-regeneration", ["clientSecret"], [RULE]),
        (OAUTH_CLIENT, "ivr-oauth-client", ["clientSecret"], []),
        (OAUTH_CLIENT, "ivr-oauth-client", [], [RULE]),
        (OAUTH_CLIENT, "ivr-oauth-client", ["secret"], [RULE]),
    ],
)
def test_each_client_secret_output_must_be_an_additional_secret_output(
    pack: RunningPolicyPack, resource_type: str, name: str, sealed: list[str], expected: list[str]
) -> None:
    answer = pack.analyze(request(resource_type, name, {}, secret_outputs=sealed))
    found = [v.policy for v in violations(answer) if v.level == "mandatory" and v.policy == RULE]
    assert found == expected
