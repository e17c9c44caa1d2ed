"""Whatever a program sends, the pack answers: a result for every request (never a gRPC error,
which would mean a policy crashed), bounded messages, and never a secret value in them."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from genesys_oauth_secrets.plan.engine import SECRET_SIG_KEY
from genesys_oauth_secrets.plan.policy_pack import RunningPolicyPack
from tests.policy.wire import (
    STACK_TYPE,
    UNKNOWN_STRING,
    Resource,
    configured,
    request,
    secret,
    stack_request,
    urn,
    violations,
)
from tests.support.hypothesis_profiles import health_checks_off

PLANTED = "PLANTED-SECRET-3f9a1c"
MESSAGE_LIMIT = 2000
TYPES = [
    "genesyscloud:index/oauthClient:OauthClient",
    "aws:secretsmanager/secret:Secret",
    "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:kms/key:Key",
    "genesys-oauth-secrets:index:OAuthClientSecret",
    STACK_TYPE,
]
PROPERTY_NAMES = [
    "exposeClientSecret",
    "directoryClientSecret",
    "authorizedGrantType",
    "roles",
    "scopes",
    "kmsKeyId",
    "recoveryWindowInDays",
    "tags",
    "enableKeyRotation",
    "deletionWindowInDays",
    "clients",
    "client_id",
    "secret_arn",
    "clientId",
    "arn",
    "id",
    "secretId",
    "managed-by",
    "pulumi-stack",
    "genesys-oauth-client",
]
keys = st.sampled_from(PROPERTY_NAMES) | st.text(max_size=80).filter(lambda k: k != SECRET_SIG_KEY)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=80)
    | st.sampled_from(
        ["SAML2BEARER", "CLIENT-CREDENTIALS", "alias/aws/x", UNKNOWN_STRING, "pulumi"]
    )
)
values = st.recursive(
    scalars | st.just(secret(PLANTED)),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=30,
)
properties = st.dictionaries(keys, values, max_size=8)
resources = st.builds(
    lambda type_, name, outputs, nested: Resource(
        type_,
        name,
        outputs,
        parent=urn("genesys-oauth-secrets:index:OAuthClientSecret", "c")
        if nested
        else urn(STACK_TYPE, "genesys-oauth-secrets-prod"),
    ),
    st.sampled_from(TYPES),
    st.text(min_size=1, max_size=40),
    properties,
    st.booleans(),
)
RELAXED = settings(deadline=None, max_examples=60, suppress_health_check=health_checks_off())


def assert_answered_safely(found: list[Any]) -> None:
    for violation in found:
        assert len(violation.message) < MESSAGE_LIMIT
        assert PLANTED not in violation.message


@RELAXED
@given(type_=st.sampled_from(TYPES), props=properties, sealed=st.booleans())
def test_any_resource_gets_an_answer(
    pack: RunningPolicyPack, type_: str, props: dict[str, Any], sealed: bool
) -> None:
    wire = request(type_, "hostile", props, secret_outputs=["clientSecret"] if sealed else [])

    assert_answered_safely(violations(pack.analyze(wire)))


@RELAXED
@given(stack_outputs=properties, others=st.lists(resources, max_size=6))
def test_any_stack_gets_an_answer(
    pack: RunningPolicyPack, stack_outputs: dict[str, Any], others: list[Resource]
) -> None:
    root = Resource(STACK_TYPE, "genesys-oauth-secrets-prod", stack_outputs, parent="")

    assert_answered_safely(violations(pack.analyze_stack(stack_request([root, *others]))))


@RELAXED
@given(minimum=values)
def test_any_recovery_minimum_gets_an_answer(pack: RunningPolicyPack, minimum: Any) -> None:
    wire = request("aws:secretsmanager/secret:Secret", "s", {"recoveryWindowInDays": 10})

    with configured(pack, {"secret-recovery-window": {"minimumDays": minimum}}):
        assert_answered_safely(violations(pack.analyze(wire)))


def test_hostile_names_are_escaped_and_cut(pack: RunningPolicyPack) -> None:
    root = Resource(
        STACK_TYPE, "s", {"clients": {}, "\x1b[2J\nfake line" + "x" * 500: 1}, parent=""
    )

    [violation] = violations(pack.analyze_stack(stack_request([root])))

    assert "\x1b" not in violation.message
    assert "\\x1b[2J\\nfake line" in violation.message
    assert len(violation.message) < MESSAGE_LIMIT
