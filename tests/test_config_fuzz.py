"""Any JSON-shaped config gives a config error listing problems or a valid config, nothing else.

Hypothesis feeds arbitrary JSON values at the top level, per client, and as the raw text the
CLI hands over; through the engine, it checks that a refused config registers nothing.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi.runtime
from hypothesis import given, settings
from hypothesis import strategies as st

from components.config import (
    CLIENT_KEYS,
    NAMESPACE,
    PROVIDER_KEYS,
    STACK_KEYS,
    ConfigError,
    StackConfig,
    load_stack_config,
    parse_stack_config,
)
from genesys_oauth_secrets.plan.engine import PROJECT, start_engine
from tests.support.hypothesis_profiles import health_checks_off

ROLE = "5f0c2e1a-8d3b-4c7e-9a61-2b4d6f8e0a13"
PLAUSIBLE = st.sampled_from(
    [
        "us-east-1",
        "CODE",
        "CLIENT-CREDENTIALS",
        "SAML2BEARER",
        ROLE,
        "*",
        "https://app.example.com/cb",
        "https://[oops/cb",
        "users:readonly",
        "inactive",
        300,
        7,
        0,
        "ivr",
    ]
)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text() | PLAUSIBLE
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12) | st.sampled_from(CLIENT_KEYS), children, max_size=4)
    ),
    max_leaves=16,
)
BASE = {
    "genesysRegion": "us-east-1",
    "clients": [{"name": "ivr", "grantType": "CLIENT-CREDENTIALS", "roles": [{"roleId": ROLE}]}],
}
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=health_checks_off())


def parsed_or_refused(raw: dict[str, Any]) -> StackConfig | ConfigError:
    try:
        return parse_stack_config(raw)
    except ConfigError as error:
        return error


def assert_well_formed(result: StackConfig | ConfigError) -> None:
    if isinstance(result, ConfigError):
        assert result.problems
        assert all(problem.startswith(f"{NAMESPACE}:") for problem in result.problems)


@FUZZ
@given(st.dictionaries(st.sampled_from(STACK_KEYS) | st.text(max_size=16), JSON, max_size=6))
def test_any_top_level_config_is_a_config_error_or_valid(overrides: dict[str, Any]) -> None:
    assert_well_formed(parsed_or_refused({**BASE, **overrides}))


@FUZZ
@given(st.lists(st.dictionaries(st.sampled_from(CLIENT_KEYS), JSON, max_size=9), max_size=3))
def test_any_client_entries_are_a_config_error_or_valid(clients: list[dict[str, Any]]) -> None:
    assert_well_formed(parsed_or_refused({**BASE, "clients": clients}))


@FUZZ
@given(st.dictionaries(st.sampled_from(PROVIDER_KEYS) | st.text(max_size=8), JSON, max_size=4))
def test_any_provider_settings_are_a_config_error_or_valid(provider: dict[str, Any]) -> None:
    assert_well_formed(parsed_or_refused({**BASE, "genesysProvider": provider}))


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["clients", "tags", "genesysProvider", "protectResources"]),
        st.text(),
        min_size=1,
    )
)
def test_any_raw_text_from_the_cli_is_a_config_error_or_valid(texts: dict[str, str]) -> None:
    values = {f"{PROJECT}:genesysRegion": "us-east-1", f"{PROJECT}:clients": '[{"name": "ivr"}]'}
    values.update({f"{PROJECT}:{key}": text for key, text in texts.items()})
    pulumi.runtime.set_all_config(values, [])
    try:
        result: StackConfig | ConfigError = load_stack_config(pulumi.Config(PROJECT))
    except ConfigError as error:
        result = error
    assert_well_formed(result)


@settings(max_examples=15, deadline=None, suppress_health_check=health_checks_off())
@given(st.dictionaries(st.sampled_from(CLIENT_KEYS), JSON, max_size=9))
def test_a_refused_config_registers_nothing_with_the_engine(client: dict[str, Any]) -> None:
    run = start_engine("fuzz")
    refused: ConfigError | None = None
    try:
        run.evaluate({**BASE, "clients": [client]})
    except ConfigError as error:
        refused = error
    if refused is None:
        assert len(run.of_type("genesyscloud:index/oauthClient:OauthClient")) == 1
    else:
        assert refused.problems
        assert [r.type for r in run.registrations] == ["pulumi:pulumi:Stack"]
        assert run.monitor.packages == []
