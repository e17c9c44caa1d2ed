"""A realistic checkpoint of this program after ``pulumi up``, for the demo, tests and benchmark.

It follows the shapes of ``pulumi/pulumi`` ``apitype`` (``VersionedCheckpoint``,
``DeploymentV3``, ``ResourceV3``, ``SecretV1``) and the resources the program registers: the
stack, the default providers (``aws``, ``genesyscloud``, and ``pulumi-python`` for the dynamic
resources), the stack's KMS key and alias, and per client an ``OAuthClientSecret`` component with
its OAuth client, the client's issue stamp, its secret and secret version. Secrets are
ciphertext envelopes whose ``v1:<nonce>:<ciphertext>`` is random bytes (no real KMS here): the
plaintext secret is never derivable from the file, exactly the property the audit checks.

Deterministic for a given seed, so a benchmark is stable; tests name a resource by type and name
(``SampleState.index``), never by a position the next resource added would shift.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import IO, Any

from components.issue_time import ISSUED_AT_OUTPUT, ISSUED_AT_TAG
from genesys_oauth_secrets.audit.scan import (
    COMPONENT_TYPE,
    DYNAMIC_PROVIDER_KEY,
    GENESYS_PROVIDER_TYPE,
    OAUTH_CLIENT_TYPE,
    SECRET_SIG,
    SECRET_SIG_KEY,
    SECRET_VERSION_TYPE,
    STACK_TYPE,
)

PROJECT = "genesys-oauth-secrets"
STACK = "prod"
REGION = "us-east-1"
ACCOUNT = "123456789012"
CLI_VERSION = "v3.260.0"
AWS_PROVIDER_VERSION = "7.10.0"
GENESYS_PROVIDER_VERSION = "1.84.1"
GENESYS_DEFAULT_PROVIDER = "default_1_84_1"
"""The engine names a default provider ``default_<version with underscores>``."""
SECRETS_PROVIDER_URL = f"awskms://alias/pulumi-genesys-oauth-secrets?region={REGION}"
TIME = "2026-11-20T10:15:30.123456789Z"
ISSUED_AT = "2026-11-20T10:15:30Z"
"""What each client's issue stamp returned at create: the same ``pulumi up`` as ``TIME``."""
TAGS = {"team": "contact-center-platform", "cost-center": "cc-1234"}
REGION_HOSTS = ("api.mypurecloud.com", "login.mypurecloud.com")


@dataclass(frozen=True)
class SampleClient:
    """One configured OAuth client, as in ``Pulumi.prod.yaml``."""

    name: str
    grant_type: str
    description: str
    roles: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    redirect_uris: tuple[str, ...] = ()


DEFAULT_CLIENTS = (
    SampleClient(
        "ivr-integration",
        "CLIENT-CREDENTIALS",
        "IVR data dips",
        roles=("5f0c2e1a-8d3b-4c7e-9a61-2b4d6f8e0a13",),
    ),
    SampleClient(
        "agent-desktop",
        "CODE",
        "Agent desktop single sign-on",
        scopes=("users:readonly",),
        redirect_uris=("https://desktop.example.com/callback",),
    ),
    SampleClient(
        "wfm-sync",
        "CLIENT-CREDENTIALS",
        "Workforce management schedule sync",
        roles=("0b7d4e62-3a1f-4f0e-8c55-91a2d3e4f5a6", "c3a1e7f2-6b4d-4e8a-9f10-2d3c4b5a6e7f"),
    ),
)


NON_ASCII_NOTE = "Intégration données — 数据同步 — Синхронизация 😀"
"""Descriptions are free text: accents, CJK, Cyrillic and emoji all occur in real states."""


def generated_clients(count: int, *, non_ascii: bool = False) -> tuple[SampleClient, ...]:
    """``count`` CLIENT-CREDENTIALS clients, for large states (optionally non-ASCII text)."""
    note = f" {NON_ASCII_NOTE}" if non_ascii else ""
    return tuple(
        SampleClient(
            f"client-{i:05d}", "CLIENT-CREDENTIALS", f"Generated client {i}{note}", ("role",)
        )
        for i in range(count)
    )


