"""Prove that a checkpoint holds the client secrets only as ciphertext, or say exactly where not.

The rules follow how this program's secrets travel (see README "Threat model"):

- the stack's secrets provider must be ``awskms://`` (type ``cloud``), so ciphertext is only as
  readable as the KMS key is;
- values that carry a credential must be ciphertext envelopes, in inputs and outputs: the OAuth
  client's ``clientSecret``, the secret version's ``secretString`` and an explicit Genesys
  provider's ``oauthclientSecret``/``accessToken``;
- every property a resource names in ``additionalSecretOutputs`` must be a ciphertext envelope
  in its outputs, whatever the resource type: Pulumi was told it is secret;
- no envelope anywhere may hold ``plaintext`` (what ``pulumi stack export --show-secrets`` writes);
- the stack exports only ``clients -> {client_id, secret_arn}`` (and each component registers only
  those two outputs), so nothing else can be echoed to consumers;
- no string anywhere contains a known secret: one supplied with ``--known-secret-file`` after an
  incident, or one this audit found in clear at a credential property (then echoed in a tag, a
  description, another resource).

The checkpoint is read as Pulumi reads it (``pulumi_json``): the provider is the one of the
deployment Pulumi loads, keys match Go's way, and a key Pulumi would read otherwise than it looks
(``Latest``, a repeated ``outputs``) is itself a finding, so such a file is never OK.

A finding names the JSON path and what is wrong; it never repeats a value, because the value may
be the secret. Resource type tokens are copied here rather than imported from ``components/``:
the audit runs where only boto3 is installed, and a test keeps the two in step.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from genesys_oauth_secrets.audit.checkpoint import (
    StateSource,
    open_regular,
    open_stream,
    text_encoding,
)
from genesys_oauth_secrets.audit.load_rules import LoadRules
from genesys_oauth_secrets.audit.pulumi_json import (
    SECRETS_PROVIDERS,
    SIG_KEY,
    BigInteger,
    Found,
    JsonPath,
    Resource,
    Shape,
    Struct,
    json_path,
    walk,
)
from genesys_oauth_secrets.audit.refusal import PULUMI_COMMIT, PulumiRefuses
from genesys_oauth_secrets.audit.secret_forms import (
    BYTE_STRING_SIG,
    base64_forms,
    byte_string_text,
    decode_b64,
    is_symmetric_ciphertext,
    layers,
    number_forms,
)
from genesys_oauth_secrets.shared.errors import BackendError
from genesys_oauth_secrets.shared.text import LINE_LIMIT, shown

SECRET_SIG_KEY = SIG_KEY
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 - Pulumi's envelope marker
COMPUTED = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""What Pulumi stores for a value unknown at preview time; not a value, so not a leak."""

STACK_TYPE = "pulumi:pulumi:Stack"
COMPONENT_TYPE = "genesys-oauth-secrets:index:OAuthClientSecret"
OAUTH_CLIENT_TYPE = "genesyscloud:index/oauthClient:OauthClient"
GENESYS_PROVIDER_TYPE = "pulumi:providers:genesyscloud"
SECRET_VERSION_TYPE = "aws:secretsmanager/secretVersion:SecretVersion"  # noqa: S105 - a type token

MUST_BE_SECRET: Mapping[str, tuple[str, ...]] = {
    OAUTH_CLIENT_TYPE: ("clientSecret",),
    SECRET_VERSION_TYPE: ("secretString", "secretBinary", "secretStringWo"),
    GENESYS_PROVIDER_TYPE: ("oauthclientSecret", "accessToken"),
}
"""Per resource type, the properties (inputs and outputs) that hold a credential."""

