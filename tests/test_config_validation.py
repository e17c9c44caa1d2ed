"""Bad stack config is rejected before any resource is registered, naming the field and the fix.

One row per bad input, the expected message beside it. Each row runs the real program under the
capturing engine, so "rejected" means: the run raises, the message names the config path and
the fix, and the engine received nothing but the root stack.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from components.config import ConfigError, parse_stack_config
from offline_plan.engine import start_engine

DELETE = object()
"""Row value meaning: remove the key."""

ROLE = "5f0c2e1a-8d3b-4c7e-9a61-2b4d6f8e0a13"

BAD_CONFIGS: list[Any] = [
    # (config path, value, expected message, e.g. `<path>: <what and how to fix>`)
    ("genesysRegion", DELETE, "genesysRegion: required: the Genesys Cloud region"),
    ("genesysRegion", "us-east-3", "genesysRegion: unknown Genesys Cloud region; use one of"),
    ("genesysRegion", "dca", "genesysRegion: unknown Genesys Cloud region"),
    ("secretsKmsKeyId", "my key", "secretsKmsKeyId: not a KMS key reference"),
    ("secretsKmsKeyId", "alias/aws/secretsmanager", "secretsKmsKeyId: AWS-managed keys"),
    ("tags", ["team"], "tags: must be a map of tag key to value"),
    ("tags.aws:team", "x", "tags.aws:team: keys starting with 'aws:' are reserved"),
    ("tags.managed-by", "me", "tags.managed-by: reserved: the program sets this tag"),
    ("tags.team", "x" * 257, "tags.team: tag values are 0-256"),
    ("tags.team", 42, "tags.team: tag values must be strings"),
    ("clients", DELETE, "clients: required: declare at least one OAuth client"),
    ("clients", {"ivr": {}}, "clients: must be a list of clients"),
    ("clients", [], "clients: is empty"),
    ("clients[0]", "ivr-integration", "clients[0]: each client must be a map"),
    ("clients[0].grant_type", "CODE", "clients[0].grant_type: unknown key; valid keys are: name,"),
    ("clients[0].name", DELETE, "clients[0].name: required: a unique name"),
    ("clients[0].name", "IVR_Integration", "clients[0].name: use 1-63 lowercase letters"),
    ("clients[0].name", "-ivr", "clients[0].name: use 1-63 lowercase letters"),
    ("clients[0].name", "a" * 64, "clients[0].name: use 1-63 lowercase letters"),
    ("clients[0].name", 7, "clients[0].name: use 1-63 lowercase letters"),
    ("clients[1].name", "ivr-integration", "clients[1].name: duplicate client name"),
    ("clients[0].grantType", DELETE, "clients[0].grantType: required: one of CODE, TOKEN"),
    ("clients[0].grantType", "IMPLICIT", "clients[0].grantType: 'IMPLICIT' is not a grant type"),
    ("clients[0].roles", DELETE, "clients[0].roles: CLIENT-CREDENTIALS clients need at least one"),
    ("clients[0].roles", [], "clients[0].roles: CLIENT-CREDENTIALS clients need at least one role"),
    ("clients[0].roles", {"roleId": ROLE}, "clients[0].roles: must be a list of {roleId"),
    ("clients[0].roles[0]", ROLE, "clients[0].roles[0]: each role must be a map"),
    ("clients[0].roles[0].roleId", DELETE, "clients[0].roles[0].roleId: required: the role's id"),
    ("clients[0].roles[0].roleId", "supervisor", "clients[0].roles[0].roleId: required"),
    ("clients[0].roles[0].role_id", ROLE, "clients[0].roles[0].role_id: unknown key"),
    ("clients[0].roles[0].divisionId", "home", "clients[0].roles[0].divisionId: use a division"),
    ("clients[0].roles[1]", {"roleId": ROLE, "divisionId": "*"}, "roles[1]: duplicate role"),
    (
        "clients[0].scopes",
        ["users"],
        "clients[0].scopes: scopes do not apply to CLIENT-CREDENTIALS",
    ),
    ("clients[0].redirectUris", ["https://a.example.com/cb"], "redirect URIs only apply to CODE"),
    ("clients[1].roles", [{"roleId": ROLE}], "clients[1].roles: roles only apply to CLIENT-CRED"),
    ("clients[1].scopes", DELETE, "clients[1].scopes: CODE clients need at least one scope"),
    ("clients[1].scopes", ["users readonly"], "clients[1].scopes[0]: must be a scope name"),
    ("clients[1].scopes[1]", "users:readonly", "clients[1].scopes[1]: duplicate"),
    ("clients[1].redirectUris", DELETE, "clients[1].redirectUris: CODE clients need at least one"),
    ("clients[1].redirectUris", ["http://desk.example.com/cb"], "redirectUris[0]: use an absolute"),
    ("clients[1].redirectUris", ["/callback"], "clients[1].redirectUris[0]: use an absolute https"),
    ("clients[1].redirectUris", ["https://d.example.com/#x"], "redirectUris[0]: use an absolute"),
    ("clients[1].redirectUris", "https://d.example.com/cb", "redirectUris: must be a list"),
    ("clients[0].accessTokenValiditySeconds", 299, "299 is out of range; use 300 to 38880000"),
    ("clients[0].accessTokenValiditySeconds", 38880001, "out of range; use 300 to 38880000"),
    ("clients[0].accessTokenValiditySeconds", "86400", "must be a whole number from 300"),
    ("clients[0].accessTokenValiditySeconds", True, "must be a whole number from 300"),
    ("clients[1].state", "disabled", "clients[1].state: use one of active, inactive"),
    ("clients[1].recoveryWindowInDays", 6, "6 is out of range; Secrets Manager accepts 7 to 30"),
    ("clients[1].recoveryWindowInDays", 31, "31 is out of range; Secrets Manager accepts 7 to 30"),
    ("clients[1].recoveryWindowInDays", "30", "must be a whole number: 7 to 30, or 0"),
    ("clients[1].description", ["IVR"], "clients[1].description: must be text"),
]


def mutate(config: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``config`` with ``path`` (``clients[1].roles[0].roleId``) set or deleted."""
    result = copy.deepcopy(config)
    steps: list[str | int] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        steps.append(int(part[1:-1]) if part.startswith("[") else part)
    if path.startswith("tags."):
        steps = ["tags", path[len("tags.") :]]
    target: Any = result
    for step in steps[:-1]:
        target = target[step]
    last = steps[-1]
    if value is DELETE:
        del target[last]
    elif isinstance(target, list) and isinstance(last, int) and last == len(target):
        target.append(value)
    else:
        target[last] = value
    return result


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    BAD_CONFIGS,
    ids=[
        f"{row[0]}={'<deleted>' if row[1] is DELETE else str(row[1])[:20]}" for row in BAD_CONFIGS
    ],
)
def test_bad_config_is_rejected_with_its_path_and_fix_before_any_resource(
    prod_config: dict[str, Any], marker: str, path: str, value: Any, expected: str
) -> None:
    run = start_engine(marker)

    with pytest.raises(ConfigError) as raised:
        run.evaluate(mutate(prod_config, path, value))

    message = str(raised.value)
    assert f"genesys-oauth-secrets:{expected}" in message or expected in message
    assert "nothing was deployed" in message
    assert [r.type for r in run.registrations] == ["pulumi:pulumi:Stack"]
    assert run.monitor.packages == []
    assert marker not in message


