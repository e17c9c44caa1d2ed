"""The regenerate call against a fake Genesys organisation on loopback that follows the documented
contract: a token from the login host for the deploying client, ``POST
/api/v2/oauth/clients/{id}/secret`` needing ``oauth:client:edit``, the old secret dead at once,
and Genesys' ErrorBody for 401/403/404/429.
"""

from __future__ import annotations

import base64
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from http import HTTPStatus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.issue_time import ISSUED_AT_OUTPUT, parse_issued_at
from components.rotation_api import (
    GenesysEndpoints,
    RegenerationError,
    regenerate_secret,
)
from components.rotation_provider import RegenerateSecretProvider
from genesys_credentials import RetryPolicy, Secret
from tests.support.fake_genesys_api import FakeGenesysApi, genesys_api
from tests.support.fake_genesys_login import HANG_UP, Scripted
from tests.support.hypothesis_profiles import FIXTURE_OK

__all__ = ["genesys_api"]

DEPLOYER_SECRET = "deployer-secret-4c1d9a7e"
OLD_SECRET = "old-client-secret-77b2"
UNKNOWN_CLIENT = "0b7f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4"


class Org:
    """The fake org with a deploying client and the client whose secret gets regenerated."""

    def __init__(self, api: FakeGenesysApi, *permissions: str) -> None:
        role = api.add_role("OAuth admin", *permissions)
        self.api = api
        self.deployer = api.add_client("deployer", DEPLOYER_SECRET, [(role, api.home_division)])
        self.client = api.add_client("ivr-integration", OLD_SECRET)
        self.endpoints = GenesysEndpoints(api_base_url=api.base_url, token_url=api.token_url)
        self.environ = {
            "GENESYSCLOUD_OAUTHCLIENT_ID": self.deployer,
            "GENESYSCLOUD_OAUTHCLIENT_SECRET": DEPLOYER_SECRET,
        }
        self.sleeps: list[float] = []
        self.retry = RetryPolicy(sleep=self.sleeps.append, jitter=lambda: 1.0)
        self.timeout = 10.0
        """Each request's total deadline, in seconds."""

    @property
    def secret_path(self) -> str:
        return f"/api/v2/oauth/clients/{self.client}/secret"

    def regenerate(self, client_id: str | None = None, **environ: str) -> Secret:
        return regenerate_secret(
            client_id or self.client,
            self.endpoints,
            getenv={**self.environ, **environ}.get,
            retry=self.retry,
            timeout=self.timeout,
        )

    def posts(self) -> int:
        """Regeneration requests Genesys received for the client (each one kills a secret)."""
        calls = self.api.api_calls
        return sum(1 for call in calls if (call.method, call.path) == ("POST", self.secret_path))

    def token_requests_of_client(self) -> list[int]:
        """The login host's answers to token requests made as the regenerated client."""
        return [seen.status for seen in self.api.received if seen.client_id == self.client]


@pytest.fixture
def org(genesys_api: FakeGenesysApi) -> Org:
    return Org(genesys_api, "oauth:client:edit")


@pytest.fixture
def viewer(genesys_api: FakeGenesysApi) -> Org:
    """The deployer may view OAuth clients but not edit them: regenerating is refused (403)."""
    return Org(genesys_api, "oauth:client:view")