CLIENT_OUTPUTS = frozenset({"client_id", "secret_arn"})
STACK_OUTPUTS = frozenset({"clients"})
SECRET_ARN = re.compile(r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$")
MIN_SECRET_LENGTH = 8
"""Shorter known secrets would match ordinary words and ids: refuse them rather than cry wolf."""

MAX_KNOWN_SECRET_BYTES = 1024 * 1024
CLOUD_STATE = Struct("cloudSecretManagerState", ("url", "encryptedkey"))
"""``pkg/secrets/cloud/manager.go``: the ``state`` of a ``cloud`` secrets provider."""

DYNAMIC_TYPE = re.compile(r"^pulumi-python:dynamic(?:/[^:]*)?:")
"""``pulumi.dynamic.Resource`` registers ``pulumi-python:dynamic[/<module>]:<name>``
(pulumi/pulumi sdk/python/lib/pulumi/dynamic/dynamic.py ``__init_subclass__``, commit
1b5949891b3cefcb9974752b24a5ecef0acc86c8)."""
DYNAMIC_PROVIDER_KEY = "__provider"
"""The pickled provider a dynamic resource stores in its inputs and outputs (dynamic.py
``PROVIDER_KEY``): it can capture credentials, so it must be a secret."""

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]{0,20}://", re.IGNORECASE)
_PROVIDER_TYPE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


def is_envelope(value: object) -> bool:
    """True for Pulumi's secret envelope (ciphertext or ``--show-secrets`` plaintext)."""
    return isinstance(value, dict) and value.get(SECRET_SIG_KEY) == SECRET_SIG


@dataclass(frozen=True)
class Finding:
    """One problem: where (JSON path, URN) and what; never the offending value."""

    path: str
    rule: str
    message: str
    urn: str | None = None


@dataclass
class AuditReport:
    """The result of one audit: findings plus what was verified, for a reviewer's record."""

    source: str
    kind: str
    resources: int
    secrets_provider: str | None
    ciphertexts: int
    verified: dict[str, int]
    stack_clients: int | None
    """Client entries in the stack's ``clients`` output, each allow-listed (None: no stack)."""
    findings: list[Finding]
    known_secrets: int = 0
    """Distinct known secrets searched for (supplied or found in clear)."""

    @property
    def clean(self) -> bool:
        """No findings at all."""
        return not self.findings

    def to_json(self) -> dict[str, object]:
        """The ``--json`` report: stable keys for CI, no secret values."""
        return {
            "source": self.source,
            "format": self.kind,
            "clean": self.clean,
            "resources": self.resources,
            "secrets_provider": self.secrets_provider,
            "ciphertext_envelopes": self.ciphertexts,
            "verified_ciphertext": dict(sorted(self.verified.items())),
            "checked": self.checked(),
            "findings": [
                {"path": f.path, "rule": f.rule, "message": f.message, "urn": f.urn}
                for f in self.findings
            ],
        }

    def checked(self) -> list[str]:
        """What a clean result rests on, one phrase per rule that had something to check."""
        secrets = sum(self.verified.values())
        done = [
            f"secrets provider {self.secrets_provider or 'none'}",
            f"{secrets} secret value(s) verified as ciphertext",
            f"{self.ciphertexts} envelope(s) in all hold only v1:<nonce>:<payload> ciphertext",
        ]
        if self.stack_clients is not None:
            done.append(f"stack outputs allow-listed ({self.stack_clients} client(s))")
        done.append(
            f"{self.known_secrets} known secret(s) searched in every form"
            if self.known_secrets
            else "no known secrets given (--known-secret-file)"
        )
        done.append(f"Pulumi's load rules pass (pulumi/pulumi@{PULUMI_COMMIT[:12]})")
        return done

    def to_text(self) -> str:
        """Human-readable report: a verdict line, then one block per finding."""
        verified = ", ".join(f"{count} {label}" for label, count in sorted(self.verified.items()))
        lines = [
            f"audit of {shown(self.source, LINE_LIMIT)} ({self.kind}): {self.resources} resources, "
            f"secrets provider {self.secrets_provider or 'none'}, "
            f"{self.ciphertexts} ciphertext envelopes",
        ]
        if verified:
            lines.append(f"verified as ciphertext: {verified}")
        if self.clean:
            lines.append(f"OK: no plaintext secret found; checked: {'; '.join(self.checked())}")
            return "\n".join(lines)
        lines.append(f"FAIL: {len(self.findings)} finding(s)")
        # A URN (and any message quoting the file) is the state file's text: a newline or an
        # ANSI escape in it must not print a line of its own, such as a forged ``OK``.
        for finding in self.findings:
            lines.append(f"  {shown(finding.path, LINE_LIMIT)}  [{finding.rule}]")
            lines.append(f"      {shown(finding.message, LINE_LIMIT)}")
            if finding.urn:
                lines.append(f"      urn: {shown(finding.urn, LINE_LIMIT)}")
        return "\n".join(lines)