def test_the_table_covers_at_least_thirty_distinct_bad_configs() -> None:
    assert len({(row[0], repr(row[1])) for row in BAD_CONFIGS}) >= 30


def test_every_problem_is_reported_in_one_run(prod_config: dict[str, Any]) -> None:
    config = mutate(prod_config, "genesysRegion", "mars-1")
    config = mutate(config, "clients[0].roles", [])
    config = mutate(config, "clients[1].state", "paused")

    with pytest.raises(ConfigError) as raised:
        parse_stack_config(config)

    assert [problem.split(": ")[0] for problem in raised.value.problems] == [
        "genesys-oauth-secrets:genesysRegion",
        "genesys-oauth-secrets:clients[0].roles",
        "genesys-oauth-secrets:clients[1].state",
    ]


def test_free_text_values_are_never_echoed_in_errors(prod_config: dict[str, Any]) -> None:
    leaked = "Hunter2_" + "x" * 40
    config = mutate(prod_config, "clients[0].grantType", leaked)
    config = mutate(config, "clients[1].name", leaked)
    config = mutate(config, "tags.team", leaked + " !")

    with pytest.raises(ConfigError) as raised:
        parse_stack_config(config)

    assert len(raised.value.problems) == 3
    assert "Hunter2" not in str(raised.value)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("clients[0].roles[0].divisionId", DELETE),
        ("clients[0].roles[0].roleId", ROLE.upper()),
        ("clients[1].grantType", "TOKEN"),
        ("clients[1].redirectUris", ["http://localhost:8080/callback"]),
        ("clients[1].recoveryWindowInDays", 0),
        ("clients[1].recoveryWindowInDays", 7),
        ("clients[0].accessTokenValiditySeconds", 38880000),
        ("secretsKmsKeyId", "alias/platform-secrets"),
        ("secretsKmsKeyId", "mrk-1234567890abcdef1234567890abcdef"),
        ("tags", DELETE),
    ],
)
def test_edge_values_the_provider_accepts_are_accepted(
    prod_config: dict[str, Any], path: str, value: Any
) -> None:
    config = mutate(prod_config, path, value)

    parsed = parse_stack_config(config)

    assert [client.name for client in parsed.clients] == ["ivr-integration", "agent-desktop"]


