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

from components.config import ConfigError, StackConfig, parse_stack_config
from genesys_oauth_secrets.plan.engine import start_engine
from tests.support.refused_config import refused_before_any_resource

DELETE = object()
"""Row value meaning: remove the key."""

ROLE = "5f0c2e1a-8d3b-4c7e-9a61-2b4d6f8e0a13"
ARABIC_INDIC_DIGITS = "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662"

BAD_CONFIGS: list[Any] = [
    # (config path, value, expected message, e.g. `<path>: <what and how to fix>`)
    ("genesysRegion", DELETE, "genesysRegion: required: the Genesys Cloud region"),
    ("genesysRegion", "us-east-3", "genesysRegion: unknown Genesys Cloud region; use one of"),
    ("genesysRegion", "dca", "genesysRegion: unknown Genesys Cloud region"),
    ("secretsKmsKeyId", "my key", "secretsKmsKeyId: not a KMS key reference"),
    ("secretsKmsKeyId", "alias/aws/secretsmanager", "secretsKmsKeyId: AWS-managed keys"),
    (
        "secretsKmsKeyId",
        "arn:aws:kms:us-east-1:123456789012:alias/AWS/secretsmanager",
        "secretsKmsKeyId: AWS-managed keys",
    ),
    ("secretsKmsKeyId", "alias/platform\n", "secretsKmsKeyId: not a KMS key reference"),
    (
        "secretsKmsKeyId",
        f"arn:aws:kms:us-east-1:{ARABIC_INDIC_DIGITS}:key/0b7f1c2e",
        "secretsKmsKeyId: not a KMS key reference",
    ),
    ("genesysregion", "us-east-1", "genesysregion: unknown key; did you mean genesysRegion?"),
    ("clientz", [], "clientz: unknown key; did you mean clients?"),
    ("protectResources", "yes", "protectResources: must be true or false"),
    ("genesysProvider", ["proxy"], "genesysProvider: must be a map"),
    ("genesysProvider", {"tokenPoolSize": 51}, "tokenPoolSize: 51 is out of range; use 1 to 50"),
    ("genesysProvider", {"tokenpoolsize": 5}, "unknown key; did you mean tokenPoolSize?"),
    ("genesysProvider", {"customRetryTimeout": "5 minutes"}, "customRetryTimeout: must be a Go"),
    ("genesysProvider", {"proxy": {"host": "p.example.com"}}, "proxy.port: required"),
    (
        "genesysProvider",
        {"proxy": {"host": "p.example.com", "port": 99999, "protocol": "http"}},
        "genesysProvider.proxy.port: required: the proxy's port, 1 to 65535",
    ),
    (
        "genesysProvider",
        {"proxy": {"host": "p.example.com", "port": 3128, "protocol": "socks5"}},
        "genesysProvider.proxy.protocol: required: one of http, https",
    ),
    (
        "genesysProvider",
        {"proxy": {"host": "p.example.com", "port": 3128, "protocol": "http", "auth": {}}},
        "genesysProvider.proxy.auth: unknown key; valid keys are: host, port, protocol",
    ),
    ("tags", ["team"], "tags: must be a map of tag key to value"),
    ("tags.aws:team", "x", "tags.aws:team: keys starting with 'aws:' are reserved"),
    ("tags.managed-by", "me", "tags.managed-by: reserved: the program sets this tag"),
    (
        "tags.genesys-oauth-secrets:client-secret-issued-at",
        "2020-01-01T00:00:00Z",
        "tags.genesys-oauth-secrets:client-secret-issued-at: reserved: the program sets this tag",
    ),
    ("tags.team", "x" * 257, "tags.team: tag values are 0-256"),
    ("tags.team", 42, "tags.team: tag values must be strings"),
    ("clients", DELETE, "clients: required: declare at least one OAuth client"),
    ("clients", {"ivr": {}}, "clients: must be a list of clients"),
    ("clients", [], "clients: is empty"),
    ("clients[0]", "ivr-integration", "clients[0]: each client must be a map"),
    ("clients[0].grant_type", "CODE", "grant_type: unknown key; did you mean grantType? valid"),
    ("clients", [{"name": f"c-{i}"} for i in range(501)], "clients: at most 500 clients"),
    ("clients[0].name", DELETE, "clients[0].name: required: a unique name"),
    ("clients[0].name", "IVR_Integration", "clients[0].name: use 1-63 lowercase letters"),
    ("clients[0].name", "-ivr", "clients[0].name: use 1-63 lowercase letters"),
    ("clients[0].name", "a" * 64, "clients[0].name: use 1-63 lowercase letters"),
    ("clients[0].name", 7, "clients[0].name: use 1-63 lowercase letters"),
    ("clients[0].name", "ivr-integration\n", "clients[0].name: use 1-63 lowercase letters"),
    ("clients[1].name", "ivr-integration", "clients[1].name: duplicate client name"),
    ("clients[0].grantType", DELETE, "clients[0].grantType: required: one of CODE, TOKEN"),
    ("clients[0].grantType", "IMPLICIT", "clients[0].grantType: 'IMPLICIT' is not a grant type"),
    ("clients[0].roles", DELETE, "clients[0].roles: CLIENT-CREDENTIALS clients need at least one"),
    ("clients[0].roles", [], "clients[0].roles: CLIENT-CREDENTIALS clients need at least one role"),
    ("clients[0].roles", {"roleId": ROLE}, "clients[0].roles: must be a list, each item a {roleId"),
    ("clients[0].roles", [{"roleId": ROLE}] * 101, "clients[0].roles: at most 100 items"),
    ("clients[0].roles[0].roleId", ROLE + "\n", "clients[0].roles[0].roleId: required"),
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
    ("clients[1].scopes", ["users:readonly\n"], "clients[1].scopes[0]: must be a scope name"),
    ("clients[1].scopes", [f"s{i}" for i in range(101)], "clients[1].scopes: at most 100 items"),
    ("clients[1].scopes[1]", "users:readonly", "clients[1].scopes[1]: duplicate"),
    ("clients[1].redirectUris", DELETE, "clients[1].redirectUris: CODE clients need at least one"),
    ("clients[1].redirectUris", ["http://desk.example.com/cb"], "redirectUris[0]: use https://"),
    ("clients[1].redirectUris", ["/callback"], "clients[1].redirectUris[0]: use an absolute https"),
    ("clients[1].redirectUris", ["https://d.example.com/#x"], "redirectUris[0]: no fragment"),
    ("clients[1].redirectUris", ["https://[oops/cb"], "redirectUris[0]: not a valid URI"),
    ("clients[1].redirectUris", ["https://d .example.com/cb"], "redirectUris[0]: no spaces"),
    ("clients[1].redirectUris", ["https://d.example.com:99999/"], "redirectUris[0]: the port"),
    ("clients[1].redirectUris", ["https://u:p@d.example.com/cb"], "redirectUris[0]: no user name"),
    ("clients[1].redirectUris", ["https://d_x.example.com/cb"], "redirectUris[0]: the host must"),
    ("clients[1].redirectUris", ["https://x.example.com/" + "a" * 2048], "at most 2048 char"),
    ("clients[1].redirectUris", ["https://d.example.com/cb\n"], "redirectUris[0]: no spaces"),
    ("clients[1].redirectUris", "https://d.example.com/cb", "redirectUris: must be a list"),
    # The index is the entry's place in the config, whatever came before it.
    (
        "clients[1].redirectUris",
        [42, "http://desk.example.com/cb"],
        "clients[1].redirectUris[1]: use https://",
    ),
    (
        "clients[1].redirectUris",
        ["https://d.example.com/cb", "https://d.example.com/cb", "https://d_x.example.com/cb"],
        "clients[1].redirectUris[2]: the host must",
    ),
    ("clients[0].accessTokenValiditySeconds", 299, "299 is out of range; use 300 to 38880000"),
    ("clients[0].accessTokenValiditySeconds", 38880001, "out of range; use 300 to 38880000"),
    ("clients[0].accessTokenValiditySeconds", "86400", "must be a whole number from 300"),
    ("clients[0].accessTokenValiditySeconds", True, "must be a whole number from 300"),
    ("clients[1].state", "disabled", "clients[1].state: use one of active, inactive"),
    ("clients[1].recoveryWindowInDays", 6, "6 is out of range; Secrets Manager accepts 7 to 30"),
    ("clients[1].recoveryWindowInDays", 31, "31 is out of range; Secrets Manager accepts 7 to 30"),
    ("clients[1].recoveryWindowInDays", "30", "must be a whole number: 7 to 30, or 0"),
    ("clients[1].description", ["IVR"], "clients[1].description: must be text"),
    ("clients[1].description", "x" * 1001, "clients[1].description: at most 1000 characters"),
    ("clients[1].description", "line\nfake: ok", "clients[1].description: no control characters"),
    ("clients[1].description", "admin\u202eevil", "clients[1].description: no control characters"),
]