def login_status(api: FakeGenesysApi, client_id: str, secret: str) -> int:
    """What the login host answers to this pair now."""
    pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 - loopback fake only
        api.token_url,
        data=urllib.parse.urlencode({"grant_type": "client_credentials"}).encode(),
        method="POST",
        headers={
            "Authorization": f"Basic {pair}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        with error:
            return error.code


def test_regeneration_returns_the_new_secret_and_the_old_one_dies(org: Org) -> None:
    secret = org.regenerate()

    assert org.api.regenerated[org.client] == [secret.reveal()]
    assert login_status(org.api, org.client, secret.reveal()) == HTTPStatus.OK
    assert login_status(org.api, org.client, OLD_SECRET) == HTTPStatus.UNAUTHORIZED
    [call] = [c for c in org.api.api_calls if c.path == org.secret_path]
    assert (call.method, call.status, call.client_id) == ("POST", 200, org.deployer)
    assert repr(secret) != secret.reveal()


def test_a_given_access_token_is_used_without_client_credentials(org: Org) -> None:
    org.regenerate()  # the deployer logs in once; reuse the token it was issued
    [token] = [t for t in org.api.issued if org.api.token_clients[t] == org.deployer]

    secret = regenerate_secret(
        org.client,
        org.endpoints,
        getenv={"GENESYSCLOUD_ACCESS_TOKEN": token}.get,
        retry=org.retry,
    )

    assert org.api.regenerated[org.client][-1] == secret.reveal()


def test_credentials_are_read_from_the_environment_at_call_time(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GENESYSCLOUD_OAUTHCLIENT_ID", "GENESYSCLOUD_OAUTHCLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("GENESYSCLOUD_ACCESS_TOKEN", raising=False)
    with pytest.raises(RegenerationError, match="set GENESYSCLOUD_OAUTHCLIENT_ID and"):
        regenerate_secret(org.client, org.endpoints, retry=org.retry)

    for name, value in org.environ.items():
        monkeypatch.setenv(name, value)
    secret = regenerate_secret(org.client, org.endpoints, retry=org.retry)

    assert org.api.regenerated[org.client] == [secret.reveal()]


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (
            {"GENESYSCLOUD_OAUTHCLIENT_SECRET": "wrong-deployer-secret"},
            "the Genesys login host rejected GENESYSCLOUD_OAUTHCLIENT_ID/"
            "GENESYSCLOUD_OAUTHCLIENT_SECRET (401)",
        ),
        (
            {"GENESYSCLOUD_ACCESS_TOKEN": "expired-token"},
            "the Genesys API rejected the deploying token (401 bad.credentials",
        ),
    ],
    ids=["bad-client-credentials", "bad-access-token"],
)
def test_rejected_deploying_credentials_name_the_variables(
    org: Org, setup: dict[str, str], expected: str
) -> None:
    with pytest.raises(RegenerationError) as raised:
        org.regenerate(**setup)

    assert expected in str(raised.value)
    assert org.api.regenerated == {}


def test_a_deployer_without_oauth_client_edit_is_told_the_permission(viewer: Org) -> None:
    with pytest.raises(RegenerationError) as raised:
        viewer.regenerate()

    message = str(raised.value)
    assert "403 missing.permissions" in message
    assert "give it a role with the permission oauth:client:edit" in message
    assert login_status(viewer.api, viewer.client, OLD_SECRET) == HTTPStatus.OK, "old secret intact"


def test_an_unknown_client_is_a_404_that_suggests_a_refresh(org: Org) -> None:
    with pytest.raises(RegenerationError) as raised:
        org.regenerate(UNKNOWN_CLIENT)

    assert f"OAuth client {UNKNOWN_CLIENT} does not exist in this Genesys org (404" in str(
        raised.value
    )
    assert "pulumi refresh" in str(raised.value)


@pytest.mark.parametrize("client_id", ["", "../../users/me", "abc", f"{UNKNOWN_CLIENT}/x"])
def test_a_client_id_that_is_not_a_uuid_is_refused_before_any_request(
    org: Org, client_id: str
) -> None:
    with pytest.raises(RegenerationError, match="is not a UUID"):
        regenerate_secret(client_id, org.endpoints, getenv=org.environ.get, retry=org.retry)

    assert org.api.api_calls == []
    assert org.api.received == []


def test_429_is_retried_after_the_servers_retry_after(org: Org) -> None:
    org.api.throttle_api(org.secret_path, 2, retry_after="3")

    secret = org.regenerate()

    assert org.sleeps == [3.0, 3.0]
    assert org.api.regenerated[org.client] == [secret.reveal()]


def test_endless_429_gives_up_saying_the_secret_may_have_changed(org: Org) -> None:
    org.api.throttle_api(org.secret_path, 10, retry_after="1")

    with pytest.raises(RegenerationError) as raised:
        org.regenerate()

    assert "answered 429" in str(raised.value)
    assert "gave up after 4 attempt(s)" in str(raised.value)
    assert "run `pulumi up` again" in str(raised.value)


