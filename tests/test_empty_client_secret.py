"""A client created without a secret stops the run; ``""`` never reaches Secrets Manager.

The provider stores ``""`` when Genesys' create response carries no secret and never reads the
secret again, so the component must refuse to write it. The fake provider withholds the secret
for one client, as that create response would.
"""

from __future__ import annotations

import traceback
from typing import Any

import pytest

from components.client_secret_check import EmptyClientSecretError
from genesys_oauth_secrets.plan.engine import ProgramRun, start_engine

SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
OAUTH_CLIENT = "genesyscloud:index/oauthClient:OauthClient"


def run_withholding_the_ivr_secret(
    prod_config: dict[str, Any], marker: str
) -> tuple[ProgramRun, EmptyClientSecretError]:
    """Genesys creates ivr-integration but returns no secret: the run must stop with the error."""
    run = start_engine(marker)
    run.provider_mocks.withheld_secrets.add("ivr-integration")

    with pytest.raises(EmptyClientSecretError) as raised:
        run.evaluate(prod_config)

    return run, raised.value


def test_an_empty_client_secret_fails_the_run_naming_the_client_and_the_fix(
    prod_config: dict[str, Any], marker: str
) -> None:
    run, error = run_withholding_the_ivr_secret(prod_config, marker)

    client_urn = run.one(OAUTH_CLIENT, "ivr-integration-oauth-client").urn
    message = str(error)
    assert "created the OAuth client ivr-integration but returned no client secret" in message
    assert f"`pulumi up --replace '{client_urn}'`" in message
    versions = {r.name for r in run.of_type(SECRET_VERSION)}
    assert "ivr-integration-secret-version" not in versions


def test_the_other_clients_secret_is_not_in_the_error_or_its_frames(
    prod_config: dict[str, Any], marker: str
) -> None:
    _, error = run_withholding_the_ivr_secret(prod_config, marker)

    program_frames = [
        frame
        for frame, _ in traceback.walk_tb(error.__traceback__)
        if frame.f_code.co_filename != __file__
    ]
    assert program_frames, "the error must carry the frames that raised it"
    for frame in program_frames:
        assert marker not in repr(frame.f_locals), f"secret in the locals of {frame.f_code.co_name}"
    assert marker not in "".join(traceback.format_exception(error))
    assert marker not in repr(error)


def test_a_client_with_a_secret_passes_the_check_unchanged(
    prod_config: dict[str, Any], marker: str
) -> None:
    run = start_engine(marker)

    run.evaluate(prod_config)

    versions = run.of_type(SECRET_VERSION)
    assert len(versions) == len(prod_config["clients"])
    for version in versions:
        assert marker in version.inputs["secretString"]["value"]