def parse(config: dict[str, Any], **options: Any) -> StackConfig:
    """``parse_stack_config`` on the project's own keys, as ``config_source`` hands them over."""
    return parse_stack_config({k: v for k, v in config.items() if ":" not in k}, **options)


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
    ids=[f"{index}-{row[0]}" for index, row in enumerate(BAD_CONFIGS)],
)
def test_bad_config_is_rejected_with_its_path_and_fix_before_any_resource(
    prod_config: dict[str, Any], marker: str, path: str, value: Any, expected: str
) -> None:
    run = start_engine(marker)

    message = str(refused_before_any_resource(run, mutate(prod_config, path, value)))

    assert f"genesys-oauth-secrets:{expected}" in message or expected in message
    assert "nothing was deployed" in message
    assert run.monitor.packages == []
    assert marker not in message


def test_the_table_covers_at_least_thirty_distinct_bad_configs() -> None:
    assert len({(row[0], row[2]) for row in BAD_CONFIGS}) >= 30


def test_every_problem_is_reported_in_one_run(prod_config: dict[str, Any]) -> None:
    config = mutate(prod_config, "genesysRegion", "mars-1")
    config = mutate(config, "clients[0].roles", [])
    config = mutate(config, "clients[1].state", "paused")

    with pytest.raises(ConfigError) as raised:
        parse(config)

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
        parse(config)

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

    parsed = parse(config)

    assert [client.name for client in parsed.clients] == ["ivr-integration", "agent-desktop"]


