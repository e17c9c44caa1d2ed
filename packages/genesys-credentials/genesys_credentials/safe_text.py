"""Make text that came from outside (a login host's answer, an OS error) safe for a message.

A login host that rejects a request may echo what it received: the secret itself, the Basic
header (base64 of ``client_id:secret``), the form body, a JSON-escaped copy, or a cut-off piece
of any of them. Masking only the exact secret string misses all of those, so a
:class:`Redactor` knows every encoding of the secret and masks any stretch of text sharing at
least :data:`PARTIAL` characters with one of them. It also masks whatever follows ``Bearer`` or
``Basic``, whoever's credentials they are: an API that echoes a request's ``Authorization``
header echoes a token no redactor was told about.

The redactor keeps no plaintext: it holds keyed digests of the pieces, under a key drawn for it
alone, so a redactor sitting in a frame an error tracker records gives nothing away either.
:func:`printable` then escapes control characters (a fake log line needs only a newline) and
bounds the length.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import urllib.parse
from typing import NoReturn

from genesys_credentials.secret import MASK, Secret

PARTIAL = 8
"""Characters an echoed piece must share with an encoding of the secret to be masked."""
_CREDENTIALS = re.compile(r"\b(bearer|basic)(\s+)\S+", re.IGNORECASE)
"""An ``Authorization`` scheme and the credentials after it, in any echo of a header."""


def _encodings(client_id: str, secret: str) -> set[str]:
    """Every form in which the secret may come back: as sent, as servers and libraries echo it."""
    pair = f"{client_id}:{secret}".encode(errors="surrogatepass")
    raw = secret.encode(errors="surrogatepass")
    base64_forms = {
        encode(value).decode("ascii")
        for value in (pair, raw)
        for encode in (base64.b64encode, base64.urlsafe_b64encode)
    }
    text_forms = {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        secret.encode("unicode_escape").decode("ascii"),
        repr(secret)[1:-1],
    }
    quoted = {
        quote(form)
        for form in text_forms | base64_forms
        for quote in (urllib.parse.quote_plus, _quote_all)
    }
    return text_forms | base64_forms | quoted


def _quote_all(text: str) -> str:
    return urllib.parse.quote(text, safe="", errors="surrogatepass")


class Redactor:
    """``Redactor(client_id, *known)(text)``: ``text`` with every echo of the ``known``
    secrets masked, and every ``Bearer``/``Basic`` credential."""

    __slots__ = ("_digests", "_key", "_short")

    def __init__(self, client_id: str, *known: Secret) -> None:
        self._key = secrets.token_bytes(16)
        forms = {form for secret in known for form in _encodings(client_id, secret.reveal())}
        self._digests = frozenset(
            self._digest(form[start : start + PARTIAL])
            for form in forms
            for start in range(max(len(form) - PARTIAL + 1, 0))
        )
        self._short = {len(form): set[bytes]() for form in forms if len(form) < PARTIAL}
        for form in forms:
            if len(form) < PARTIAL:
                self._short[len(form)].add(self._digest(form))

    def _digest(self, piece: str) -> bytes:
        data = piece.encode(errors="surrogatepass")
        return hashlib.blake2b(data, key=self._key, digest_size=16).digest()

    def __call__(self, text: str) -> str:
        covered = bytearray(len(text))
        widths = [(PARTIAL, self._digests), *self._short.items()]
        for width, digests in widths:
            for start in range(len(text) - width + 1):
                if self._digest(text[start : start + width]) in digests:
                    covered[start : start + width] = b"\x01" * width
        kept: list[str] = []
        for index, char in enumerate(text):
            if not covered[index]:
                kept.append(char)
            elif index == 0 or not covered[index - 1]:
                kept.append(MASK)
        return _CREDENTIALS.sub(rf"\1\2{MASK}", "".join(kept))

    def __repr__(self) -> str:
        return "Redactor(<digests only>)"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Redactor cannot be pickled: build one where the message is built")


def printable(text: str, limit: int) -> str:
    """``text`` with control and other unprintable characters escaped, cut to ``limit``."""
    escaped = "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text[: limit + 1]
    )
    return escaped if len(escaped) <= limit else f"{escaped[: limit - 3]}..."
