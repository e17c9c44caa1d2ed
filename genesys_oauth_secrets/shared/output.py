"""How every subcommand reports: exit codes, text lines, and ``--json``.

Exit codes mean the same in every subcommand (documented once, in ``docs/cli.md``):

- ``0``: done, and nothing needs you;
- ``1``: done, and something needs you (a finding, a violation, an overdue secret), each named
  with its fix;
- ``2``: could not do the job (bad arguments, an unreadable file, a refused or failed call), so
  nothing is known about what it would have checked. Never 0 for a check that could not run.

With ``--json`` a subcommand prints exactly one JSON document on stdout, whatever happens, and
its progress and text on stderr; without it, results go to stdout and errors to stderr as one
``error:`` line. Every document starts with the same two keys, ``ok`` (exit code 0) and
``exitCode``, written here and nowhere else, so a script reads every command's verdict the same
way. Text that comes from elsewhere (AWS, Genesys, files, the environment) is escaped with
:func:`shown` before it is printed; an error message with :func:`shown_lines` as it is printed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from genesys_oauth_secrets.shared.text import shown, shown_lines

EXIT_OK = 0
EXIT_ATTENTION = 1
EXIT_CANNOT = 2

__all__ = [
    "EXIT_ATTENTION",
    "EXIT_CANNOT",
    "EXIT_OK",
    "Report",
    "error_line",
    "failure_document",
    "shown",
]


def verdict_document(code: int, document: Mapping[str, Any]) -> str:
    """A run's one ``--json`` document: ``ok`` and ``exitCode`` first, then its own keys."""
    return json.dumps({"ok": code == EXIT_OK, "exitCode": code, **document}, indent=2)


def failure_document(message: str, code: int = EXIT_CANNOT, **extra: Any) -> str:
    """The ``--json`` document of a run that failed before it had a result of its own."""
    return verdict_document(code, {"error": message, **extra})


def error_line(message: object) -> str:
    """The ``error:`` line of an expected failure, escaped (it may quote AWS, a file, a user)."""
    return f"error: {shown_lines(message)}"


class Report:
    """Where a run's lines go: results to stdout, or to stderr when stdout carries the JSON."""

    def __init__(self, *, as_json: bool) -> None:
        self.as_json = as_json

    @property
    def text(self) -> TextIO:
        return sys.stderr if self.as_json else sys.stdout

    def line(self, text: str) -> None:
        """One line of progress or result, flushed so a long run shows as it goes."""
        print(text, file=self.text, flush=True)

    def verdict(self, code: int, document: Mapping[str, Any], text: Iterable[str] = ()) -> int:
        """The run's result, returning ``code``: under ``--json`` its one document (led by
        ``ok`` and ``exitCode``), else ``text`` on stdout, a line each (results that were
        already printed as progress need none)."""
        if self.as_json:
            print(verdict_document(code, document), flush=True)
        else:
            for line in text:
                print(line, flush=True)
        return code

    def fail(self, message: str, code: int = EXIT_CANNOT, **extra: Any) -> int:
        """One ``error:`` line on stderr (and the JSON failure document); returns ``code``."""
        if self.as_json:
            print(failure_document(message, code, **extra), flush=True)
        print(error_line(message), file=sys.stderr, flush=True)
        return code
