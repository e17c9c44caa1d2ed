"""Issue 20 finding 2: the regenerated secret must be sealed in state, like clientSecret."""

from __future__ import annotations

import pytest

from genesys_oauth_secrets.plan.policy_pack import RunningPolicyPack
from tests.policy.wire import request, violations

REGENERATED = "pulumi-python:dynamic/rotation:RegeneratedSecret"
RULE = "client-secret-outputs-sealed"


@pytest.mark.parametrize(("sealed", "expected"), [(["secret"], []), ([], [RULE])])
def test_the_regenerated_secret_must_be_an_additional_secret_output(
    pack: RunningPolicyPack, sealed: list[str], expected: list[str]
) -> None:
    answer = pack.analyze(
        request(REGENERATED, "ivr-secret-regeneration", {"clientId": "c"}, secret_outputs=sealed)
    )
    assert [v.policy for v in violations(answer) if v.level == "mandatory"] == expected