@dataclass
class KnownSecrets:
    """Secret values to look for in clear, each tagged with where it is from (never printed)."""

    origins: dict[str, str] = field(default_factory=dict)
    count: int = 0
    """How many secrets (not forms) are looked for."""
    _pattern: re.Pattern[str] | None = None

    def add(self, secret: str, origin: str) -> None:
        """Look for ``secret`` as itself and as base64 (of it or of text around it).

        Escaped forms need no entry: ``search`` undoes every JSON escaping, in every layer.
        """
        if secret not in self.origins:
            self.count += 1
        for plain in {secret, json.dumps(secret)[1:-1]}:
            for form in {plain, *base64_forms(plain)}:
                self.origins.setdefault(form, origin)
        self._pattern = None

    def search(self, text: str) -> str | None:
        """The origin of the first known secret inside ``text`` or what ``text`` says unescaped.

        ``text`` may be JSON text written by any encoder, nested: Go's ``\\u0026``, .NET's
        ``\\u002B``, lower-case hex, ``\\/`` all read back to the secret (``secret_forms``).
        """
        if not self.origins:
            return None
        if self._pattern is None:
            forms = sorted(self.origins, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(form) for form in forms))
        for layer in layers(text):
            match = self._pattern.search(layer)
            if match:
                return self.origins[match.group(0)]
        return None


def load_known_secrets(path: Path) -> KnownSecrets:
    """One secret per line; blank lines ignored. Too-short lines are refused, by line number.

    Accepts what Windows tools save: UTF-8 with or without a BOM (Notepad, PowerShell 7),
    UTF-16 with a BOM (Windows PowerShell 5.1 ``>``), and CRLF line ends.
    """
    with open_regular(path, "known-secret file") as file:
        raw = file.read(MAX_KNOWN_SECRET_BYTES + 1)
    if len(raw) > MAX_KNOWN_SECRET_BYTES:
        raise BackendError(
            f"the known-secret file {path} is larger than {MAX_KNOWN_SECRET_BYTES // 1024} KiB: "
            "list only the secrets to look for, one per line"
        )
    codec, bom = text_encoding(raw)
    try:
        lines = raw[bom:].decode(codec).splitlines()
    except UnicodeDecodeError as error:
        raise BackendError(
            f"the known-secret file {path} is not UTF-8 text (nor UTF-16 with a byte-order "
            f"mark): {error.reason} at byte {error.start}; save it as UTF-8"
        ) from None
    known = KnownSecrets()
    for number, line in enumerate(lines, start=1):
        secret = line.strip()
        if not secret:
            continue
        if len(secret) < MIN_SECRET_LENGTH:
            raise BackendError(
                f"{path} line {number}: a known secret must be at least {MIN_SECRET_LENGTH} "
                "characters, or it would match ordinary text"
            )
        known.add(secret, "a secret from --known-secret-file")
    return known


def describe_provider(kind: object, url: object) -> str:
    """A secrets provider as a reviewer knows it, without repeating arbitrary file content."""
    if kind == "service":
        return "service (Pulumi Cloud)"
    if kind == "passphrase":
        return "passphrase"
    if kind == "cloud" and isinstance(url, str):
        scheme = _SCHEME.match(url)
        return f"cloud ({scheme.group(0)})" if scheme else "cloud (no key URL)"
    if isinstance(kind, str) and _PROVIDER_TYPE.match(kind):
        return kind
    return "missing" if kind in (None, "") else "of an unknown type"


