"""Under the capturing engine: what replicaRegions, readers and adopt make the program register."""

from __future__ import annotations

import copy
import json
from typing import Any

from genesys_oauth_secrets.plan.engine import ProgramRun, is_secret_envelope, start_engine
from tests.conftest import RunProgram

SECRET = "aws:secretsmanager/secret:Secret"
SECRET_POLICY = "aws:secretsmanager/secretPolicy:SecretPolicy"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
KMS_KEY = "aws:kms/key:Key"
KMS_ALIAS = "aws:kms/alias:Alias"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
AWS_PROVIDER = "pulumi:providers:aws"
OAUTH_CLIENT = "genesyscloud:index/oauthClient:OauthClient"
REGENERATED = "pulumi-python:dynamic/rotation:RegeneratedSecret"

GIVEN_KEY = "arn:aws:kms:eu-west-1:123456789012:key/0b7f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4"
ADOPTED_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
READERS = ["arn:aws:iam::210987654321:role/app-reader", "arn:aws:iam::210987654321:root"]


def state(run: ProgramRun, type_token: str, name: str) -> dict[str, Any]:
    return dict(run.monitor.resources[run.one(type_token, name).urn].state)


def replicated(prod_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **prod_config,
        "replicaRegions": [{"region": "us-west-2"}, {"region": "eu-west-1", "kmsKeyId": GIVEN_KEY}],
    }


