"""The bytes Windows tools write for a text file, for tests that read such files.

The audit reads two kinds of file a person may have produced on Windows: a state file (which
Pulumi, and so the audit, refuses with a byte order mark) and a known-secret file (which the
audit reads in any of these encodings). Both test files build their inputs from here, so the
encodings they cover are the same bytes.
"""

from __future__ import annotations

import codecs


def utf8(text: str) -> bytes:
    """UTF-8 without a byte order mark, lines as given."""
    return text.encode()


def utf8_crlf(text: str) -> bytes:
    """UTF-8 without a byte order mark, CRLF line ends."""
    return text.replace("\n", "\r\n").encode()


def utf8_with_bom(text: str) -> bytes:
    """UTF-8 behind a byte order mark, as Notepad saves "UTF-8 with BOM"."""
    return codecs.BOM_UTF8 + text.encode()


def powershell_redirect(text: str) -> bytes:
    """What ``>`` writes in Windows PowerShell 5.1: UTF-16 LE behind a byte order mark, CRLF."""
    return codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le")


def utf16_be_with_bom(text: str) -> bytes:
    """UTF-16 BE behind a byte order mark."""
    return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