def test_an_expired_token_is_renewed_once(org: Org) -> None:
    body = {"message": "expired", "code": "authentication.required", "status": 401}
    org.api.script_api(org.secret_path, Scripted(HTTPStatus.UNAUTHORIZED, body))

    secret = org.regenerate()

    assert org.api.regenerated[org.client] == [secret.reveal()]
    assert [org.api.token_clients[token] for token in org.api.issued].count(org.deployer) == 2


def test_a_200_without_a_secret_is_an_error_not_an_empty_secret(org: Org) -> None:
    org.api.script_api(org.secret_path, Scripted(HTTPStatus.OK, {"id": org.client}))

    with pytest.raises(RegenerationError, match="answered 200 without a secret"):
        org.regenerate()


def test_no_secret_is_left_in_the_message_or_the_frames_of_a_failure(viewer: Org) -> None:
    with pytest.raises(RegenerationError) as raised:
        viewer.regenerate()

    assert DEPLOYER_SECRET not in str(raised.value)
    tokens = viewer.api.issued
    frames = [frame for frame, _ in traceback.walk_tb(raised.value.__traceback__)]
    assert len(frames) > 2
    for frame in frames[1:]:  # the first is this test, which knows the secrets
        shown = "\n".join(repr(value) for value in frame.f_locals.values())
        assert DEPLOYER_SECRET not in shown, f"deployer secret in {frame.f_code.co_name}"
        assert not any(token in shown for token in tokens), f"token in {frame.f_code.co_name}"
    assert raised.value.__context__ is None
    assert raised.value.__cause__ is None


ANSWERS = st.builds(
    Scripted,
    status=st.sampled_from([200, 201, 301, 400, 401, 403, 404, 409, 429, 500, 503]),
    body=st.dictionaries(
        st.sampled_from(["secret", "message", "code", "id"]),
        st.one_of(st.none(), st.integers(), st.text(max_size=40)),
        max_size=4,
    ),
    headers=st.dictionaries(
        st.just("Retry-After"), st.sampled_from(["0", "1", "x", "99999", "²"]), max_size=1
    ),
    raw=st.one_of(st.none(), st.binary(max_size=60)),
)


def outcome_of(org: Org) -> Secret | RegenerationError:
    """The secret, or the expected error; any other exception fails the test."""
    try:
        return org.regenerate()
    except RegenerationError as error:
        return error


@settings(max_examples=40, suppress_health_check=FIXTURE_OK)
@given(answers=st.lists(ANSWERS, min_size=1, max_size=5))
def test_any_answer_sequence_gives_a_secret_or_a_regeneration_error(
    org: Org, answers: list[Scripted]
) -> None:
    org.api.clear_api_scripts()
    org.api.script_api(org.secret_path, *answers)
    before = len(org.api.api_calls)

    outcome = outcome_of(org)

    posts = [c.status for c in org.api.api_calls[before:] if c.path == org.secret_path]
    assert set(posts[:-1]) <= {401, 429}, "a POST resent after an answer that may have committed"
    if isinstance(outcome, RegenerationError):
        assert DEPLOYER_SECRET not in str(outcome)
        assert len(str(outcome)) < 1_000
    else:
        assert outcome.reveal()


def test_the_dynamic_provider_regenerates_with_the_deploying_environment(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in org.environ.items():
        monkeypatch.setenv(name, value)
    props = {
        "clientId": org.client,
        "generation": 2,
        "apiBaseUrl": org.api.base_url,
        "tokenUrl": org.api.token_url,
    }
    provider = RegenerateSecretProvider()

    before = datetime.now(UTC).replace(microsecond=0)
    created = provider.create(props)
    updated = provider.update(created.id, created.outs or {}, {**props, "generation": 3})
    after = datetime.now(UTC)

    first, second = org.api.regenerated[org.client]
    assert created.id == f"{org.client}/2"
    created_outs, updated_outs = dict(created.outs or {}), dict(updated.outs or {})
    # The issue time is when the regeneration was answered: the age report starts there.
    for outs in (created_outs, updated_outs):
        issued = parse_issued_at(outs.pop(ISSUED_AT_OUTPUT))
        assert issued is not None
        assert before <= issued <= after
    assert created_outs == {**props, "secret": first}
    assert updated_outs == {**props, "generation": 3, "secret": second}
    assert login_status(org.api, org.client, second) == HTTPStatus.OK
    assert login_status(org.api, org.client, first) == HTTPStatus.UNAUTHORIZED


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GENESYSCLOUD_ACCESS_TOKEN", "tok3n-first-half-4f2a9c\ntok3n-second-half-b81e07"),
        ("GENESYSCLOUD_ACCESS_TOKEN", "tok3n-with-an-escape\x1b[2Jtok3n-tail-b81e07"),
        ("GENESYSCLOUD_OAUTHCLIENT_SECRET", "deployer-secret-4c1d9a7e\nsecond-line-b81e07"),
    ],
)
def test_a_garbled_variable_is_refused_by_name_before_any_request(
    org: Org, variable: str, value: str
) -> None:
    with pytest.raises(RegenerationError, match=f"^{variable} holds control") as raised:
        org.regenerate(**{variable: value})
    text = "".join(traceback.format_exception(raised.value))
    lines = [line for line in value.replace("\x1b", "\n").splitlines() if line]
    assert not [line[:8] for line in lines if line[:8] in text]
    assert not org.api.api_calls
    assert org.api.regenerated == {}


