"""The consumer grants one role read access to exactly one secret, and nothing more."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pulumi
import pytest

if TYPE_CHECKING:
    from conftest import FakeSecretsStack, RunConsumer

CONFIG = {"clientName": "ivr-integration", "roleName": "ivr-data-dip-service"}


def expected_policy(secret_arn: str, key_arn: str) -> dict[str, Any]:
    """Written out in full on purpose: any widening of the grant must show up as a diff here."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadOneGenesysClientSecret",
                "Effect": "Allow",
                "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
                "Resource": secret_arn,
            },
            {
                "Sid": "DecryptThroughSecretsManagerOnly",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": key_arn,
                "Condition": {
                    "StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}
                },
            },
        ],
    }


def test_role_gets_exactly_read_access_to_the_one_secret(
    run_consumer: RunConsumer, secrets_stack: FakeSecretsStack
) -> None:
    consumer = run_consumer(CONFIG)

    assert consumer.policy_document() == expected_policy(
        secrets_stack.secret_arn("ivr-integration"), secrets_stack.key_arn
    )


def test_policy_names_no_wildcard_and_no_other_secret(
    run_consumer: RunConsumer, secrets_stack: FakeSecretsStack
) -> None:
    statements = run_consumer(CONFIG).policy_document()["Statement"]

    resources = [statement["Resource"] for statement in statements]
    assert resources == [secrets_stack.secret_arn("ivr-integration"), secrets_stack.key_arn]
    assert secrets_stack.secret_arn("agent-desktop") not in str(statements)
    assert all("*" not in str(statement) for statement in statements)
    assert all(statement["Effect"] == "Allow" for statement in statements)


def test_policy_is_the_only_resource_and_is_attached_to_the_configured_role(
    run_consumer: RunConsumer,
) -> None:
    consumer = run_consumer(CONFIG)

    [policy] = consumer.resources
    assert policy.inputs["role"] == "ivr-data-dip-service"
    assert policy.inputs["name"] == "read-genesys-oauth-ivr-integration"


@pytest.mark.parametrize("form", ["key id", "alias"])
def test_a_key_stored_as_id_or_alias_is_resolved_to_its_arn(
    run_consumer: RunConsumer, secrets_stack: FakeSecretsStack, form: str
) -> None:
    stored = secrets_stack.key_id if form == "key id" else "alias/genesys-oauth-secrets-prod"

    statements = run_consumer(CONFIG, secret_kms_key_id=stored).policy_document()["Statement"]

    assert statements[1]["Resource"] == secrets_stack.key_arn


def test_an_unknown_client_name_lists_the_names_that_exist(run_consumer: RunConsumer) -> None:
    # The engine wraps it ("While processing resource …"); the user still reads this line.
    listed = (
        "genesys-oauth-consumer:clientName: no client named 'ivr' in the secrets stack; "
        "it exports: agent-desktop, ivr-integration"
    )
    with pytest.raises(ValueError, match=re.escape(listed)):
        run_consumer({**CONFIG, "clientName": "ivr"})


def test_a_secret_without_a_customer_managed_key_is_refused(run_consumer: RunConsumer) -> None:
    with pytest.raises(ValueError, match="AWS-managed key"):
        run_consumer(CONFIG, secret_kms_key_id="")


def test_secrets_stack_defaults_to_prod_on_the_diy_backend(run_consumer: RunConsumer) -> None:
    consumer = run_consumer(CONFIG)

    assert consumer.stack_reference_names == ["organization/genesys-oauth-secrets/prod"]


def test_secrets_stack_can_be_overridden(run_consumer: RunConsumer) -> None:
    consumer = run_consumer({**CONFIG, "secretsStack": "organization/genesys-oauth-secrets/dr"})

    assert consumer.stack_reference_names == ["organization/genesys-oauth-secrets/dr"]


@pytest.mark.parametrize("missing", ["clientName", "roleName"])
def test_required_config_is_named_when_missing(run_consumer: RunConsumer, missing: str) -> None:
    config = {key: value for key, value in CONFIG.items() if key != missing}

    with pytest.raises(pulumi.ConfigMissingError, match=f"genesys-oauth-consumer:{missing}"):
        run_consumer(config)


@pytest.mark.parametrize("form", ["key id", "alias"])
def test_secret_and_key_are_looked_up_in_the_secrets_region(
    run_consumer: RunConsumer, secrets_stack: FakeSecretsStack, form: str
) -> None:
    stored = secrets_stack.key_id if form == "key id" else "alias/genesys-oauth-secrets-prod"

    consumer = run_consumer(CONFIG, secret_kms_key_id=stored)

    assert [(invoke.token, invoke.args.get("region")) for invoke in consumer.invokes] == [
        ("aws:secretsmanager/getSecret:getSecret", secrets_stack.region),
        ("aws:kms/getKey:getKey", secrets_stack.region),
    ]
