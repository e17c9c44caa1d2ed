"""Every form a known secret (or a secret value) can take inside a Pulumi state file.

A secret that leaked is rarely stored as itself. Between the program and the file it may pass
through another JSON encoder (the value then holds JSON text whose escapes differ by encoder:
Go writes ``\\u0026 \\u003c \\u003e``, .NET ``\\u002B``, others upper- or lower-case hex or
``\\/``), through base64 (a byte-string value, a "ciphertext" that is only encoded), or end up a
number or a key name. This module turns text into what it says and a secret into what it looks
like, so that the audit matches all of them; it never prints either.

Sources (``pulumi/pulumi`` at 1b5949891b3cefcb9974752b24a5ecef0acc86c8):
``sdk/go/common/resource/sig/sig.go`` (``ByteString`` signature),
``pkg/resource/stack/deployment.go`` ``DeserializePropertyValue`` (byte strings carry the
standard base64 of their bytes in ``value``), ``sdk/go/common/resource/config/crypt.go``
``symmetricCrypter`` (``v1:<base64 nonce>:<base64 sealed>``, AES-256-GCM).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

BYTE_STRING_SIG = "803fd3297a5875dc03ca845dda5d2a98"
"""``sig.ByteString``: a string whose bytes are not UTF-8, stored as ``{sig, "value": b64}``."""

GCM_NONCE_BYTES = 12
GCM_TAG_BYTES = 16
"""``encryptAES256GCGM`` (crypt.go) seals with ``cipher.NewGCM``: 12-byte nonce, 16-byte tag."""

MAX_LAYERS = 4
"""JSON text inside JSON text inside ...: four levels is more than any real value nests."""

_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|[\"\\/bfnrt])")
_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_EXPONENT_FROM = 1e21
"""Go's ``encoding/json`` writes float64 without an exponent below this (encode.go floatEncoder)."""
_CIPHERTEXT = re.compile(
    r"v1:[A-Za-z0-9+/]{16}:((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)\Z"
)
"""``v1:``, 12 bytes of nonce as 16 base64 characters, then padded standard base64."""
_B64 = re.compile(r"^[A-Za-z0-9+/]*={0,2}$")


def _unescape_one(match: re.Match[str]) -> str:
    code = match.group(1)
    return chr(int(code[1:], 16)) if code[0] == "u" else _SIMPLE[code]


def unescape(text: str) -> str:
    """One layer of JSON string escapes undone, whichever encoder wrote them (any hex case).

    Surrogate pairs written as two ``\\u`` escapes are joined back into one character.
    """
    plain = _ESCAPE.sub(_unescape_one, text)
    if any("\ud800" <= char <= "\udfff" for char in plain):
        plain = plain.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return plain


def layers(text: str) -> Iterator[str]:
    """``text``, then what it says once, twice ... unescaped, while there is a backslash."""
    yield text
    for _ in range(MAX_LAYERS):
        if "\\" not in text:
            return
        unescaped = unescape(text)
        if unescaped == text:
            return
        text = unescaped
        yield text


def base64_forms(secret: str) -> set[str]:
    """The base64 text that any encoding of bytes holding ``secret`` must contain.

    Base64 of a longer text shows ``secret`` at one of three alignments; for each, only the
    characters fully determined by the secret's own bits are kept.
    """
    data = secret.encode()
    forms = set()
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + data).decode()
        start = (8 * pad + 5) // 6
        end = 8 * (pad + len(data)) // 6
        forms.add(encoded[start:end])
    return forms


def number_forms(value: float) -> tuple[str, ...]:
    """How a JSON number reads as text: Python's ``repr`` and, when integral, the integer."""
    if isinstance(value, int):
        return (str(value),)
    if value.is_integer() and abs(value) < _EXPONENT_FROM:
        return (repr(value), str(int(value)))
    return (repr(value),)


def decode_b64(text: str) -> bytes | None:
    """Go's ``base64.StdEncoding.DecodeString``: padded standard alphabet, CR/LF ignored."""
    cleaned = text.replace("\r", "").replace("\n", "")
    if not _B64.match(cleaned):
        return None
    try:
        return base64.b64decode(cleaned, validate=True)
    except binascii.Error:
        return None


def byte_string_text(value: object) -> str | None:
    """A byte-string value as the text Pulumi loads (invalid UTF-8 shown as U+FFFD), or None."""
    if not isinstance(value, dict) or not isinstance(value.get("value"), str):
        return None
    decoded = decode_b64(value["value"])
    return None if decoded is None else decoded.decode("utf-8", "replace")


def is_symmetric_ciphertext(text: str) -> bool:
    """True if ``text`` has the shape ``symmetricCrypter.EncryptValue`` writes.

    ``v1:<base64 12-byte nonce>:<base64 sealed>`` where sealed is at least the 16-byte GCM tag.
    The cloud (awskms) and passphrase providers both use this crypter (pkg/secrets/cloud/
    manager.go ``newCloudSecretsManager``: ``config.NewSymmetricCrypter``). A plaintext or plain
    base64 of the value does not have it. Checked by pattern, without decoding, because every
    envelope of a large state passes here.
    """
    match = _CIPHERTEXT.match(text)
    if not match:
        return False
    sealed = match.group(1)
    return len(sealed) * 3 // 4 - sealed.count("=") >= GCM_TAG_BYTES