def test_every_secret_gets_a_replica_per_region_encrypted_with_that_regions_key(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    run = engine(replicated(prod_config))

    created_key = state(run, KMS_KEY, "secrets-key-us-west-2")
    for client in prod_config["clients"]:
        secret = run.one(SECRET, f"{client['name']}-secret")
        assert secret.inputs["replicas"] == [
            {"region": "us-west-2", "kmsKeyId": created_key["arn"]},
            {"region": "eu-west-1", "kmsKeyId": GIVEN_KEY},
        ]


def test_a_region_without_a_key_gets_one_like_the_stacks_through_its_own_provider(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    run = engine(replicated(prod_config))

    provider = run.one(AWS_PROVIDER, "aws-us-west-2")
    assert provider.inputs["region"] == "us-west-2"
    key = run.one(KMS_KEY, "secrets-key-us-west-2")
    alias = run.one(KMS_ALIAS, "secrets-key-alias-us-west-2")
    assert key.protect is True
    assert key.inputs["enableKeyRotation"] is True
    assert alias.inputs["name"] == run.one(KMS_ALIAS, "secrets-key-alias").inputs["name"]
    for resource in (key, alias):
        assert resource.provider.startswith(provider.urn)
    assert sorted(k.name for k in run.of_type(KMS_KEY)) == ["secrets-key", "secrets-key-us-west-2"]


def test_the_stack_output_names_each_replica_arn_by_region_and_nothing_secret(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    run = engine(replicated(prod_config))

    for client in prod_config["clients"]:
        exported = run.stack_outputs["clients"][client["name"]]
        primary = exported["secret_arn"]
        assert exported["replica_arns"] == {
            "us-west-2": primary.replace(":us-east-1:", ":us-west-2:"),
            "eu-west-1": primary.replace(":us-east-1:", ":eu-west-1:"),
        }
        assert set(exported) == {"client_id", "secret_arn", "replica_arns"}


def test_readers_get_one_secret_policy_per_client_allowing_only_reads(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    config = copy.deepcopy(prod_config)
    config["clients"][0]["readers"] = READERS

    run = engine(config)

    [policy] = run.of_type(SECRET_POLICY)
    assert policy.name == "ivr-integration-secret-policy"
    assert policy.inputs["blockPublicPolicy"] is True
    assert policy.inputs["secretArn"] == state(run, SECRET, "ivr-integration-secret")["arn"]
    [statement] = json.loads(policy.inputs["policy"])["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"AWS": sorted(READERS)}
    assert statement["Action"] == [
        "secretsmanager:GetSecretValue",
        "secretsmanager:DescribeSecret",
    ]


def test_readers_make_the_program_manage_key_policies_that_keep_the_root_statement(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    config = replicated(prod_config)
    config["replicaRegions"] = [{"region": "us-west-2"}]
    config["clients"] = copy.deepcopy(config["clients"])
    config["clients"][1]["readers"] = READERS[:1]

    run = engine(config)

    for policy_name, key_name, region in (
        ("secrets-key-policy", "secrets-key", "us-east-1"),
        ("secrets-key-policy-us-west-2", "secrets-key-us-west-2", "us-west-2"),
    ):
        policy = run.one(KEY_POLICY, policy_name)
        assert policy.inputs["keyId"] == state(run, KMS_KEY, key_name)["keyId"]
        root, readers = json.loads(policy.inputs["policy"])["Statement"]
        assert root == {
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
        assert readers["Principal"] == {"AWS": READERS[:1]}
        assert readers["Action"] == "kms:Decrypt"
        assert readers["Condition"] == {
            "StringEquals": {"kms:ViaService": f"secretsmanager.{region}.amazonaws.com"}
        }


def adopting(prod_config: dict[str, Any], **adopt: Any) -> dict[str, Any]:
    config = copy.deepcopy(prod_config)
    config["clients"][0]["adopt"] = {"clientId": ADOPTED_ID, **adopt}
    return config


def stored_document(run: ProgramRun, name: str) -> dict[str, Any]:
    secret_string = run.one(SECRET_VERSION, f"{name}-secret-version").inputs["secretString"]
    assert is_secret_envelope(secret_string)
    return dict(json.loads(secret_string["value"]))


def test_adopting_imports_the_client_and_stores_a_regenerated_secret_under_its_id(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    run = engine(adopting(prod_config))

    client = run.one(OAUTH_CLIENT, "ivr-integration-oauth-client")
    assert client.import_id == ADOPTED_ID
    regenerated = run.one(REGENERATED, "ivr-integration-secret-regeneration")
    assert regenerated.inputs["clientId"] == ADOPTED_ID
    document = stored_document(run, "ivr-integration")
    assert document["client_id"] == ADOPTED_ID
    assert document["client_secret"] == run.provider_mocks.regenerated_secret_for(ADOPTED_ID, 1)
    assert run.one(OAUTH_CLIENT, "agent-desktop-oauth-client").import_id == ""


def test_adopting_from_config_stores_the_seed_as_a_secret_and_regenerates_nothing(
    prod_config: dict[str, Any], marker: str
) -> None:
    config = adopting(prod_config, secret="config")
    seed = f"{marker}-seed"
    config["adoptedClientSecrets"] = {"ivr-integration": seed}
    run = start_engine(marker)

    run.evaluate(config, secret_keys=["adoptedClientSecrets"])

    assert run.one(OAUTH_CLIENT, "ivr-integration-oauth-client").import_id == ADOPTED_ID
    assert run.of_type(REGENERATED) == []
    document = stored_document(run, "ivr-integration")
    assert document["client_id"] == ADOPTED_ID
    assert document["client_secret"] == seed
    assert all(seed not in text for _, text in run.wire_texts())


def test_after_adoption_an_overlap_rotation_creates_a_new_client_and_keeps_the_adopted_one(
    engine: RunProgram, prod_config: dict[str, Any]
) -> None:
    config = adopting(prod_config)
    config["clients"][0]["rotation"] = {"generation": 2}

    run = engine(config)

    assert run.one(OAUTH_CLIENT, "ivr-integration-oauth-client").import_id == ADOPTED_ID
    assert run.one(OAUTH_CLIENT, "ivr-integration-oauth-client-gen2").import_id == ""
    assert run.of_type(REGENERATED) == []
    assert stored_document(run, "ivr-integration")["client_id"] != ADOPTED_ID