def test_saml2bearer_is_normalised_to_the_spelling_the_api_stores(
    prod_config: dict[str, Any],
) -> None:
    for grant_type in ("SAML2-BEARER", "SAML2BEARER"):
        config = mutate(prod_config, "clients[1].grantType", grant_type)
        config = mutate(config, "clients[1].redirectUris", DELETE)

        parsed = parse(config)

        assert parsed.clients[1].grant_type == "SAML2-BEARER"


def test_an_unknown_key_far_from_any_known_one_gets_no_suggestion(
    prod_config: dict[str, Any],
) -> None:
    config = mutate(prod_config, "zzz", "1")

    with pytest.raises(ConfigError) as raised:
        parse(config)

    assert raised.value.problems == (
        "genesys-oauth-secrets:zzz: unknown key; valid keys are: genesysRegion, clients, "
        "secretsKmsKeyId, tags, protectResources, genesysProvider, replicaRegions, "
        "adoptedClientSecrets",
    )


def test_an_unprintable_key_is_reported_without_echoing_it(prod_config: dict[str, Any]) -> None:
    config = mutate(prod_config, "tags", {"team\n- fake: line": "x"})
    config["clients"][0]["\x1b[31mred"] = 1

    with pytest.raises(ConfigError) as raised:
        parse(config)

    assert "\n- fake" not in str(raised.value)
    assert "\x1b" not in str(raised.value)
    assert len(raised.value.problems) == 2


