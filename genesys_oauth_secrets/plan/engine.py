"""A stand-in for the Pulumi engine that records every request the real engine would receive.

Pulumi's mock monitor answers RegisterResource but drops what matters for secrets: it ignores
``additionalSecretOutputs`` and never shows the wire form. ``CapturingMonitor`` subclasses it and
keeps a copy of every RegisterPackage, RegisterResource and RegisterResourceOutputs request, so
tests assert on secret envelopes, ``packageRef`` and stack outputs exactly as sent.

``ProviderMocks`` plays the providers: it answers each resource the way its real provider would
(ids, ARNs, computed outputs) and hands every OAuth client, and every secret regeneration, a
unique marker secret, so a test can prove the secret never appears outside a secret envelope;
issue stamps and regenerations get a fixed issue time per client id (`issued_at_for`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import runpy
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import mocks
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.stack import massage

from components.rotation_provider import REGENERATED_SECRET_TYPE, SECRET_OUTPUT

PROJECT = "genesys-oauth-secrets"
STACK = "prod"
ACCOUNT = "123456789012"
AWS_REGION = "us-east-1"
MAIN = Path(__file__).resolve().parents[2] / "__main__.py"
"""The Pulumi program: the repository's own ``__main__.py`` (not this package's)."""

SECRET_ISSUE_STAMP_TYPE = "pulumi-python:dynamic/rotation:SecretIssueStamp"  # noqa: S105 - a type
ISSUED_AT_OUTPUT = "issuedAt"
"""Written out, not imported from ``components``: ``plan --against REF`` runs this engine on REF's
program, and a REF from before issue 20 has no ``components.secret_issue_stamp``."""

SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"  # noqa: S105 - Pulumi's public signature
SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 - likewise public


def is_secret_envelope(value: Any) -> bool:
    """True for the engine's wire form of a secret: ``{<sig>: <secret sig>, "value": …}``."""
    return isinstance(value, dict) and value.get(SECRET_SIG_KEY) == SECRET_SIG_VALUE


