"""The code blocks of a Markdown manual that its tests run, found by a marker comment.

A manual marks a block with ``<!-- tested: NAME -->`` on the line before its opening fence, so
that the text a reader copies is the text the tests execute. A marker that is not followed by a
fenced block, or a name marked twice, is an error: a test must never run less than the manual
promises.
"""

from __future__ import annotations

import re

MARKER = re.compile(r"^<!-- tested: ([a-z0-9-]+) -->$")
FENCE = re.compile(r"^(```+)[a-z0-9-]*$")


class SnippetError(ValueError):
    """The manual's markers do not each name exactly one fenced block."""


def marked_snippets(markdown: str) -> dict[str, str]:
    """Map each marker's name to the body of the fenced block on the line after it."""
    lines = markdown.splitlines()
    snippets: dict[str, str] = {}
    for index, line in enumerate(lines):
        marker = MARKER.match(line.strip())
        if marker is None:
            continue
        name = marker.group(1)
        if name in snippets:
            raise SnippetError(f"line {index + 1}: '{name}' is marked twice")
        opening = FENCE.match(lines[index + 1]) if index + 1 < len(lines) else None
        if opening is None:
            raise SnippetError(f"line {index + 1}: '{name}' is not followed by a fenced code block")
        fence = opening.group(1)
        body_start = index + 2
        for end in range(body_start, len(lines)):
            if lines[end] == fence:
                snippets[name] = "\n".join(lines[body_start:end]) + "\n"
                break
        else:
            raise SnippetError(f"line {index + 2}: the block of '{name}' is never closed")
    return snippets