class _Auditor:
    """The ``pulumi_json.Visitor`` that applies the rules and collects findings."""

    def __init__(self, known: KnownSecrets, label: str) -> None:
        self.known = known
        self.rules = LoadRules(label)
        self.label = label
        self.derived: dict[str, str] = {}
        self.findings: dict[str, Finding] = {}
        self.resources = 0
        self.ciphertexts = 0
        self.verified: dict[str, int] = {}
        self.providers: list[tuple[JsonPath, object]] = []
        self.stack_clients: int | None = None
        self.misshapen: list[tuple[JsonPath, str | None]] = []
        """Envelopes whose ciphertext the symmetric crypter cannot have written."""

    def add(self, path: JsonPath, rule: str, message: str, urn: str | None = None) -> None:
        """Record a finding; the first one at a path wins (the most specific rule runs first)."""
        key = json_path(path)
        self.findings.setdefault(key, Finding(key, rule, message, urn))

    def ambiguous(self, path: JsonPath, message: str) -> None:
        """A key Pulumi reads otherwise than it looks: never OK, whatever the values."""
        self.add(path, "ambiguous-key", message)

    def part(self, path: JsonPath, name: str | None, value: object, found: Found) -> None:
        """Outside the resources: note the secrets provider, then the generic rules."""
        self.rules.part(path, name, value)
        if name == "secrets_providers":
            self.providers.append((path, value))
        self.noticed(found, None)
        if name is None:
            self.key_name(path, None)
        self.scan(value, path, None)

    def resource(self, resource: Resource) -> None:
        """All rules for one resource: Pulumi's load rules, credentials, outputs, the rest."""
        self.rules.resource(resource)
        if not resource.operation:
            self.resources += 1
        urn_value = resource.last("urn")
        urn = urn_value if isinstance(urn_value, str) else None
        kind = str(resource.last("type"))
        self.secret_properties(resource, kind, urn)
        for where, outputs in resource.fields.get("outputs", []):
            if kind == STACK_TYPE and outputs is not None:
                self.stack_outputs(outputs, where, urn)
            if kind == COMPONENT_TYPE and isinstance(outputs, dict):
                self.component_outputs(outputs, where, urn)
        self.noticed(resource.found, urn)
        for occurrences in resource.fields.values():
            for where, value in occurrences:
                self.scan(value, where, urn)
        for where, value in resource.ignored:
            self.key_name(where, urn)
            self.scan(value, where, urn)
        if DYNAMIC_TYPE.match(kind):
            self.dynamic_provider(resource, urn)

    def key_name(self, path: JsonPath, urn: str | None) -> None:
        """A key Pulumi ignores is still in the file: its name must not hold a known secret."""
        if self.known.origins and isinstance(path[-1], str) and self.known.search(path[-1]):
            self.add(
                (*path[:-1], "<a key holding a known secret>"),
                "known-secret",
                "a property name contains a known secret",
                urn,
            )

    def dynamic_provider(self, resource: Resource, urn: str | None) -> None:
        """A Python dynamic resource's pickled provider must be a secret (it can hold keys)."""
        for section in ("inputs", "outputs"):
            for where, properties in resource.fields.get(section, []):
                if not isinstance(properties, dict) or DYNAMIC_PROVIDER_KEY not in properties:
                    continue
                value = properties[DYNAMIC_PROVIDER_KEY]
                if not is_envelope(value):
                    self.add(
                        (*where, DYNAMIC_PROVIDER_KEY),
                        "dynamic-provider",
                        "the dynamic resource's serialized provider (a base64 pickle that can "
                        "carry credentials) is not a secret; keep serialize_as_secret_always "
                        "at True",
                        urn,
                    )

    def secret_properties(self, resource: Resource, kind: str, urn: str | None) -> None:
        """Credentials (inputs and outputs) and every ``additionalSecretOutputs`` name.

        Every occurrence counts, and so does a value a repeated key hid: all are in the file.
        """
        declared = {
            name
            for _, names in resource.fields.get("additionalSecretOutputs", [])
            if isinstance(names, list)
            for name in names
        }
        credentials = frozenset(MUST_BE_SECRET.get(kind, ()))
        wanted = {"inputs": credentials, "outputs": credentials | declared}
        sections: dict[JsonPath, frozenset[str]] = {}
        for section, names in wanted.items():
            for where, properties in resource.fields.get(section, []):
                sections[where] = names
                if isinstance(properties, dict):
                    for name in sorted(names & properties.keys()):
                        label = f"{section}.{name}"
                        self.credential(properties[name], (*where, name), kind, label, urn)
        for where, shadowed in resource.found.duplicates:
            if str(where[-1]) in sections.get(where[:-1], frozenset()):
                self.credential(shadowed, where, kind, f"{where[-2]}.{where[-1]}", urn)

    def noticed(self, found: Found, urn: str | None) -> None:
        """Envelopes anywhere, and what a repeated key hid (still in the file for all to read)."""
        for where, envelope in found.envelopes:
            if envelope.get(SECRET_SIG_KEY) == SECRET_SIG:
                self.envelope(envelope, where, urn)
        for where, shadowed in found.duplicates:
            self.add(
                where,
                "ambiguous-key",
                "this key is given more than once in one object; Pulumi keeps the last value, "
                "but the earlier one is still in the file: keep one",
                urn,
            )
            self.scan(shadowed, where, urn)

    def credential(
        self, value: object, path: JsonPath, kind: str, label: str, urn: str | None
    ) -> None:
        """A secret property must be a ciphertext envelope (or empty/unknown)."""
        if value is None or value in ("", COMPUTED):
            return
        if is_envelope(value):
            assert isinstance(value, dict)  # noqa: S101 - is_envelope checked it
            if isinstance(value.get("ciphertext"), str) and value["ciphertext"]:
                self.verified[label] = self.verified.get(label, 0) + 1
            elif isinstance(value.get("plaintext"), str):
                self.derive(kind, _json_or_none(value["plaintext"]), json_path(path))
            return
        decoded = byte_string_text(value) if _is_byte_string(value) else None
        self.derive(kind, value if decoded is None else decoded, json_path(path))
        self.add(
            path,
            "plaintext-secret",
            f"{path[-1]} of {kind} is stored in plaintext; it must be a ciphertext envelope "
            f"({_remedy(kind, str(path[-1]))})",
            urn,
        )

    def derive(self, kind: str, value: object, origin: str) -> None:
        """Remember a credential seen in clear, to find it echoed anywhere else in the file."""
        if kind == SECRET_VERSION_TYPE and isinstance(value, str):
            document = _json_or_none(value)
            if isinstance(document, dict) and "client_secret" in document:
                value = document["client_secret"]
        if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
            self.derived.setdefault(value, f"the credential found in clear at {origin}")

    def component_outputs(
        self, outputs: dict[str, object], path: JsonPath, urn: str | None
    ) -> None:
        """The component registers exactly its contract, nothing that could echo a secret."""
        for name in outputs:
            if name not in CLIENT_OUTPUTS:
                self.add(
                    (*path, name),
                    "component-output",
                    "the OAuthClientSecret component registers an output outside its "
                    "contract (client_id, secret_arn)",
                    urn,
                )

    def stack_outputs(self, outputs: object, path: JsonPath, urn: str | None) -> None:
        """Only ``clients -> {name: {client_id, secret_arn}}`` may leave the stack."""
        if not isinstance(outputs, dict):
            self.add(path, "stack-output", "stack outputs are not a map", urn)
            return
        self.stack_clients = self.stack_clients or 0
        for name, value in outputs.items():
            if name not in STACK_OUTPUTS:
                self.add(
                    (*path, name),
                    "stack-output",
                    "stack output outside the allow-list (only `clients` with client_id and "
                    "secret_arn per client may be exported)",
                    urn,
                )
                continue
            clients = self.readable(value, (*path, name), urn)
            if clients is None:
                continue
            if not isinstance(clients, dict):
                self.add((*path, name), "stack-output", "`clients` is not a map", urn)
                continue
            self.stack_clients = (self.stack_clients or 0) + len(clients)
            for client, entry in clients.items():
                where = (*path, name, client)
                self.client_entry(self.readable(entry, where, urn), where, urn)

    def client_entry(self, entry: object, path: JsonPath, urn: str | None) -> None:
        """One ``clients[<name>]``: exactly client_id (a string) and secret_arn (an ARN)."""
        if entry is None:
            return
        if not isinstance(entry, dict):
            self.add(path, "stack-output", "a client entry is not a map", urn)
            return
        for key, value in entry.items():
            where = (*path, key)
            if key not in CLIENT_OUTPUTS:
                self.add(where, "stack-output", "client output outside the allow-list", urn)
            elif key == "secret_arn" and not (isinstance(value, str) and SECRET_ARN.match(value)):
                self.add(where, "stack-output", "secret_arn is not a Secrets Manager ARN", urn)
            elif key == "client_id" and not isinstance(value, str):
                self.add(where, "stack-output", "client_id is not a plain string", urn)

    def readable(self, value: object, path: JsonPath, urn: str | None) -> object:
        """An output value as data: plaintext envelopes unwrapped, ciphertext is unverifiable."""
        if _is_byte_string(value):
            return byte_string_text(value)
        if not is_envelope(value):
            return value
        assert isinstance(value, dict)  # noqa: S101 - is_envelope checked it
        if isinstance(value.get("plaintext"), str):
            return _json_or_none(value["plaintext"])
        self.add(
            path,
            "stack-output",
            "this stack output is encrypted, so the audit cannot prove it holds only ids and "
            "ARNs; the program exports nothing secret, so find what made it secret",
            urn,
        )
        return None

    def scan(self, value: object, path: JsonPath, urn: str | None) -> None:
        """No string anywhere may contain a known secret (envelopes come from ``Found``).

        Walks only when there is something to look for: without known secrets, the rules above
        have already read every value they need.
        """
        if not self.known.origins:
            return
        search = self.known.search
        stack: list[tuple[object, JsonPath]] = [(value, path)]
        while stack:
            item, where = stack.pop()
            if isinstance(item, dict) and not _is_byte_string(item):
                if item.get(SECRET_SIG_KEY) == SECRET_SIG:
                    continue  # an envelope: its own finding (revealed/malformed) says it all
                for key, child in item.items():
                    if search(key):
                        self.add(
                            (*where, "<a key holding a known secret>"),
                            "known-secret",
                            "a property name contains a known secret",
                            urn,
                        )
                        continue
                    stack.append((child, (*where, key)))
            elif isinstance(item, list):
                stack.extend((child, (*where, index)) for index, child in enumerate(item))
            else:
                self.leaf(item, where, urn)

    def leaf(self, item: object, where: JsonPath, urn: str | None) -> None:
        """A string, a number or a byte string, in every form it reads as text."""
        texts: tuple[str, ...] = ()
        if isinstance(item, str):
            texts, what = (item,), "this value contains"
        elif isinstance(item, int | float) and not isinstance(item, bool):
            texts, what = number_forms(item), "this number is"
        elif (decoded := byte_string_text(item)) is not None:
            texts, what = (decoded,), "this byte string holds"
        origin = next(filter(None, map(self.known.search, texts)), None)
        if origin:
            self.add(where, "known-secret", f"{what} {origin}", urn)

    def envelope(self, envelope: dict[str, object], path: JsonPath, urn: str | None) -> None:
        """Count ciphertext; flag plaintext (``--show-secrets``) and malformed envelopes.

        Pulumi loads an envelope only with exactly one of ``ciphertext``/``plaintext`` as a
        string (``DeserializePropertyValue``); any plaintext key in the file is a leak.
        """
        # DeserializePropertyValue (pkg/resource/stack/deployment.go) reads only the signature,
        # ``ciphertext`` and ``plaintext`` keys and ignores the rest, so any other key is data
        # Pulumi never protects: a finding, whatever it holds (issue 17, kind 1).
        extra = sorted(k for k in envelope if k not in (SIG_KEY, "ciphertext", "plaintext"))
        if extra:
            self.add(
                path,
                "envelope-extra-field",
                f"a secret envelope carries {len(extra)} field(s) besides its signature and "
                "ciphertext; Pulumi ignores them, so whatever they hold is stored in the clear",
                urn,
            )
        if "plaintext" in envelope:
            self.add(
                path,
                "revealed-secret",
                "a secret is shown as plaintext (`pulumi stack export --show-secrets` output, "
                "or decrypted state): this file now holds the secret; delete it and every copy",
                urn,
            )
        elif isinstance(ciphertext := envelope.get("ciphertext"), str) and ciphertext:
            self.ciphertexts += 1
            if not is_symmetric_ciphertext(ciphertext):
                self.misshapen.append((path, urn))
            origin = self.known.search(ciphertext) if self.known.origins else None
            if origin:
                self.add(path, "known-secret", f"this envelope's ciphertext holds {origin}", urn)
        elif "ciphertext" in envelope:
            self.add(path, "malformed-secret", "a secret envelope with an empty ciphertext", urn)
        else:
            self.add(path, "malformed-secret", "a secret envelope without ciphertext", urn)

    def resolve_provider(self, shape: Shape) -> str | None:
        """The loaded deployment's provider, as Go ends with it; a finding unless it is awskms.

        A repeated ``secrets_providers`` (or ``latest``) is decoded into the same struct, so the
        fields merge in document order and ``null`` resets it; the repetition itself is already
        an ``ambiguous-key`` finding.
        """
        merged: dict[str, object] | None = None
        for path, value in self.providers:
            self.case_variants(SECRETS_PROVIDERS, value, path)
            state = value.get("state") if isinstance(value, dict) else None
            self.case_variants(CLOUD_STATE, state, (*path, "state"))
            merged = (
                None
                if not isinstance(value, dict)
                else {**(merged or {}), **_fields(SECRETS_PROVIDERS, value)}
            )
        where: JsonPath = (
            self.providers[-1][0]
            if self.providers
            else (
                ("checkpoint", "latest", "secrets_providers")
                if shape.root == "checkpoint"
                else ("deployment", "secrets_providers")
            )
        )
        if merged is None:
            if self.resources:
                self.add(
                    where,
                    "secrets-provider",
                    "the deployment Pulumi loads holds resources but names no secrets provider, "
                    "so nothing in it can be proven encrypted (a `secrets_providers` elsewhere "
                    "in the file does not count)",
                )
            return None
        kind = merged.get("type")
        state = merged.get("state")
        cloud = _fields(CLOUD_STATE, state) if isinstance(state, dict) else {}
        url = cloud.get("url")
        described = describe_provider(kind, url)
        if kind != "service":
            self.ciphertext_shapes(described)
        # Go's url.Parse lower-cases the scheme, so gocloud opens `AWSKMS://` as awskms
        # (pkg/secrets/cloud/manager.go openKeeper -> gosecrets.OpenKeeper).
        if kind == "cloud" and isinstance(url, str) and url.lower().startswith("awskms://"):
            key = cloud.get("encryptedkey")
            # NewCloudSecretsManagerFromState (pkg/secrets/cloud/manager.go) decodes the state
            # into `EncryptedKey []byte`: Go's JSON decoder wants standard base64 there.
            if key is not None and not (isinstance(key, str) and decode_b64(key) is not None):
                raise PulumiRefuses(
                    self.label,
                    "encryptedkey-not-base64",
                    f"{json_path((*where, 'state', 'encryptedkey'))} is not base64, so Pulumi "
                    "cannot read the data key",
                )
            if not (isinstance(key, str) and key):
                self.add(
                    (*where, "state", "encryptedkey"),
                    "secrets-provider",
                    "the awskms secrets provider has no encryptedkey: the state cannot have been "
                    "encrypted with it; re-run `pulumi stack change-secrets-provider`",
                )
            return url
        self.add(
            where,
            "secrets-provider",
            f"the secrets provider is {described}, not awskms: run `pulumi stack "
            "change-secrets-provider 'awskms://alias/pulumi-genesys-oauth-secrets?region=<region>'`"
            " so secrets are only as readable as the KMS key",
        )
        return described

    def ciphertext_shapes(self, described: str) -> None:
        """Ciphertext the stack's provider could not have written is not ciphertext at all.

        The cloud and passphrase providers write ``v1:<nonce>:<sealed>`` (crypt.go
        ``symmetricCrypter``); Pulumi refuses to decrypt anything else, yet anyone can read a
        plaintext or base64 put there. The service provider's ciphertext has its own shape.
        """
        for path, urn in self.misshapen:
            self.add(
                path,
                "ciphertext-shape",
                f"this envelope's ciphertext is not what the {described} secrets provider "
                "writes (v1:<base64 nonce>:<base64 payload>): it may be the value itself, "
                "readable by anyone",
                urn,
            )

    def case_variants(self, schema: Struct, value: object, path: JsonPath) -> None:
        """Keys of a small struct Pulumi reads case-insensitively, like ``pulumi_json`` does."""
        for key in value if isinstance(value, dict) else ():
            name = schema.match(key)
            if name not in (None, key):
                self.ambiguous(
                    (*path, key), f"`{key}` is not `{name}`, yet Pulumi reads it as `{name}`"
                )