@dataclass
class SampleState:
    """The checkpoint document and the plaintext secrets it must never contain."""

    document: dict[str, Any]
    client_secrets: dict[str, str] = field(default_factory=dict)

    def to_bytes(self, *, compress: bool = False) -> bytes:
        """As the DIY backend writes it: 4-space indented JSON, gzip when asked."""
        raw = json.dumps(self.document, indent=4).encode()
        return gzip.compress(raw) if compress else raw

    def resource(self, kind: str, name: str) -> dict[str, Any]:
        """The resource of type ``kind`` whose URN ends with ``::name`` (a shallow copy)."""
        return dict[str, Any](self.resources[self.index(kind, name)])

    def index(self, kind: str, name: str) -> int:
        """Where the resource of type ``kind`` named ``name`` sits in the resource list.

        Findings name a resource by its position (``resources[6]``); a test asks for the position
        of the resource it means, so adding a resource to the program moves no test's target.
        """
        for position, item in enumerate(self.resources):
            if item["type"] == kind and item["urn"].endswith(f"::{name}"):
                return position
        raise KeyError(f"{kind} {name}")

    @property
    def resources(self) -> list[dict[str, Any]]:
        """The resource list, whichever of the two shapes this is."""
        root = self.document.get("checkpoint", {}).get("latest") or self.document["deployment"]
        resources: list[dict[str, Any]] = root["resources"]
        return resources


class _Builder:
    def __init__(self, seed: int, show_secrets: bool) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - sample data, not cryptography
        self.show_secrets = show_secrets

    def uuid(self) -> str:
        hexa = f"{self.rng.getrandbits(128):032x}"
        return f"{hexa[:8]}-{hexa[8:12]}-4{hexa[13:16]}-a{hexa[17:20]}-{hexa[20:]}"

    def b64(self, size: int) -> str:
        return base64.b64encode(self.rng.randbytes(size)).decode()

    def secret(self, value: object) -> dict[str, str]:
        """A ``SecretV1``: the JSON of the value, encrypted (or shown, for --show-secrets)."""
        plaintext = json.dumps(value)
        if self.show_secrets:
            return {SECRET_SIG_KEY: SECRET_SIG, "plaintext": plaintext}
        body = self.b64(len(plaintext.encode()) + 16)
        return {SECRET_SIG_KEY: SECRET_SIG, "ciphertext": f"v1:{self.b64(12)}:{body}"}

    def client_secret(self) -> str:
        alphabet = string.ascii_letters + string.digits + "-_"
        return "".join(self.rng.choice(alphabet) for _ in range(43))


def _urn(kind: str, name: str, parent_type: str | None = None) -> str:
    qualified = f"{parent_type}${kind}" if parent_type else kind
    return f"urn:pulumi:{STACK}::{PROJECT}::{qualified}::{name}"


def _stamps(resource: dict[str, Any]) -> dict[str, Any]:
    return {**resource, "created": TIME, "modified": TIME}


