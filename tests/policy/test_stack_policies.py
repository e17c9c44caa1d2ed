"""The stack guardrails over the wire (``AnalyzeStack``, outputs of every resource): the stack
exports only client ids and secret ARNs, and every OAuth client sits in a component with exactly
one Secret and one SecretVersion."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from genesys_oauth_secrets.plan.policy_pack import RunningPolicyPack
from tests.policy.wire import (
    STACK_TYPE,
    STACK_URN,
    UNKNOWN_STRING,
    Resource,
    secret,
    stack_request,
    urn,
    violations,
)

COMPONENT = "genesys-oauth-secrets:index:OAuthClientSecret"
OAUTH_CLIENT = "genesyscloud:index/oauthClient:OauthClient"
SECRET = "aws:secretsmanager/secret:Secret"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
DYNAMIC = "pulumi-python:dynamic:Resource"
EXPORTS = "stack-exports-only-client-references"
PER_COMPONENT = "oauth-client-secret-per-component"


def client_id(name: str) -> str:
    return f"id-of-{name}"


def secret_arn(name: str) -> str:
    return f"arn:aws:secretsmanager:us-east-1:123456789012:secret:genesys/oauth/prod/{name}-AbCdEf"


def component(name: str, *, generations: int = 1) -> list[Resource]:
    """One OAuthClientSecret as the program builds it; ``generations`` clients inside."""
    parent = urn(COMPONENT, name)
    clients = [
        Resource(
            OAUTH_CLIENT,
            f"{name}-oauth-client" + (f"-g{g}" if g > 1 else ""),
            {
                "clientId": client_id(name) if g == generations else f"old-{g}",
                "clientSecret": secret("s3cr3t"),
                "exposeClientSecret": True,
            },
            parent=parent,
            secret_outputs=["clientSecret"],
        )
        for g in range(1, generations + 1)
    ]
    return [
        Resource(COMPONENT, name, {"client_id": client_id(name), "secret_arn": secret_arn(name)}),
        *clients,
        Resource(
            SECRET,
            f"{name}-secret",
            {"arn": secret_arn(name), "id": secret_arn(name)},
            parent=parent,
        ),
        Resource(
            SECRET_VERSION,
            f"{name}-secret-version",
            {"secretId": secret_arn(name), "secretString": secret("{}")},
            parent=parent,
            secret_outputs=["secretString"],
        ),
    ]


def exports(names: list[str]) -> dict[str, Any]:
    return {"clients": {n: {"client_id": client_id(n), "secret_arn": secret_arn(n)} for n in names}}


def stack(outputs: dict[str, Any]) -> Resource:
    return Resource(STACK_TYPE, "genesys-oauth-secrets-prod", outputs, parent="")


def healthy(names: tuple[str, ...] = ("ivr", "desktop")) -> list[Resource]:
    return [stack(exports(list(names))), *(r for n in names for r in component(n))]


def judge(pack: RunningPolicyPack, resources: list[Resource]) -> list[tuple[str, str, str]]:
    found = violations(pack.analyze_stack(stack_request(resources)))
    return [(v.policy, v.level, v.urn) for v in found]


def messages(pack: RunningPolicyPack, resources: list[Resource]) -> str:
    return "\n".join(v.message for v in violations(pack.analyze_stack(stack_request(resources))))


def with_stack_outputs(resources: list[Resource], outputs: dict[str, Any]) -> list[Resource]:
    return [stack(outputs) if r.type == STACK_TYPE else r for r in resources]


def test_the_program_shaped_stack_passes(pack: RunningPolicyPack) -> None:
    assert judge(pack, healthy()) == []


def test_a_stack_without_clients_passes(pack: RunningPolicyPack) -> None:
    assert judge(pack, [stack({"clients": {}})]) == []


def test_an_extra_export_is_a_violation_on_the_stack(pack: RunningPolicyPack) -> None:
    resources = with_stack_outputs(healthy(), {**exports(["ivr", "desktop"]), "debug": "x"})

    assert judge(pack, resources) == [(EXPORTS, "mandatory", STACK_URN)]
    assert "the stack exports 'debug'" in messages(pack, resources)


def test_many_extra_exports_are_counted_not_all_listed(pack: RunningPolicyPack) -> None:
    leaks = {f"leak-{index:04}": index for index in range(1000)}
    resources = with_stack_outputs(healthy(), {**exports(["ivr", "desktop"]), **leaks})

    text = messages(pack, resources)

    assert "'leak-0000', 'leak-0001', 'leak-0002', 'leak-0003', 'leak-0004' and 995 more" in text
    assert len(text) < 2000


def test_an_exported_secret_beside_the_ids_is_a_violation(pack: RunningPolicyPack) -> None:
    outputs = exports(["ivr", "desktop"])
    outputs["clients"]["ivr"]["client_secret"] = secret("s3cr3t")
    resources = with_stack_outputs(healthy(), outputs)

    assert judge(pack, resources) == [(EXPORTS, "mandatory", STACK_URN)]
    assert "entries 'ivr' are not exactly {client_id, secret_arn}" in messages(pack, resources)
    assert "s3cr3t" not in messages(pack, resources)


def test_a_secret_exported_under_an_innocent_key_is_a_violation(pack: RunningPolicyPack) -> None:
    outputs = exports(["ivr", "desktop"])
    outputs["clients"]["desktop"]["client_id"] = secret("s3cr3t")
    resources = with_stack_outputs(healthy(), outputs)

    assert judge(pack, resources) == [(EXPORTS, "mandatory", STACK_URN)]
    assert "entries 'desktop' hold a client_id or secret_arn" in messages(pack, resources)


def test_clients_export_that_is_not_a_map_is_a_violation(pack: RunningPolicyPack) -> None:
    resources = with_stack_outputs(healthy(), {"clients": ["ivr"]})

    assert judge(pack, resources) == [(EXPORTS, "mandatory", STACK_URN)]


def test_a_stack_request_without_the_root_stack_fails_closed(pack: RunningPolicyPack) -> None:
    resources = [r for r in healthy() if r.type != STACK_TYPE]

    assert judge(pack, resources) == [(EXPORTS, "mandatory", "")]


def test_values_unknown_in_preview_are_left_to_the_update(pack: RunningPolicyPack) -> None:
    preview = [
        replace(r, outputs=dict.fromkeys(r.outputs, UNKNOWN_STRING))
        if r.type in (OAUTH_CLIENT, SECRET, SECRET_VERSION)
        else r
        for r in healthy()
    ]
    outputs = {
        "clients": {
            n: {"client_id": UNKNOWN_STRING, "secret_arn": UNKNOWN_STRING}
            for n in ("ivr", "desktop")
        }
    }

    assert judge(pack, with_stack_outputs(preview, outputs)) == []


def test_a_client_outside_any_component_is_a_violation(pack: RunningPolicyPack) -> None:
    stray = Resource(
        OAUTH_CLIENT, "stray", {"clientId": "id-stray"}, secret_outputs=["clientSecret"]
    )

    assert judge(pack, [*healthy(), stray]) == [(PER_COMPONENT, "mandatory", stray.urn)]


def test_a_component_without_a_secret_version_is_a_violation(pack: RunningPolicyPack) -> None:
    resources = [r for r in healthy() if r.name != "ivr-secret-version"]

    assert judge(pack, resources) == [(PER_COMPONENT, "mandatory", urn(COMPONENT, "ivr"))]
    assert "holds 1 OAuth client(s) with 1 Secret(s) and 0 SecretVersion(s)" in messages(
        pack, resources
    )


def test_a_component_with_two_secrets_is_a_violation(pack: RunningPolicyPack) -> None:
    extra = Resource(SECRET, "ivr-secret-copy", {"arn": "arn:copy"}, parent=urn(COMPONENT, "ivr"))

    assert judge(pack, [*healthy(), extra]) == [(PER_COMPONENT, "mandatory", urn(COMPONENT, "ivr"))]


def test_a_version_writing_to_another_secret_is_a_violation(pack: RunningPolicyPack) -> None:
    resources = [
        replace(r, outputs={"secretId": secret_arn("desktop")})
        if r.name == "ivr-secret-version"
        else r
        for r in healthy()
    ]

    version = urn(SECRET_VERSION, "ivr-secret-version", urn(COMPONENT, "ivr"))
    assert judge(pack, resources) == [(PER_COMPONENT, "mandatory", version)]


def test_rotation_generations_share_one_secret_and_version(pack: RunningPolicyPack) -> None:
    """r9's shapes: keepPrevious keeps two clients in the component, regenerate adds a dynamic
    resource; still one Secret and one SecretVersion."""
    rotated = component("ivr", generations=2)
    regenerator = Resource(
        DYNAMIC, "ivr-regenerated-secret", {"__provider": "x"}, parent=urn(COMPONENT, "ivr")
    )

    assert judge(pack, [stack(exports(["ivr"])), *rotated, regenerator]) == []


def test_a_client_secret_used_as_a_key_is_a_violation_that_does_not_show_it(
    pack: RunningPolicyPack,
) -> None:
    """Issue 20 finding 2: keys of ``clients`` were never checked."""
    outputs = exports(["ivr", "desktop"])
    outputs["clients"]["s3cr3t"] = outputs["clients"].pop("ivr")
    resources = with_stack_outputs(healthy(), outputs)

    assert judge(pack, resources) == [(EXPORTS, "mandatory", STACK_URN)]
    assert "1 clients entry is keyed by a client secret" in messages(pack, resources)
    assert "s3cr3t" not in messages(pack, resources)


def test_a_known_foreign_id_is_judged_while_another_client_id_is_unknown(
    pack: RunningPolicyPack,
) -> None:
    """Issue 20 finding 2: one unknown id (every preview with a new client) cleared them all."""
    preview = [
        replace(r, outputs={**r.outputs, "clientId": UNKNOWN_STRING})
        if r.type == OAUTH_CLIENT and r.name.startswith("desktop")
        else r
        for r in healthy()
    ]
    outputs = exports(["ivr", "desktop"])
    outputs["clients"]["desktop"]["client_id"] = UNKNOWN_STRING
    passing = with_stack_outputs(preview, outputs)
    outputs = exports(["ivr", "desktop"])
    outputs["clients"]["desktop"]["client_id"] = UNKNOWN_STRING
    outputs["clients"]["ivr"]["client_id"] = secret("s3cr3t")
    violating = with_stack_outputs(preview, outputs)

    assert judge(pack, passing) == []
    assert judge(pack, violating) == [(EXPORTS, "mandatory", STACK_URN)]
    assert "entries 'ivr' hold a client_id or secret_arn" in messages(pack, violating)
