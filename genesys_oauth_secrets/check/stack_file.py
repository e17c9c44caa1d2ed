"""The secrets half of ``Pulumi.<stack>.yaml``: an ``awskms://`` provider, its data key, and config
that holds secrets only as ciphertext.

``pulumi stack init <stack> --secrets-provider awskms://…`` asks KMS to encrypt a fresh 32-byte
data key and writes it, base64, as ``encryptedkey``; later runs only decrypt it. Without the line,
every ``preview`` and ``up`` generates a new data key (``kms:Encrypt``) and rewrites the file
(pulumi/pulumi ``pkg/secrets/cloud/manager.go`` ``NewCloudSecretsManager``, saved by
``pkg/cmd/pulumi/config/io.go`` ``getAndSaveSecretsManager``): a Decrypt-only preview role fails and
each deploy re-keys the state. ``secure:`` values are what ``pulumi config set --secret`` writes,
``v1:<nonce>:<ciphertext>`` (``sdk/go/common/resource/config/crypt.go``).

Messages name keys, never values: a value in the wrong place may be the secret itself.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import Any

from genesys_oauth_secrets.shared.text import shorten

SECRETS_PROVIDER_SCHEME = "awskms://"
KNOWN_TOP_LEVEL = frozenset({"secretsprovider", "encryptedkey", "config", "environment"})
MIN_KMS_CIPHERTEXT = 48
"""A 32-byte data key plus AES-GCM's 16-byte tag: no KMS ciphertext of it is shorter."""
MAX_KMS_CIPHERTEXT = 6144
"""KMS's own limit on a ciphertext blob."""
NONCE_BYTES = 12
TAG_BYTES = 16
MAX_NODES = 10_000

_AWSKMS_URL = re.compile(
    r"awskms://[A-Za-z0-9/_:.-]{1,256}(\?[A-Za-z0-9=&_.-]{1,256})?", flags=re.ASCII
)
"""A provider URL safe to repeat in a message (a key alias, id or ARN and its query)."""

_CREDENTIAL_NAME = re.compile(
    r".*(secret|password|passphrase|token|accesskey|secretkey|privatekey|apikey)",
    flags=re.IGNORECASE | re.ASCII,
)
"""Config names (after the namespace), or keys at any depth below one, that hold credentials:
``oauthclientSecret``, ``accessToken``, ``secretKey``, ``proxy.auth.password``, … but not
``tokenPoolSize`` or ``secretsKmsKeyId``."""


def strict_base64(text: str) -> bytes | None:
    """The bytes of canonical standard base64 (what Go's ``StdEncoding`` writes), else None."""
    try:
        decoded = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        return None
    return decoded if base64.b64encode(decoded).decode("ascii") == text else None


def is_ciphertext(value: object) -> bool:
    """``v1:<base64 12-byte nonce>:<base64 ciphertext with its 16-byte tag>``."""
    if not isinstance(value, str):
        return False
    parts = value.split(":")
    if len(parts) != 3 or parts[0] != "v1":  # noqa: PLR2004 - the format has three fields
        return False
    nonce, sealed = strict_base64(parts[1]), strict_base64(parts[2])
    return (
        nonce is not None
        and len(nonce) == NONCE_BYTES
        and sealed is not None
        and (len(sealed) >= TAG_BYTES)
    )