def test_an_api_error_echoing_the_bearer_token_quotes_no_token(org: Org) -> None:
    echo = Scripted(403, {"code": "missing.permissions", "message": ""}, echo_request=True)
    org.api.script_api(org.secret_path, echo)
    with pytest.raises(RegenerationError, match="403") as raised:
        org.regenerate()
    [token] = org.api.issued
    assert "Authorization: Bearer *" in str(raised.value)
    assert token[:8] not in str(raised.value)
    assert token[-8:] not in str(raised.value)


def frame_locals(error: BaseException) -> str:
    """Every frame local of ``error`` and of the errors it chains, as an error tracker that
    captures locals (Sentry, ``TracebackException(capture_locals=True)``) would record them."""
    return "".join(traceback.TracebackException.from_exception(error, capture_locals=True).format())


def test_blank_client_id_leaves_the_set_secret_in_no_frame(org: Org) -> None:
    with pytest.raises(RegenerationError, match="no Genesys credentials") as raised:
        org.regenerate(GENESYSCLOUD_OAUTHCLIENT_ID="  ")
    assert DEPLOYER_SECRET not in frame_locals(raised.value)


def test_a_refusal_echoing_the_request_leaves_no_token_in_any_frame(org: Org) -> None:
    echo = Scripted(403, {"code": "missing.permissions", "message": ""}, echo_request=True)
    org.api.script_api(org.secret_path, echo)
    with pytest.raises(RegenerationError, match="403") as raised:
        org.regenerate()
    recorded = frame_locals(raised.value)  # before this frame holds the token itself
    [token] = org.api.issued
    assert token not in recorded
    assert DEPLOYER_SECRET not in recorded


UNCONFIRMED = (
    "could not be confirmed, so Pulumi stores nothing and the next `pulumi up` regenerates "
    "again; until then the client's previous secret may be dead, and consumers' new token "
    "requests are rejected (401)"
)


def settled(org: Org, seconds: float = 5.0) -> None:
    """Wait until the fake has committed a regeneration still in flight on its side."""
    ends = time.monotonic() + seconds
    while not org.api.regenerated and time.monotonic() < ends:
        time.sleep(0.05)


def assert_outcome_unknown(org: Org, error: RegenerationError) -> None:
    settled(org)
    [live] = org.api.regenerated[org.client]
    assert org.posts() == 1, "a regeneration that may have reached Genesys was sent again"
    assert "was not resent" in str(error)
    assert "its outcome is unknown" in str(error)
    assert UNCONFIRMED in str(error)
    assert live not in str(error)
    assert DEPLOYER_SECRET not in str(error)


def test_a_commit_slower_than_the_deadline_is_not_resent(org: Org) -> None:
    org.api.commit_then(org.secret_path, None, delay=1.5)
    org.timeout = 0.5

    with pytest.raises(RegenerationError) as raised:
        org.regenerate()

    assert_outcome_unknown(org, raised.value)
    assert "deadline" in str(raised.value)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_gateway_error_after_the_commit_is_not_resent(org: Org, status: int) -> None:
    gateway = Scripted(status, {"message": "Bad Gateway", "code": "bad.gateway"})
    org.api.commit_then(org.secret_path, gateway)

    with pytest.raises(RegenerationError) as raised:
        org.regenerate()

    assert_outcome_unknown(org, raised.value)
    assert f"the answer was {status}" in str(raised.value)