def without_secret_envelopes(value: Any) -> Any:
    """The value with every secret envelope replaced by a placeholder (what stays plaintext)."""
    if is_secret_envelope(value):
        return "[secret]"
    if isinstance(value, dict):
        return {key: without_secret_envelopes(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_secret_envelopes(item) for item in value]
    return value


def struct_to_dict(struct: Any) -> dict[str, Any]:
    """A protobuf Struct as plain JSON data, the way the engine decodes it."""
    decoded: dict[str, Any] = json_format.MessageToDict(struct)
    return decoded


class ProviderMocks(mocks.Mocks):
    """Answers resources like their real providers; OAuth clients get a unique marker secret."""

    def __init__(self, marker: str) -> None:
        self.marker = marker
        self.withheld_secrets: set[str] = set()
        """Clients whose create response carries no secret: the provider then stores ``""``."""

    def client_secret_for(self, name: str) -> str:
        """The secret the fake Genesys provider returns for the OAuth client ``name``."""
        return "" if name in self.withheld_secrets else f"{self.marker}-{name}"

    def regenerated_secret_for(self, client_id: str, generation: int) -> str:
        """The secret the regenerate endpoint returns for ``client_id`` at ``generation``."""
        return f"{self.marker}-{client_id}-regenerated-{generation}"

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs = dict(args.inputs)
        answer = self._genesys(args, inputs) or _aws(args.typ, inputs)
        return answer or (f"{args.name}-id", inputs)

    def _genesys(
        self, args: mocks.MockResourceArgs, inputs: dict[str, Any]
    ) -> tuple[str, dict[str, Any]] | None:
        if args.typ == "genesyscloud:index/oauthClient:OauthClient":
            seed = f"{self.marker}/{args.name}".encode()
            created_id = str(uuid.UUID(hashlib.md5(seed).hexdigest()))  # noqa: S324 - an id, not a MAC
            client_id = args.resource_id or created_id
            # An imported client keeps its id; like the real provider, import reads no secret.
            outputs = {
                **inputs,
                "clientId": client_id,
                "clientSecret": ""
                if args.resource_id
                else self.client_secret_for(str(inputs["name"])),
                "accessTokenValiditySeconds": inputs.get("accessTokenValiditySeconds", 86400),
                "state": inputs.get("state", "active"),
            }
            return client_id, outputs
        if args.typ == REGENERATED_SECRET_TYPE:
            client_id, generation = str(inputs["clientId"]), int(inputs["generation"])
            secret = self.regenerated_secret_for(client_id, generation)
            issued = issued_at_for(f"{client_id}/{generation}")
            return f"{client_id}/{generation}", {
                **inputs,
                SECRET_OUTPUT: secret,
                ISSUED_AT_OUTPUT: issued,
            }
        if args.typ == SECRET_ISSUE_STAMP_TYPE:
            client_id = str(inputs["clientId"])
            return client_id, {**inputs, ISSUED_AT_OUTPUT: issued_at_for(client_id)}
        return None

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        raise AssertionError(f"the program made an unexpected invoke: {args.token}")


def issued_at_for(key: str) -> str:
    """A fixed issue time per client id (or regeneration), so two runs register the same graph."""
    seconds = int(hashlib.sha256(key.encode()).hexdigest()[:6], 16)
    return datetime.fromtimestamp(1_700_000_000 + seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _aws(typ: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """Secrets Manager and KMS answers: ARNs and ids shaped like AWS's."""
    if typ == "aws:secretsmanager/secret:Secret":
        arn = f"arn:aws:secretsmanager:{AWS_REGION}:{ACCOUNT}:secret:{inputs['name']}-AbCdEf"
        return arn, {**inputs, "arn": arn}
    if typ == "aws:secretsmanager/secretVersion:SecretVersion":
        version_id = str(uuid.uuid4())
        return f"{inputs['secretId']}|{version_id}", {
            **inputs,
            "arn": inputs["secretId"],
            "versionId": version_id,
            "versionStages": ["AWSCURRENT"],
        }
    if typ == "aws:kms/key:Key":
        key_id = str(uuid.uuid4())
        arn = f"arn:aws:kms:{AWS_REGION}:{ACCOUNT}:key/{key_id}"
        return key_id, {**inputs, "arn": arn, "keyId": key_id}
    if typ == "aws:kms/alias:Alias":
        arn = f"arn:aws:kms:{AWS_REGION}:{ACCOUNT}:{inputs['name']}"
        return str(inputs["name"]), {**inputs, "arn": arn}
    return None


def seal_outputs(outputs: struct_pb2.Struct, secret_names: Iterable[str]) -> None:
    """Mark ``secret_names`` secret in a RegisterResource response, as the real engine does.

    Pulumi's mock monitor ignores ``additionalSecretOutputs``; the engine does not. Without this
    the program would see the client secret as a plain Output under test and could pass it to
    a tag or a name unnoticed; with it, such a leak shows up as a misplaced secret envelope.
    """
    for name in secret_names:
        if name not in outputs.fields:
            continue
        envelope = struct_pb2.Value()
        envelope.struct_value.fields[SECRET_SIG_KEY].string_value = SECRET_SIG_VALUE
        envelope.struct_value.fields["value"].CopyFrom(outputs.fields[name])
        outputs.fields[name].CopyFrom(envelope)


def secret_envelope_paths(value: Any, path: str = "") -> Iterator[str]:
    """Dotted paths of every secret envelope inside ``value``."""
    if is_secret_envelope(value):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from secret_envelope_paths(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from secret_envelope_paths(item, f"{path}[{index}]")


@dataclass
class Registration:
    """One RegisterResource request, decoded, with the URN the engine assigned."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    provider: str
    protect: bool
    inputs: dict[str, Any]
    package_ref: str
    additional_secret_outputs: list[str]
    version: str
    import_id: str = ""
    """The ``import`` resource option: the id of an existing resource to adopt."""


class CapturingMonitor(mocks.MockMonitor):
    """Pulumi's mock monitor, keeping a decoded copy of every request it receives."""

    def __init__(self, provider_mocks: ProviderMocks) -> None:
        super().__init__(provider_mocks)
        self.packages: list[resource_pb2.RegisterPackageRequest] = []
        self.registrations: list[Registration] = []
        self.outputs: dict[str, dict[str, Any]] = {}

    def RegisterPackage(self, request: Any) -> Any:
        copy = resource_pb2.RegisterPackageRequest()
        copy.CopyFrom(request)
        self.packages.append(copy)
        return super().RegisterPackage(request)  # type: ignore[no-untyped-call]

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        seal_outputs(response.object, request.additionalSecretOutputs)
        self.registrations.append(
            Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                custom=request.custom,
                provider=request.provider,
                protect=request.protect,
                inputs=struct_to_dict(request.object),
                package_ref=request.packageRef,
                additional_secret_outputs=list(request.additionalSecretOutputs),
                version=request.version,
                import_id=request.importId,
            )
        )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        self.outputs[request.urn] = struct_to_dict(request.outputs)
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


@dataclass
class ProgramRun:
    """What one evaluation of ``__main__.py`` sent to the engine."""

    monitor: CapturingMonitor
    provider_mocks: ProviderMocks
    logs: list[str] = field(default_factory=list)
    stack: str = STACK
    program: Path = MAIN
    """The ``__main__.py`` evaluated: the repository's own, or another git ref's copy."""

    @property
    def registrations(self) -> list[Registration]:
        return self.monitor.registrations

    def of_type(self, type_token: str) -> list[Registration]:
        return [r for r in self.registrations if r.type == type_token]

    def one(self, type_token: str, name: str) -> Registration:
        matches = [r for r in self.of_type(type_token) if r.name == name]
        if len(matches) != 1:
            raise LookupError(f"expected one {type_token} named {name}, got {len(matches)}")
        return matches[0]

    @property
    def stack_urn(self) -> str:
        return f"urn:pulumi:{self.stack}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{self.stack}"

    @property
    def stack_outputs(self) -> dict[str, Any]:
        return self.monitor.outputs[self.stack_urn]

    def evaluate(self, config: Mapping[str, Any], secret_keys: Iterable[str] = ()) -> None:
        """Run ``__main__.py`` with ``config``, then register the stack's outputs.

        ``secret_keys`` names the keys set with ``pulumi config set --secret``: the language
        host hands the program their decrypted values plus this list (``PULUMI_CONFIG`` and
        ``PULUMI_CONFIG_SECRET_KEYS``), which is what ``set_all_config`` receives here.
        The root stack is finished when mocks are set, so its outputs are registered here the
        way the language host does once a real program returns.
        """
        pulumi.runtime.set_all_config(
            config_values(config), [full_config_key(key) for key in secret_keys]
        )
        self.run_function(lambda: runpy.run_path(str(self.program), run_name="__main__"))

    def run_function(self, program: Callable[[], object]) -> None:
        """Run ``program`` as a Pulumi program, wait for its RPCs, register stack outputs."""

        @pulumi.runtime.test  # type: ignore[untyped-decorator]
        def evaluate() -> None:
            program()

        @pulumi.runtime.test  # type: ignore[untyped-decorator]
        def finish_stack() -> None:
            root = pulumi.runtime.get_root_resource()
            if root is None:
                raise RuntimeError("the mocked deployment has no root stack resource")
            root.register_outputs(massage(root.outputs, []))  # type: ignore[attr-defined]

        evaluate()
        finish_stack()

    def wire_texts(self) -> Iterator[tuple[str, str]]:
        """Every request's plaintext (secret envelopes blanked), labelled for error messages."""
        for package in self.monitor.packages:
            yield "RegisterPackage", json_format.MessageToJson(package)
        for registration in self.registrations:
            visible = without_secret_envelopes(registration.inputs)
            yield f"RegisterResource {registration.urn}", json.dumps(visible)
        for urn, outputs in self.monitor.outputs.items():
            yield f"RegisterResourceOutputs {urn}", json.dumps(without_secret_envelopes(outputs))


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


def full_config_key(key: str) -> str:
    """``clients`` → ``genesys-oauth-secrets:clients``; namespaced keys stay as they are."""
    return key if ":" in key else f"{PROJECT}:{key}"


def config_values(config: Mapping[str, Any]) -> dict[str, str]:
    """Stack config as the CLI hands it to the program: namespaced keys, JSON for objects."""
    return {
        full_config_key(key): value if isinstance(value, str) else json.dumps(value)
        for key, value in config.items()
    }


def start_engine(
    marker: str | ProviderMocks,
    *,
    preview: bool = False,
    log_level: int = logging.DEBUG,
    stack: str = STACK,
    program: Path = MAIN,
) -> ProgramRun:
    """A fresh capturing engine: new event loop, mocks set, logs collected.

    Follows Pulumi's guidance for Python unit tests: a new event loop before ``set_mocks``, and
    the program run fresh with ``runpy`` (see ``ProgramRun.evaluate``). Each call is a new
    deployment: the root stack and the per-deployment package-reference cache are dropped, as
    they would be in a new ``pulumi up``; otherwise one test's stack outputs and RegisterPackage
    would silently carry into the next. Tests capture the engine log at DEBUG so a secret in
    any log line is caught; benchmarks pass a higher ``log_level`` to time the program itself.
    ``marker`` is the fake providers' secret marker, or ready providers (the offline plan's).
    """
    _close_previous_loop()
    asyncio.set_event_loop(asyncio.new_event_loop())
    pulumi.runtime.settings.ROOT.set(None)
    provider_mocks = marker if isinstance(marker, ProviderMocks) else ProviderMocks(marker)
    monitor = CapturingMonitor(provider_mocks)
    run = ProgramRun(monitor=monitor, provider_mocks=provider_mocks, stack=stack, program=program)
    logger = logging.getLogger(f"pulumi-engine-{uuid.uuid4()}")
    logger.setLevel(log_level)
    logger.propagate = False
    logger.addHandler(_ListHandler(run.logs))
    mocks.set_mocks(
        provider_mocks,
        project=PROJECT,
        stack=stack,
        preview=preview,
        logger=logger,
        monitor=monitor,
    )
    pulumi.runtime.settings.SETTINGS.package_refs = {}
    pulumi.runtime.settings.SETTINGS.base_providers_by_ref = {}
    return run


def _close_previous_loop() -> None:
    """Close the loop the previous engine left behind: each holds an epoll descriptor and a
    self-pipe, and a test session that starts hundreds of engines otherwise runs past 1,024
    descriptors, where ``select()`` (the policy pack's client) refuses them."""
    try:
        previous = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        return
    if not previous.is_running() and not previous.is_closed():
        previous.close()


def run_program(config: Mapping[str, Any], marker: str, *, preview: bool = False) -> ProgramRun:
    """Evaluate ``__main__.py`` once under a fresh capturing engine and return what it sent."""
    run = start_engine(marker, preview=preview)
    run.evaluate(config)
    return run
