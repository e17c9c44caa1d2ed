"""replicaRegions, readers and adopt: bad values stop the run, with the path and the fix.

One row per bad input, the expected message beside it. Each row runs the real program under the
capturing engine: "stopped" means the run raises ConfigError and the engine received nothing but
the root stack.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from genesys_oauth_secrets.plan.engine import start_engine
from tests.support.refused_config import refused_before_any_resource

CLIENT_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
ROOT = "arn:aws:iam::210987654321:root"
KEY_ID = "0b7f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4"
SEED_KEY = "adoptedClientSecrets"


def with_changes(
    base: dict[str, Any], stack: dict[str, Any], client: dict[str, Any]
) -> dict[str, Any]:
    """``base`` with stack keys ``stack`` and the first client's keys ``client`` set."""
    config = copy.deepcopy(base)
    config.update(stack)
    config["clients"][0].update(client)
    return config


BAD: list[tuple[str, dict[str, Any], dict[str, Any], list[str], str]] = [
    # (row id, stack keys, first client's keys, secret keys, expected message)
    (
        "made-up region",
        {"replicaRegions": [{"region": "us-middle-7"}]},
        {},
        [],
        "replicaRegions[0].region: 'us-middle-7' is not an AWS region Secrets Manager serves",
    ),
    (
        "primary region",
        {"replicaRegions": [{"region": "us-east-1"}]},
        {},
        [],
        "replicaRegions[0].region: us-east-1 is the stack's own region (aws:region)",
    ),
    (
        "duplicate region",
        {"replicaRegions": [{"region": "us-west-2"}, {"region": "us-west-2"}]},
        {},
        [],
        "replicaRegions[1].region: duplicate region; list each region once",
    ),
    (
        "other partition",
        {"replicaRegions": [{"region": "cn-north-1"}]},
        {},
        [],
        "replicaRegions[0].region: cn-north-1 is in partition aws-cn",
    ),
    (
        "not a list",
        {"replicaRegions": {"region": "us-west-2"}},
        {},
        [],
        "replicaRegions: must be a list, e.g. replicaRegions: [{region: us-west-2}]",
    ),
    (
        "aws-managed replica key",
        {"replicaRegions": [{"region": "us-west-2", "kmsKeyId": "alias/aws/secretsmanager"}]},
        {},
        [],
        "replicaRegions[0].kmsKeyId: AWS-managed keys (alias/aws/…) cannot be narrowed",
    ),
    (
        "replica key in another region",
        {
            "replicaRegions": [
                {
                    "region": "us-west-2",
                    "kmsKeyId": f"arn:aws:kms:eu-west-1:123456789012:key/{KEY_ID}",
                }
            ]
        },
        {},
        [],
        "replicaRegions[0].kmsKeyId: the key ARN is in another region",
    ),
    (
        "unknown replica key",
        {"replicaRegions": [{"region": "us-west-2", "kmsKeyID": KEY_ID}]},
        {},
        [],
        "replicaRegions[0].kmsKeyID: unknown key; did you mean kmsKeyId?",
    ),
    ("star reader", {}, {"readers": ["*"]}, [], "clients[0].readers[0]: wildcards are refused"),
    (
        "wildcard role",
        {},
        {"readers": ["arn:aws:iam::210987654321:role/app-*"]},
        [],
        "clients[0].readers[0]: wildcards are refused",
    ),
    (
        "user, not role or root",
        {},
        {"readers": ["arn:aws:iam::210987654321:user/alice"]},
        [],
        "clients[0].readers[0]: must be arn:aws:iam::<12-digit account>:root or",
    ),
    (
        "duplicate reader",
        {},
        {"readers": [ROOT, ROOT]},
        [],
        "clients[0].readers[1]: duplicate; list each principal once",
    ),
    (
        "readers with a key the program does not own",
        {"secretsKmsKeyId": f"arn:aws:kms:us-east-1:123456789012:key/{KEY_ID}"},
        {"readers": [ROOT]},
        [],
        "secretsKmsKeyId: readers in other accounts need kms:Decrypt on this key, whose policy "
        "the program does not own: add this statement to its key policy",
    ),
    (
        "readers with a given replica key",
        {"replicaRegions": [{"region": "us-west-2", "kmsKeyId": KEY_ID}]},
        {"readers": [ROOT]},
        [],
        '"kms:ViaService":"secretsmanager.us-west-2.amazonaws.com"',
    ),
    (
        "adopt without a client id",
        {},
        {"adopt": {"secret": "regenerate"}},
        [],
        "clients[0].adopt.clientId: required: the existing client's id, a UUID",
    ),
    (
        "adopt with a made-up source",
        {},
        {"adopt": {"clientId": CLIENT_ID, "secret": "keep"}},
        [],
        "clients[0].adopt.secret: use one of regenerate, config (default regenerate)",
    ),
    (
        "adopt from config without a seed",
        {},
        {"adopt": {"clientId": CLIENT_ID, "secret": "config"}},
        [],
        "clients[0].adopt.secret: is config but adoptedClientSecrets has no entry",
    ),
    (
        "adopt from config on a client whose name is invalid",
        {},
        {"name": "IVR_Integration", "adopt": {"clientId": CLIENT_ID, "secret": "config"}},
        [],
        "pulumi config set --secret --path 'adoptedClientSecrets.<client name>' <its secret>",
    ),
    (
        "seed on a client that does not adopt",
        {SEED_KEY: {"agent-desktop": "s3cr3t-seed"}},
        {},
        [SEED_KEY],
        "adoptedClientSecrets.agent-desktop: no client of that name adopts with secret: config",
    ),
    (
        "seed on a client that adopts by regenerating",
        {SEED_KEY: {"ivr-integration": "s3cr3t-seed"}},
        {"adopt": {"clientId": CLIENT_ID}},
        [SEED_KEY],
        "adoptedClientSecrets.ivr-integration: no client of that name adopts with secret: config",
    ),
    (
        "seed set in plaintext",
        {SEED_KEY: {"ivr-integration": "s3cr3t-seed"}},
        {"adopt": {"clientId": CLIENT_ID, "secret": "config"}},
        [],
        "adoptedClientSecrets: holds client secrets but is not set as a secret",
    ),
    (
        "seed that is not a map",
        {SEED_KEY: "s3cr3t-seed"},
        {},
        [SEED_KEY],
        "adoptedClientSecrets: must be a map of client name to that client's current secret",
    ),
]