def _walk(
    value: Any, path: str, credential: bool, budget: list[int]
) -> Iterator[tuple[str, bool, Any]]:
    """Every (path, under a credential name, value) below ``value``; the budget bounds fan-out.

    A value counts as a credential if its own key or any key above it names one: a provider's
    ``proxy: {auth: {password: …}}`` leaks the password as surely as a top-level ``password``.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise ValueError("too many values")
    yield path, credential, value
    if isinstance(value, dict) and set(value) != {"secure"}:
        for key, item in value.items():
            named = credential or bool(_CREDENTIAL_NAME.fullmatch(str(key)))
            yield from _walk(item, f"{path}.{key}", named, budget)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]", credential, budget)


def _config_problems(config: object, name: str, has_key: bool) -> list[str]:
    if config is None:
        return []
    if not isinstance(config, dict):
        return [f"{name}: config must be a mapping of namespace:key to values"]
    problems = []
    try:
        for key, value in config.items():
            named = bool(_CREDENTIAL_NAME.fullmatch(str(key).rsplit(":", 1)[-1]))
            for path, credential, item in _walk(value, key, named, [MAX_NODES]):
                problems += _value_problems(name, key, path, item, has_key, credential=credential)
    except ValueError:
        return [f"{name}: config holds more than {MAX_NODES} values; this is not a stack file"]
    return problems


_ADOPT_MODE_PATH = re.compile(r"genesys-oauth-secrets:clients\[\d+\]\.adopt\.secret", re.ASCII)
"""``clients[i].adopt.secret`` names where an adopted client's secret comes from, not a secret
(components/config.py ``NAMESPACE``, components/adoption.py ``parse_adopt``)."""
ADOPT_MODES = frozenset({"regenerate", "config"})
"""Its values (components/adoption.py ``REGENERATE``, ``FROM_CONFIG``); pinned by a test, not
imported, so that ``check`` does not load pulumi. Any other value there is still a leak."""


def _is_adopt_mode(path: str, item: object) -> bool:
    return item in ADOPT_MODES and bool(_ADOPT_MODE_PATH.fullmatch(path))


def _is_plain_value(item: object) -> bool:
    """Text or a number a credential could be; an empty text or a boolean cannot be one."""
    return isinstance(item, str | int | float) and not isinstance(item, bool) and item != ""


def _value_problems(
    name: str, key: str, path: str, item: object, has_key: bool, *, credential: bool
) -> list[str]:
    where = shorten(path)
    if isinstance(item, dict) and "secure" in item:
        if set(item) != {"secure"} or not is_ciphertext(item["secure"]):
            return [
                f"{name}: {where} has a secure: value that is not Pulumi ciphertext (v1:…); "
                f"set it again with `pulumi config set --secret {shorten(key)}`"
            ]
        if not has_key:
            return [
                f"{name}: {where} is encrypted, but the file has no encryptedkey to decrypt it; "
                "restore the encryptedkey line it was written with"
            ]
        return []
    if credential and _is_plain_value(item) and not _is_adopt_mode(path, item):
        set_secret = "--secret" if path == key else "--secret --path"
        return [
            f"{name}: {where} looks like a credential stored in plain text; remove it from the "
            "file and use the provider's environment variables, or "
            f"`pulumi config set {set_secret} {shorten(path)}`"
        ]
    return []


def stack_file_problems(
    document: dict[str, Any], name: str, *, stack: str, require_encryptedkey: bool
) -> list[str]:
    """Every problem of one loaded stack file, each a line naming the key and the fix."""
    provider = document.get("secretsprovider")
    problems = [
        f"{name}: encryptionsalt belongs to the passphrase secrets provider; delete the line"
        if key == "encryptionsalt"
        else f"{name}: unknown top-level key {shorten(key)}; Pulumi ignores it (keys are lower "
        "case: secretsprovider, encryptedkey, config)"
        for key in sorted(set(document) - KNOWN_TOP_LEVEL)
    ]
    if not isinstance(provider, str) or not provider.startswith(SECRETS_PROVIDER_SCHEME):
        problems.append(
            f"{name}: secretsprovider must be an awskms:// URL, so that the state's secrets are "
            "encrypted with a KMS key (awskms://alias/<alias>?region=<region>)"
        )
    if not isinstance(provider, str) or not _AWSKMS_URL.fullmatch(provider):
        provider = f"{SECRETS_PROVIDER_SCHEME}alias/<alias>?region=<region>"
    key = document.get("encryptedkey")
    if key is None:
        if require_encryptedkey:
            problems.append(
                f"{name} has no encryptedkey, so every run would create a new data key "
                "(kms:Encrypt) and rewrite the file; an admin with kms:Encrypt runs "
                f"`pulumi stack init {stack} --secrets-provider '{provider}'` once and commits "
                "the encryptedkey line it writes"
            )
    else:
        decoded = strict_base64(key) if isinstance(key, str) else None
        if decoded is None or not MIN_KMS_CIPHERTEXT <= len(decoded) <= MAX_KMS_CIPHERTEXT:
            problems.append(
                f"{name}: encryptedkey is not the base64 KMS ciphertext `pulumi stack init` "
                "writes; never edit it by hand: restore the committed line, or delete it and "
                f"run `pulumi stack init {stack} --secrets-provider …` again"
            )
    return problems + _config_problems(document.get("config"), name, key is not None)
