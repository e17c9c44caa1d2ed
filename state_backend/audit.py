"""Prove that a checkpoint holds the client secrets only as ciphertext, or say exactly where not.

The rules follow how this program's secrets travel (see README "Threat model"):

- the stack's secrets provider must be ``awskms://`` (type ``cloud``), so ciphertext is only as
  readable as the KMS key is;
- values that carry a credential must be ciphertext envelopes, in inputs and outputs: the OAuth
  client's ``clientSecret``, the secret version's ``secretString`` and an explicit Genesys
  provider's ``oauthclientSecret``/``accessToken``;
- no envelope anywhere may hold ``plaintext`` (what ``pulumi stack export --show-secrets`` writes);
- the stack exports only ``clients -> {client_id, secret_arn}`` (and each component registers only
  those two outputs), so nothing else can be echoed to consumers;
- no string anywhere contains a known secret: one supplied with ``--known-secret-file`` after an
  incident, or one this audit found in clear at a credential property (then echoed in a tag, a
  description, another resource).

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

from state_backend.checkpoint import JsonPath, StateText, walk
from state_backend.errors import BackendError

SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"  # noqa: S105 - Pulumi's envelope marker
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

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def json_path(path: JsonPath) -> str:
    """``$.checkpoint.latest.resources[3].outputs['genesys-oauth-client']``."""
    parts = ["$"]
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            parts.append(f".{part}")
        else:
            parts.append("['" + part.replace("\\", "\\\\").replace("'", "\\'") + "']")
    return "".join(parts)


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
    findings: list[Finding]

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
            "findings": [
                {"path": f.path, "rule": f.rule, "message": f.message, "urn": f.urn}
                for f in self.findings
            ],
        }

    def to_text(self) -> str:
        """Human-readable report: a verdict line, then one block per finding."""
        verified = ", ".join(f"{count} {label}" for label, count in sorted(self.verified.items()))
        lines = [
            f"audit of {self.source} ({self.kind}): {self.resources} resources, "
            f"secrets provider {self.secrets_provider or 'none'}, "
            f"{self.ciphertexts} ciphertext envelopes",
        ]
        if verified:
            lines.append(f"verified as ciphertext: {verified}")
        if self.clean:
            lines.append("OK: no plaintext secret found")
            return "\n".join(lines)
        lines.append(f"FAIL: {len(self.findings)} finding(s)")
        for finding in self.findings:
            lines.append(f"  {finding.path}  [{finding.rule}]")
            lines.append(f"      {finding.message}")
            if finding.urn:
                lines.append(f"      urn: {finding.urn}")
        return "\n".join(lines)


@dataclass
class KnownSecrets:
    """Secret values to look for in clear, each tagged with where it is from (never printed)."""

    origins: dict[str, str] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = None

    def add(self, secret: str, origin: str) -> None:
        """Look for ``secret`` and its JSON-escaped form (as it appears inside a JSON string)."""
        escaped = json.dumps(secret)[1:-1]
        for form in {secret, escaped}:
            self.origins.setdefault(form, origin)
        self._pattern = None

    def search(self, text: str) -> str | None:
        """The origin of the first known secret inside ``text``, or None."""
        if not self.origins:
            return None
        if self._pattern is None:
            forms = sorted(self.origins, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(form) for form in forms))
        match = self._pattern.search(text)
        return self.origins[match.group(0)] if match else None


def load_known_secrets(path: Path) -> KnownSecrets:
    """One secret per line; blank lines ignored. Too-short lines are refused, by line number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise BackendError(f"cannot read the known-secret file {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise BackendError(f"the known-secret file {path} is not UTF-8 text") from error
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


class _Auditor:
    """Receives the checkpoint piece by piece from ``checkpoint.walk`` and collects findings."""

    def __init__(self, known: KnownSecrets) -> None:
        self.known = known
        self.derived: dict[str, str] = {}
        self.findings: dict[str, Finding] = {}
        self.resources = 0
        self.ciphertexts = 0
        self.verified: dict[str, int] = {}
        self.secrets_provider: str | None = None
        self.provider_seen = False

    def add(self, path: JsonPath, rule: str, message: str, urn: str | None = None) -> None:
        """Record a finding; the first one at a path wins (the most specific rule runs first)."""
        key = json_path(path)
        self.findings.setdefault(key, Finding(key, rule, message, urn))

    def visit(self, path: JsonPath, value: object) -> None:
        """Dispatch one streamed part of the checkpoint to the rules that concern it."""
        container = path[-2] if len(path) >= 2 else None  # noqa: PLR2004 - parent of the leaf
        if container == "resources" and isinstance(path[-1], int):
            self.resources += 1
            self.resource(path, value)
        elif container == "pending_operations" and isinstance(path[-1], int):
            inner = value.get("resource") if isinstance(value, dict) else None
            if isinstance(inner, dict):
                self.resource((*path, "resource"), inner)
            else:
                self.scan(value, path, None)
        elif path[-1:] == ("secrets_providers",):
            self.provider(path, value)
        else:
            self.scan(value, path, None)

    def provider(self, path: JsonPath, value: object) -> None:
        """The secrets provider must be awskms, with its wrapped data key present."""
        self.provider_seen = True
        kind = value.get("type") if isinstance(value, dict) else None
        state = value.get("state") if isinstance(value, dict) else None
        url = state.get("url") if isinstance(state, dict) else None
        if kind == "cloud" and isinstance(url, str) and url.startswith("awskms://"):
            self.secrets_provider = url
            if not (isinstance(state, dict) and state.get("encryptedkey")):
                self.add(
                    (*path, "state", "encryptedkey"),
                    "secrets-provider",
                    "the awskms secrets provider has no encryptedkey: the state cannot have been "
                    "encrypted with it; re-run `pulumi stack change-secrets-provider`",
                )
            return
        scheme = f" ({url.split('://')[0]}://)" if isinstance(url, str) and "://" in url else ""
        described = f"{kind}{scheme}" if isinstance(kind, str) and kind else None
        self.secrets_provider = described
        self.add(
            path,
            "secrets-provider",
            f"the secrets provider is {described or 'missing'}, not awskms: run `pulumi stack "
            "change-secrets-provider 'awskms://alias/pulumi-genesys-oauth-secrets?region=<region>'`"
            " so secrets are only as readable as the KMS key",
        )

    def resource(self, path: JsonPath, resource: object) -> None:
        """All rules for one resource; credential properties first, then the generic scan."""
        if not isinstance(resource, dict):
            self.scan(resource, path, None)
            return
        urn = resource.get("urn") if isinstance(resource.get("urn"), str) else None
        kind = resource.get("type")
        for section in ("inputs", "outputs"):
            properties = resource.get(section)
            if not isinstance(properties, dict):
                continue
            for name in MUST_BE_SECRET.get(str(kind), ()):
                if name in properties:
                    label = f"{section}.{name}"
                    self.credential(properties[name], (*path, section, name), str(kind), label, urn)
        outputs = resource.get("outputs")
        if kind == STACK_TYPE and outputs is not None:
            self.stack_outputs(outputs, (*path, "outputs"), urn)
        if kind == COMPONENT_TYPE and isinstance(outputs, dict):
            for name in outputs:
                if name not in CLIENT_OUTPUTS:
                    self.add(
                        (*path, "outputs", name),
                        "component-output",
                        "the OAuthClientSecret component registers an output outside its "
                        "contract (client_id, secret_arn)",
                        urn,
                    )
        self.scan(resource, path, urn)

    def credential(
        self, value: object, path: JsonPath, kind: str, label: str, urn: str | None
    ) -> None:
        """A credential property must be a ciphertext envelope (or empty/unknown)."""
        if value is None or value in ("", COMPUTED):
            return
        if is_envelope(value):
            assert isinstance(value, dict)  # noqa: S101 - is_envelope checked it
            if isinstance(value.get("ciphertext"), str) and value["ciphertext"]:
                self.verified[label] = self.verified.get(label, 0) + 1
            elif isinstance(value.get("plaintext"), str):
                self.derive(kind, _json_or_none(value["plaintext"]), json_path(path))
            return
        self.derive(kind, value, json_path(path))
        self.add(
            path,
            "plaintext-secret",
            f"{path[-1]} of {kind} is stored in plaintext; it must be a ciphertext envelope "
            f"({_remedy(kind)})",
            urn,
        )

    def derive(self, kind: str, value: object, origin: str) -> None:
        """Remember a credential seen in clear, to find it echoed anywhere else in the file."""
        if kind == SECRET_VERSION_TYPE and isinstance(value, str):
            document = _json_or_none(value)
            value = document.get("client_secret") if isinstance(document, dict) else None
        if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
            self.derived.setdefault(value, f"the credential found in clear at {origin}")

    def stack_outputs(self, outputs: object, path: JsonPath, urn: str | None) -> None:
        """Only ``clients -> {name: {client_id, secret_arn}}`` may leave the stack."""
        if not isinstance(outputs, dict):
            self.add(path, "stack-output", "stack outputs are not a map", urn)
            return
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
        """Everywhere: no plaintext envelope, and no string containing a known secret."""
        stack: list[tuple[object, JsonPath]] = [(value, path)]
        search = self.known.search if self.known.origins else None
        while stack:
            item, where = stack.pop()
            if isinstance(item, dict):
                if item.get(SECRET_SIG_KEY) == SECRET_SIG:
                    self.envelope(item, where, urn)
                    continue
                for key, child in item.items():
                    if search and search(key):
                        self.add(
                            (*where, key),
                            "known-secret",
                            "a property name contains a known secret",
                            urn,
                        )
                    stack.append((child, (*where, key)))
            elif isinstance(item, list):
                stack.extend((child, (*where, index)) for index, child in enumerate(item))
            elif search and isinstance(item, str):
                origin = search(item)
                if origin:
                    self.add(where, "known-secret", f"this value contains {origin}", urn)

    def envelope(self, envelope: dict[str, object], path: JsonPath, urn: str | None) -> None:
        """Count ciphertext; flag plaintext (``--show-secrets``) and malformed envelopes."""
        if "plaintext" in envelope:
            self.add(
                path,
                "revealed-secret",
                "a secret is shown as plaintext (`pulumi stack export --show-secrets` output, "
                "or decrypted state): this file now holds the secret; delete it and every copy",
                urn,
            )
        elif isinstance(envelope.get("ciphertext"), str) and envelope["ciphertext"]:
            self.ciphertexts += 1
        else:
            self.add(path, "malformed-secret", "a secret envelope without ciphertext", urn)


def _json_or_none(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _remedy(kind: str) -> str:
    if kind == OAUTH_CLIENT_TYPE:
        return "register the resource with additional_secret_outputs=['clientSecret']"
    if kind == SECRET_VERSION_TYPE:
        return "wrap the document with pulumi.Output.secret(...)"
    return "pass it as pulumi.Output.secret(...) or set it with `pulumi config set --secret`"


def audit(state: StateText, known: KnownSecrets | None = None) -> AuditReport:
    """Audit one checkpoint; a second pass runs only if credentials were found in clear.

    The second pass looks for those credentials everywhere else (a tag, a description, another
    resource that came before them in the file), which one streaming pass cannot do.
    """
    supplied = known or KnownSecrets()
    auditor = _Auditor(supplied)
    shape = walk(state, auditor.visit)
    new = {
        value: origin for value, origin in auditor.derived.items() if value not in supplied.origins
    }
    if new:
        extended = KnownSecrets(dict(supplied.origins))
        for value, origin in new.items():
            extended.add(value, origin)
        auditor = _Auditor(extended)
        walk(state, auditor.visit)
    if not auditor.provider_seen and auditor.resources:
        where: JsonPath = (
            ("checkpoint", "latest") if shape.root == "checkpoint" else ("deployment",)
        )
        auditor.add(
            (*where, "secrets_providers"),
            "secrets-provider",
            "the checkpoint holds resources but names no secrets provider, so nothing in it can "
            "be proven encrypted",
        )
    return AuditReport(
        source=state.source,
        kind=shape.kind,
        resources=auditor.resources,
        secrets_provider=auditor.secrets_provider,
        ciphertexts=auditor.ciphertexts,
        verified=auditor.verified,
        findings=list(auditor.findings.values()),
    )


def merge_known(sources: Iterable[KnownSecrets]) -> KnownSecrets:
    """Several ``--known-secret-file`` options as one set."""
    merged = KnownSecrets()
    for source in sources:
        for form, origin in source.origins.items():
            merged.origins.setdefault(form, origin)
    return merged