def test_a_huge_problem_list_is_reported_with_a_bounded_message(
    prod_config: dict[str, Any],
) -> None:
    config = mutate(prod_config, "clients", [{"name": "BAD"}] * 200)

    with pytest.raises(ConfigError) as raised:
        parse(config)

    assert len(raised.value.problems) == 400
    assert str(raised.value).count("\n  - ") == 51
    assert str(raised.value).endswith("… and 350 more")


def test_a_number_too_long_to_print_is_reported_without_it(prod_config: dict[str, Any]) -> None:
    config = mutate(prod_config, "clients[0].accessTokenValiditySeconds", 10**5000)

    with pytest.raises(ConfigError) as raised:
        parse(config)

    assert raised.value.problems == (
        "genesys-oauth-secrets:clients[0].accessTokenValiditySeconds: the number is out of "
        "range; use 300 to 38880000",
    )


def test_corporate_provider_settings_are_parsed(prod_config: dict[str, Any]) -> None:
    config = mutate(
        prod_config,
        "genesysProvider",
        {
            "tokenPoolSize": 5,
            "customRetryTimeout": "1m30s",
            "proxy": {"host": "Proxy.Corp.example", "port": "3128", "protocol": "http"},
        },
    )

    settings = parse(config).genesys_provider

    assert settings.token_pool_size == 5
    assert settings.custom_retry_timeout == "1m30s"
    assert settings.proxy is not None
    assert (settings.proxy.host, settings.proxy.port, settings.proxy.protocol) == (
        "proxy.corp.example",
        3128,
        "http",
    )


@pytest.mark.parametrize(("value", "expected"), [(True, True), ("false", False), (DELETE, True)])
def test_protect_resources_is_a_boolean_defaulting_to_true(
    prod_config: dict[str, Any], value: Any, expected: bool
) -> None:
    config = mutate(prod_config, "protectResources", value)

    assert parse(config).protect_resources is expected


def test_a_shell_genesys_region_other_than_genesys_region_is_rejected(
    prod_config: dict[str, Any], marker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The provider is pinned to genesysRegion (an explicit input beats GENESYSCLOUD_REGION), so
    # a different variable means the deploying credentials were meant for another org region.
    monkeypatch.setenv("GENESYSCLOUD_REGION", "eu-west-1")
    run = start_engine(marker)

    error = refused_before_any_resource(run, prod_config)

    assert error.problems == (
        "genesys-oauth-secrets:genesysRegion: is us-east-1 but GENESYSCLOUD_REGION is "
        "eu-west-1. The program pins the Genesys provider to genesysRegion and ignores the "
        "variable, but deploying credentials belong to one org region: unset "
        "GENESYSCLOUD_REGION or set both to your org's region",
    )


@pytest.mark.parametrize("spelling", ["us-east-1", "US-EAST-1", ""])
def test_a_shell_genesys_region_equal_to_genesys_region_or_empty_passes(
    prod_config: dict[str, Any], marker: str, monkeypatch: pytest.MonkeyPatch, spelling: str
) -> None:
    # The provider lower-cases the region it is given; an empty variable is an unset one.
    monkeypatch.setenv("GENESYSCLOUD_REGION", spelling)
    run = start_engine(marker)

    run.evaluate(prod_config)

    assert len(run.monitor.packages) == 1


def test_an_unknown_shell_region_is_not_echoed(prod_config: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as raised:
        parse(prod_config, shell_region="Hunter2-not-a-region")

    assert "GENESYSCLOUD_REGION is an unknown region" in str(raised.value)
    assert "Hunter2" not in str(raised.value)