@pytest.mark.parametrize("status", [201, 202, 204])
def test_a_success_other_than_200_says_the_outcome_is_unknown(org: Org, status: int) -> None:
    """Any 2xx means the request was processed: the secret before it may be dead, and the
    message must say so (and what consumers see), not read as a plain refusal."""
    org.api.commit_then(org.secret_path, Scripted(status, {}))

    with pytest.raises(RegenerationError) as raised:
        org.regenerate()

    assert_outcome_unknown(org, raised.value)
    assert f"the answer was {status}" in str(raised.value)


def test_an_answer_lost_after_the_commit_is_not_resent(org: Org) -> None:
    org.api.commit_then(org.secret_path, HANG_UP)

    with pytest.raises(RegenerationError) as raised:
        org.regenerate()

    assert_outcome_unknown(org, raised.value)
    assert "no answer" in str(raised.value)


def test_a_success_is_one_post_and_one_token_request_with_the_new_secret(org: Org) -> None:
    secret = org.regenerate()

    assert org.posts() == 1
    assert org.api.regenerated[org.client] == [secret.reveal()]
    assert org.token_requests_of_client() == [HTTPStatus.OK], "proven with the new secret"
    assert org.sleeps == []


def test_a_200_whose_secret_the_login_host_rejects_fails_and_says_what_follows(
    org: Org,
) -> None:
    dead = "dead-secret-never-live-5e1f"
    answer = {**org.api.clients[org.client], "secret": dead}
    org.api.script_api(org.secret_path, Scripted(HTTPStatus.OK, answer))

    with pytest.raises(RegenerationError) as raised:
        org.regenerate()

    message = str(raised.value)
    assert "the login host rejected the new secret (401)" in message
    assert UNCONFIRMED in message
    assert dead not in message
    frames = [frame for frame, _ in traceback.walk_tb(raised.value.__traceback__)]
    for frame in frames[1:]:  # the first is this test, which knows the secret
        shown = "\n".join(repr(value) for value in frame.f_locals.values())
        assert dead not in shown, f"the regenerated secret in {frame.f_code.co_name}"
    assert org.posts() == 1
    rejected = org.token_requests_of_client()
    assert len(rejected) == 5
    assert set(rejected) == {HTTPStatus.UNAUTHORIZED}
    assert sum(org.sleeps) == pytest.approx(5.0), "about 5 s for the secret to propagate"


def test_a_secret_that_propagates_late_is_accepted_after_a_wait(org: Org) -> None:
    org.regenerate()  # the deployer logs in once; its token makes the only login the proof
    deployer_token = org.api.issued[0]
    org.api.script(Scripted(HTTPStatus.UNAUTHORIZED, {"error": "invalid_client"}))

    secret = org.regenerate(GENESYSCLOUD_ACCESS_TOKEN=deployer_token)

    assert org.api.regenerated[org.client][-1] == secret.reveal()
    assert org.posts() == 2
    assert org.sleeps[-1:] == [0.5]


@pytest.mark.parametrize(
    ("state", "proven"), [("active", True), ("inactive", False), ("disabled", False)]
)
def test_a_client_without_the_client_credentials_grant_is_proven_by_its_state(
    genesys_api: FakeGenesysApi, state: str, proven: bool
) -> None:
    org = Org(genesys_api, "oauth:client:edit", "oauth:client:view")
    genesys_api.clients[org.client]["authorizedGrantType"] = "CODE"
    answer = {**genesys_api.clients[org.client], "secret": "code-grant-secret-91aa"}
    genesys_api.script_api(org.secret_path, Scripted(HTTPStatus.OK, answer))
    genesys_api.clients[org.client]["state"] = state

    if proven:
        assert org.regenerate().reveal() == "code-grant-secret-91aa"
    else:
        with pytest.raises(RegenerationError, match=f"state is '{state}', not 'active'") as err:
            org.regenerate()
        assert UNCONFIRMED in str(err.value)
    assert org.token_requests_of_client() == []
    reads = [c for c in genesys_api.api_calls if c.method == "GET"]
    assert [c.path for c in reads] == [f"/api/v2/oauth/clients/{org.client}"]