def test_both_saml_spellings_the_provider_accepts_pass_through_unchanged(
    prod_config: dict[str, Any],
) -> None:
    for grant_type in ("SAML2-BEARER", "SAML2BEARER"):
        config = mutate(prod_config, "clients[1].grantType", grant_type)
        config = mutate(config, "clients[1].redirectUris", DELETE)

        parsed = parse_stack_config(config)

        assert parsed.clients[1].grant_type == grant_type


@pytest.mark.parametrize("source", ["GENESYSCLOUD_REGION", "genesyscloud:awsRegion"])
def test_a_provider_region_other_than_genesys_region_is_rejected(
    prod_config: dict[str, Any], marker: str, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    # The provider would create the clients in eu-west-1 while the secret names us-east-1 hosts.
    config = dict(prod_config)
    if source == "GENESYSCLOUD_REGION":
        monkeypatch.setenv(source, "eu-west-1")
    else:
        config[source] = "eu-west-1"
    run = start_engine(marker)

    with pytest.raises(ConfigError) as raised:
        run.evaluate(config)

    assert raised.value.problems == (
        "genesys-oauth-secrets:genesysRegion: is us-east-1 but the Genesys provider is set to "
        "eu-west-1 (genesyscloud:awsRegion or GENESYSCLOUD_REGION); the clients would be "
        "created in one org region and the secret would point at the other. Set both to your "
        "org's region",
    )
    assert [r.type for r in run.registrations] == ["pulumi:pulumi:Stack"]


@pytest.mark.parametrize("spelling", ["us-east-1", "US-EAST-1"])
def test_a_provider_region_equal_to_genesys_region_passes(
    prod_config: dict[str, Any], marker: str, monkeypatch: pytest.MonkeyPatch, spelling: str
) -> None:
    # The provider lower-cases the region it is given, so any case names the same region.
    monkeypatch.setenv("GENESYSCLOUD_REGION", spelling)
    run = start_engine(marker)

    run.evaluate(prod_config)

    assert len(run.monitor.packages) == 1


def test_an_unknown_provider_region_is_not_echoed(prod_config: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_stack_config(prod_config, provider_region="Hunter2-not-a-region")

    assert "set to an unknown region" in str(raised.value)
    assert "Hunter2" not in str(raised.value)
