"""Whatever the API answers, ``config_entry`` returns an entry and problems; it never raises."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from genesys_oauth_secrets.adopt.config_entry import config_entry
from tests.support.hypothesis_profiles import health_checks_off

CLIENT_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
FIELDS = (
    "name",
    "description",
    "authorizedGrantType",
    "roleDivisions",
    "scope",
    "registeredRedirectUri",
    "accessTokenValiditySeconds",
    "state",
    "secret",
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["roleId", "divisionId"]) | st.text(max_size=6), children)
    ),
    max_leaves=12,
)
FUZZ = settings(max_examples=100, suppress_health_check=health_checks_off())


@FUZZ
@given(st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=len(FIELDS)))
def test_any_answer_becomes_an_entry_with_adopt_or_a_list_of_fixes(client: dict[str, Any]) -> None:
    described = config_entry(client, CLIENT_ID)

    assert described.entry["adopt"] == {"clientId": CLIENT_ID, "secret": "regenerate"}
    assert all(isinstance(problem, str) and problem for problem in described.problems)
    assert "secret" not in described.entry