def _is_byte_string(value: object) -> bool:
    return isinstance(value, dict) and value.get(SIG_KEY) == BYTE_STRING_SIG


def _fields(schema: Struct, value: dict[str, object]) -> dict[str, object]:
    """An object's keys as Go assigns them to ``schema``'s fields (later keys win)."""
    resolved: dict[str, object] = {}
    for key, item in value.items():
        name = schema.match(key)
        if name is not None:
            resolved[name] = item
    return resolved


def _json_or_none(text: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _remedy(kind: str, name: str) -> str:
    if kind == OAUTH_CLIENT_TYPE:
        return "register the resource with additional_secret_outputs=['clientSecret']"
    if kind == SECRET_VERSION_TYPE:
        return "wrap the document with pulumi.Output.secret(...)"
    if kind in MUST_BE_SECRET:
        return "pass it as pulumi.Output.secret(...) or set it with `pulumi config set --secret`"
    return (
        f"the resource lists {name} in additionalSecretOutputs, yet the value is in clear: "
        "refresh with a current CLI, or replace the resource"
    )


def audit(source: StateSource, known: KnownSecrets | None = None) -> AuditReport:
    """Audit one checkpoint; a second pass runs only if credentials were found in clear.

    The second pass looks for those credentials everywhere else (a tag, a description, another
    resource that came before them in the file), which one streaming pass cannot do.
    """
    supplied = known or KnownSecrets()
    auditor, shape = _pass(source, supplied)
    new = {
        value: origin for value, origin in auditor.derived.items() if value not in supplied.origins
    }
    if new:
        extended = KnownSecrets(dict(supplied.origins), supplied.count)
        for value, origin in new.items():
            extended.add(value, origin)
        auditor, shape = _pass(source, extended)
    # pkg/backend/diy/state.go getCheckpoint reads a stack's object as a VersionedCheckpoint:
    # a `stack export` document there has no `checkpoint`, and Pulumi cannot load it.
    if source.diy and shape.root != "checkpoint":
        raise PulumiRefuses(
            source.label,
            "export-where-diy-keeps-a-checkpoint",
            "a `pulumi stack export` document saved where the DIY backend keeps the stack's "
            "checkpoint; restore it with `pulumi stack import` instead",
        )
    auditor.rules.finish(
        shape.version, ("checkpoint", "latest") if shape.root == "checkpoint" else ("deployment",)
    )
    provider = auditor.resolve_provider(shape)
    return AuditReport(
        source=source.label,
        kind=shape.kind,
        resources=auditor.resources,
        secrets_provider=provider,
        ciphertexts=auditor.ciphertexts,
        verified=auditor.verified,
        stack_clients=auditor.stack_clients,
        findings=list(auditor.findings.values()),
        known_secrets=auditor.known.count,
    )


def _pass(source: StateSource, known: KnownSecrets) -> tuple[_Auditor, Shape]:
    """One streaming read; again with ijson's Python parser if yajl meets a huge integer.

    Go decodes a number into ``float64`` whatever its size and writes ``1.8446744073709552e19``
    as ``18446744073709552000``; yajl stops with "integer overflow" above int64. The Python
    parser reads any integer, slower, so it is used only for such a file.
    """
    auditor = _Auditor(known, source.label)
    try:
        with open_regular(source.path, "state file") as file:
            return auditor, walk(open_stream(source, file), auditor)
    except BigInteger:
        auditor = _Auditor(known, source.label)
        with open_regular(source.path, "state file") as file:
            return auditor, walk(open_stream(source, file), auditor, big_numbers=True)


def merge_known(sources: Iterable[KnownSecrets]) -> KnownSecrets:
    """Several ``--known-secret-file`` options as one set."""
    merged = KnownSecrets()
    for source in sources:
        merged.count += source.count
        for form, origin in source.origins.items():
            merged.origins.setdefault(form, origin)
    return merged
