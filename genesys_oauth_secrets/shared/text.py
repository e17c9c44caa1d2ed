"""Text from AWS and Genesys answers, made safe for one report line.

Names of roles, lock holders or error messages come from systems another person controls: a
newline or an ANSI escape in them could fake a line of the report (a fake ``OK``). Every such
value is shown with control characters escaped and its length bounded.

A GitHub runner also reads every line of a step's output for workflow commands, and not only at
the start (actions/runner ``src/Runner.Common/ActionCommand.cs``): ``TryParseV2`` takes a line
whose text, leading whitespace trimmed, starts with ``::`` (``::error::``, ``::add-mask::``,
``::stop-commands::``), and the legacy ``TryParse`` takes ``##[`` anywhere in it. So a shown
value never contains ``##[`` and never starts, after whitespace, with ``::``: the character that
would complete either is escaped as well.
"""

from __future__ import annotations

import unicodedata

LIMIT = 120
LINE_LIMIT = 2000
"""A whole report line (a finding's message or fix): long enough for any sentence we write."""


_LEGACY_COMMAND = "##["
_COMMAND = "::"


def shown(value: object, limit: int = LIMIT) -> str:
    """``value`` as printable text: control and format characters escaped, no workflow command
    (see the module's docstring), at most ``limit``."""
    text = str(value)
    escaped = "".join(
        char if unicodedata.category(char)[0] != "C" else repr(char)[1:-1] for char in text
    ).replace(_LEGACY_COMMAND, "##\\x5b")
    body = escaped.lstrip()
    if body.startswith(_COMMAND):
        escaped = f"{escaped[: len(escaped) - len(body)]}\\x3a{body[1:]}"
    return escaped if len(escaped) <= limit else f"{escaped[: limit - 1]}…"


def shorten(text: str, limit: int = 60) -> str:
    """A key or name as it may appear in a message: quoted, escaped, and bounded."""
    quoted = repr(text[:limit]).replace(_LEGACY_COMMAND, "##\\x5b")
    return quoted if len(text) <= limit else f"{quoted}…"


MAX_MESSAGE_LINES = 60
"""An error's lines beyond this are counted, not printed (the config lists at most 20 problems)."""


def shown_lines(message: object) -> str:
    """An error message of one or more lines, made safe to print as they are.

    A refused config lists one problem a line, so newlines are kept rather than escaped; each
    line is escaped and bounded like any shown text, and every line after the first is indented,
    so no part of a message can stand at the start of a line and pass for a line of its own (an
    ``OK``). Indenting alone would not stop a ``::error::`` quoted from elsewhere, since the
    runner trims leading whitespace; ``shown`` escapes it (see the module's docstring).
    """
    lines = str(message).split("\n")
    kept = [shown(line, LINE_LIMIT) for line in lines[:MAX_MESSAGE_LINES]]
    if len(lines) > MAX_MESSAGE_LINES:
        kept.append(f"… {len(lines) - MAX_MESSAGE_LINES} more line(s)")
    head, *rest = kept
    return "\n".join([head, *(line if line.startswith(" ") else f"  {line}" for line in rest)])