def _provider(builder: _Builder, package: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """A provider resource; with no inputs (no config, no version) the maps are left out."""
    properties = {"inputs": inputs, "outputs": inputs} if inputs else {}
    return _stamps(
        {
            "urn": _urn(f"pulumi:providers:{package}", name),
            "custom": True,
            "id": builder.uuid(),
            "type": f"pulumi:providers:{package}",
            **properties,
        }
    )


def _client_resources(
    builder: _Builder,
    client: SampleClient,
    *,
    secret: str,
    key: dict[str, Any],
    providers: tuple[str, str, str],
    stack_urn: str,
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The component and its four children, and the client's public outputs."""
    tags = {
        **TAGS,
        "managed-by": "pulumi",
        "pulumi-project": PROJECT,
        "pulumi-stack": STACK,
        "genesys-oauth-client": client.name,
        ISSUED_AT_TAG: ISSUED_AT,
    }
    component_urn = _urn(COMPONENT_TYPE, client.name)
    client_id = builder.uuid()
    oauth_inputs: dict[str, Any] = {
        "accessTokenValiditySeconds": 86400,
        "authorizedGrantType": client.grant_type,
        "description": client.description,
        "exposeClientSecret": True,
        "name": client.name,
        "state": "active",
    }
    if client.roles:
        oauth_inputs["roles"] = [{"divisionId": "*", "roleId": role} for role in client.roles]
    if client.scopes:
        oauth_inputs["scopes"] = list(client.scopes)
    if client.redirect_uris:
        oauth_inputs["registeredRedirectUris"] = list(client.redirect_uris)
    oauth_urn = _urn(OAUTH_CLIENT_TYPE, f"{client.name}-oauth-client", COMPONENT_TYPE)
    oauth = {
        "urn": oauth_urn,
        "custom": True,
        "id": client_id,
        "type": OAUTH_CLIENT_TYPE,
        "inputs": oauth_inputs,
        "outputs": {
            **oauth_inputs,
            "clientId": client_id,
            "clientSecret": builder.secret(secret),
            "id": client_id,
            "integrationCredentialId": "",
        },
        "parent": component_urn,
        "provider": providers[1],
        "additionalSecretOutputs": ["clientSecret"],
    }
    stamp_urn, stamp = _issue_stamp(
        builder,
        f"{client.name}-oauth-client",
        client_id=client_id,
        oauth_urn=oauth_urn,
        component_urn=component_urn,
        provider=providers[2],
    )
    name = f"genesys/oauth/{STACK}/{client.name}"
    suffix = "".join(builder.rng.choice(string.ascii_letters) for _ in range(6))
    arn = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-{suffix}"
    secret_inputs = {
        "description": f"Credentials of the Genesys Cloud OAuth client {client.name} "
        f"(stack {STACK})",
        "kmsKeyId": key["outputs"]["arn"],
        "name": name,
        "recoveryWindowInDays": 30,
        "tags": tags,
    }
    secret_urn = _urn("aws:secretsmanager/secret:Secret", f"{client.name}-secret", COMPONENT_TYPE)
    secret_resource = {
        "urn": secret_urn,
        "custom": True,
        "id": arn,
        "type": "aws:secretsmanager/secret:Secret",
        "inputs": secret_inputs,
        "outputs": {**secret_inputs, "arn": arn, "id": arn, "policy": "", "tagsAll": tags},
        "parent": component_urn,
        "dependencies": [key["urn"], stamp_urn],
        "provider": providers[0],
        "propertyDependencies": {"kmsKeyId": [key["urn"]], "tags": [stamp_urn]},
    }
    document = json.dumps(
        {
            "version": 1,
            "client_id": client_id,
            "client_secret": secret,
            "genesys_region": REGION,
            "api_host": REGION_HOSTS[0],
            "login_host": REGION_HOSTS[1],
            "grant_type": client.grant_type,
        }
    )
    version_id = builder.uuid()
    version_urn = _urn(SECRET_VERSION_TYPE, f"{client.name}-secret-version", COMPONENT_TYPE)
    version = {
        "urn": version_urn,
        "custom": True,
        "id": f"{arn}|{version_id}",
        "type": SECRET_VERSION_TYPE,
        "inputs": {"secretId": arn, "secretString": builder.secret(document)},
        "outputs": {
            "arn": arn,
            "id": f"{arn}|{version_id}",
            "secretId": arn,
            "secretString": builder.secret(document),
            "versionId": version_id,
            "versionStages": ["AWSCURRENT"],
        },
        "parent": component_urn,
        "additionalSecretOutputs": ["secretBinary", "secretString", "secretStringWo"],
        "dependencies": [secret_urn, oauth_urn],
        "provider": providers[0],
        "propertyDependencies": {"secretId": [secret_urn], "secretString": [oauth_urn]},
    }
    public = {"client_id": client_id, "secret_arn": arn}
    component = {
        "urn": component_urn,
        "custom": False,
        "type": COMPONENT_TYPE,
        "outputs": public,
        "parent": stack_urn,
    }
    return [_stamps(r) for r in (component, oauth, stamp, secret_resource, version)], public


@cache
def _stamp_provider() -> tuple[str, str, str]:
    """The stamp's type token, input name, and ``__provider`` as ``pulumi.dynamic`` writes it.

    Imported on first use, not with this module: ``components.secret_issue_stamp`` loads the
    Pulumi SDK (some 20 MiB), and the audit benchmark imports this module in every process whose
    peak memory it measures.
    """
    from pulumi.dynamic.dynamic import serialize_provider  # noqa: PLC0415 - see docstring

    from components.secret_issue_stamp import (  # noqa: PLC0415 - see docstring
        CLIENT_ID,
        SECRET_ISSUE_STAMP_TYPE,
        SecretIssueStampProvider,
    )

    return SECRET_ISSUE_STAMP_TYPE, CLIENT_ID, serialize_provider(SecretIssueStampProvider())


def _issue_stamp(
    builder: _Builder,
    client_resource: str,
    *,
    client_id: str,
    oauth_urn: str,
    component_urn: str,
    provider: str,
) -> tuple[str, dict[str, Any]]:
    """The client's ``SecretIssueStamp``, as Pulumi keeps a Python dynamic resource.

    ``pulumi.dynamic.Resource`` adds the dill-pickled provider as the input ``__provider``, sealed
    as a secret (``serialize_as_secret_always`` is True by default), and the dynamic provider
    copies it into the outputs; the resource runs on the default ``pulumi-python`` provider. Its
    id is the client id (``create`` returns it), and the secret's ``tags`` depend on it.
    """
    kind, client_id_input, pickled = _stamp_provider()
    urn = _urn(kind, f"{client_resource}-secret-issued", COMPONENT_TYPE)
    return urn, {
        "urn": urn,
        "custom": True,
        "id": client_id,
        "type": kind,
        "inputs": {DYNAMIC_PROVIDER_KEY: builder.secret(pickled), client_id_input: client_id},
        "outputs": {
            DYNAMIC_PROVIDER_KEY: builder.secret(pickled),
            client_id_input: client_id,
            ISSUED_AT_OUTPUT: ISSUED_AT,
        },
        "parent": component_urn,
        "dependencies": [oauth_urn],
        "provider": provider,
        "propertyDependencies": {client_id_input: [oauth_urn]},
    }


class _Layout:
    """The resources of one state in the order Pulumi writes them, drawn from one seeded RNG.

    Two layouts with the same seed produce the same resources, which lets ``write_state`` learn
    the stack's outputs in a first pass and write them first in a second, never holding more
    than one client's resources.
    """

    def __init__(self, seed: int, show_secrets: bool) -> None:
        self.builder = builder = _Builder(seed, show_secrets)
        self.stack_urn = _urn(STACK_TYPE, f"{PROJECT}-{STACK}")
        aws = _provider(
            builder,
            "aws",
            "default_7_10_0",
            {
                "region": REGION,
                "skipCredentialsValidation": "false",
                "version": AWS_PROVIDER_VERSION,
            },
        )
        genesys = _provider(
            builder, "genesyscloud", GENESYS_DEFAULT_PROVIDER, {"version": GENESYS_PROVIDER_VERSION}
        )
        # Dynamic resources run on the default provider of the package ``pulumi-python``: no
        # config and no version, so it is named ``default`` and has no inputs.
        dynamic = _provider(builder, "pulumi-python", "default", {})
        self.providers = (
            f"{aws['urn']}::{aws['id']}",
            f"{genesys['urn']}::{genesys['id']}",
            f"{dynamic['urn']}::{dynamic['id']}",
        )
        key_id = builder.uuid()
        key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}"
        key_inputs = {
            "deletionWindowInDays": 30,
            "description": f"Encrypts the Genesys Cloud OAuth client secrets of stack {STACK}",
            "enableKeyRotation": True,
            "tags": {**TAGS, "managed-by": "pulumi"},
        }
        self.key = {
            "urn": _urn("aws:kms/key:Key", "secrets-key"),
            "custom": True,
            "id": key_id,
            "type": "aws:kms/key:Key",
            "inputs": key_inputs,
            "outputs": {**key_inputs, "arn": key_arn, "keyId": key_id, "id": key_id},
            "parent": self.stack_urn,
            "provider": self.providers[0],
        }
        alias_name = f"alias/genesys-oauth-secrets-{STACK}"
        alias = {
            "urn": _urn("aws:kms/alias:Alias", "secrets-key-alias"),
            "custom": True,
            "id": alias_name,
            "type": "aws:kms/alias:Alias",
            "inputs": {"name": alias_name, "targetKeyId": key_id},
            "outputs": {
                "arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:{alias_name}",
                "id": alias_name,
                "name": alias_name,
                "targetKeyArn": key_arn,
                "targetKeyId": key_id,
            },
            "parent": self.stack_urn,
            "dependencies": [self.key["urn"]],
            "provider": self.providers[0],
        }
        self.fixed = [aws, genesys, dynamic, _stamps(self.key), _stamps(alias)]

    def clients(
        self, clients: tuple[SampleClient, ...]
    ) -> Iterator[tuple[str, str, list[dict[str, Any]], dict[str, str]]]:
        """Per client: name, plaintext secret, its five resources, its stack output entry."""
        for client in clients:
            secret = self.builder.client_secret()
            children, public = _client_resources(
                self.builder,
                client,
                secret=secret,
                key=self.key,
                providers=self.providers,
                stack_urn=self.stack_urn,
            )
            yield client.name, secret, children, public

    def stack(self, exported: dict[str, dict[str, str]]) -> dict[str, Any]:
        return _stamps(
            {
                "urn": self.stack_urn,
                "custom": False,
                "type": STACK_TYPE,
                "outputs": {"clients": exported},
            }
        )

    def head(self) -> dict[str, Any]:
        """The deployment without its resources: manifest and secrets provider.

        Call it after ``clients``: its data key comes from the same RNG, after theirs.
        """
        return {
            "manifest": {
                "time": TIME,
                "magic": hashlib.sha256(CLI_VERSION.encode()).hexdigest(),
                "version": CLI_VERSION,
            },
            "secrets_providers": {
                "type": "cloud",
                "state": {"url": SECRETS_PROVIDER_URL, "encryptedkey": self.builder.b64(184)},
            },
        }


def build_state(
    clients: tuple[SampleClient, ...] = DEFAULT_CLIENTS,
    *,
    seed: int = 7,
    export: bool = False,
    show_secrets: bool = False,
    tainted: bool = False,
) -> SampleState:
    """The checkpoint after ``pulumi up``: a DIY state file, or ``pulumi stack export`` output.

    ``tainted`` marks the first OAuth client for replacement (``pulumi state taint``), which makes
    Pulumi write a version-4 checkpoint with ``"features": ["taint"]``.
    """
    layout = _Layout(seed, show_secrets)
    resources: list[dict[str, Any]] = []
    exported: dict[str, dict[str, str]] = {}
    secrets: dict[str, str] = {}
    for name, secret, children, public in layout.clients(clients):
        secrets[name] = secret
        resources += children
        exported[name] = public
    deployment = {**layout.head(), "resources": [layout.stack(exported), *layout.fixed, *resources]}
    document: dict[str, Any] = {"version": 3}
    if tainted:
        next(r for r in resources if r["type"] == OAUTH_CLIENT_TYPE)["taint"] = True
        document = {"version": 4, "features": ["taint"]}
    if export:
        document["deployment"] = deployment
    else:
        document["checkpoint"] = {"stack": f"organization/{PROJECT}/{STACK}", "latest": deployment}
    # A JSON round trip gives each resource its own copies, as in a file read back from disk.
    return SampleState(json.loads(json.dumps(document)), secrets)


def write_state(out: IO[bytes], clients: tuple[SampleClient, ...], *, seed: int = 7) -> None:
    """A DIY state file for many clients, written one resource at a time (for the benchmark).

    The same resources as ``build_state(clients, seed=seed)``, each 4-space indented on its own;
    memory stays at one client whatever the count. A first pass learns what comes before the
    resources (the stack's outputs, the provider's data key); a second writes them.
    """
    first = _Layout(seed, False)
    exported = {name: public for name, _, _, public in first.clients(clients)}
    head = json.dumps(first.head())[:-1]
    stack = json.dumps(f"organization/{PROJECT}/{STACK}")
    out.write(f'{{"version": 3, "checkpoint": {{"stack": {stack}, "latest": {head}, '.encode())
    out.write(b'"resources": [')
    second = _Layout(seed, False)
    separator = b"\n"
    for resource in (second.stack(exported), *second.fixed):
        out.write(separator + json.dumps(resource, indent=4).encode())
        separator = b",\n"
    for _, _, children, _ in second.clients(clients):
        for resource in children:
            out.write(separator + json.dumps(resource, indent=4, ensure_ascii=False).encode())
    out.write(b"\n]}}}\n")


def explicit_genesys_provider(state: SampleState, *, secret: str, seed: int = 11) -> dict[str, Any]:
    """Add an explicit ``genesyscloud`` provider configured with a deployer secret (encrypted).

    It goes right after the default ``genesyscloud`` provider, before any resource that could
    use it.
    """
    builder = _Builder(seed, show_secrets=False)
    inputs = {
        "awsRegion": REGION,
        "oauthclientId": builder.uuid(),
        "oauthclientSecret": builder.secret(secret),
        "version": GENESYS_PROVIDER_VERSION,
    }
    provider = _provider(builder, "genesyscloud", "genesys-deployer", inputs)
    default = state.index(GENESYS_PROVIDER_TYPE, GENESYS_DEFAULT_PROVIDER)
    state.resources.insert(default + 1, provider)
    return provider


def lock_content(*, pid: int, username: str, hostname: str, timestamp: str) -> bytes:
    """A DIY lock object as ``pkg/backend/diy/lock.go`` marshals ``lockContent``."""
    return json.dumps(
        {"pid": pid, "username": username, "hostname": hostname, "timestamp": timestamp}
    ).encode()