@pytest.mark.parametrize("row", BAD, ids=[row[0] for row in BAD])
def test_a_bad_value_stops_the_run_with_its_path_and_fix_before_anything_is_registered(
    prod_config: dict[str, Any], marker: str, row: tuple[Any, ...]
) -> None:
    _, stack, client, secret_keys, expected = row
    config = with_changes(prod_config, stack, client)
    run = start_engine(marker)

    message = str(refused_before_any_resource(run, config, secret_keys))

    assert expected in message
    assert "nothing was deployed" in message
    assert "s3cr3t-seed" not in message


def test_the_seed_never_appears_in_any_message_or_request(
    prod_config: dict[str, Any], marker: str
) -> None:
    config = with_changes(
        prod_config,
        {SEED_KEY: {"ivr-integration": marker, "agent-desktop": marker}},
        {"adopt": {"clientId": CLIENT_ID, "secret": "config"}},
    )
    run = start_engine(marker)

    message = str(refused_before_any_resource(run, config, [SEED_KEY]))

    assert "adoptedClientSecrets.agent-desktop" in message
    assert marker not in message
    assert all(marker not in text for _, text in run.wire_texts())


@pytest.mark.parametrize(
    ("stack", "client"),
    [
        ({"replicaRegions": [{"region": "us-west-2"}, {"region": "eu-west-1"}]}, {}),
        ({"replicaRegions": [{"region": "us-west-2", "kmsKeyId": "alias/platform"}]}, {}),
        ({}, {"readers": [ROOT, "arn:aws:iam::210987654321:role/team/app-reader"]}),
        ({}, {"adopt": {"clientId": CLIENT_ID.upper()}}),
    ],
)
def test_good_values_are_accepted(
    prod_config: dict[str, Any], marker: str, stack: dict[str, Any], client: dict[str, Any]
) -> None:
    run = start_engine(marker)

    run.evaluate(with_changes(prod_config, stack, client))

    assert len(run.registrations) > 1
