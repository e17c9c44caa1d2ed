"""Every command the README and the manuals show still works as shown.

The docs are read the way a user reads them: each ``genesys-oauth-secrets …`` and ``make …`` in a
code block or code span. A documented subcommand and each of its options must exist in the real
parser; a command with no placeholder must parse whole; the ones that need no cloud run for real;
every documented make target must be one ``make help`` lists. The old ``python -m`` entry points
of the tools must not come back anywhere a user or a workflow reads.
"""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from genesys_oauth_secrets.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
COMMAND = Path(sys.executable).with_name("genesys-oauth-secrets")
MAKE = shutil.which("make")
MANUALS = [
    ROOT / "README.md",
    ROOT / "examples" / "consumer" / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
]
SHELL_BREAKS = {">", ">>", "|", "&&", "||", ";", "2>&1", "\\"}
# A word with one of these is a placeholder for the reader to fill in, not a value.
PLACEHOLDER = re.compile(r"[…<>\[\]$]")
# Commands that need no cloud account, no credentials and no network: run them as documented.
OFFLINE = {"plan", "check"}
OLD_ENTRY_POINTS = re.compile(
    r"python3?\s+-m\s+(offline_plan|project_files|preflight|secret_age|state_backend"
    r"|genesys_oauth_secrets\.\w+)\b"
)


@dataclass(frozen=True)
class Shown:
    """One command as a manual shows it: where, and its words up to the first shell operator."""

    where: str
    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def has_placeholder(self) -> bool:
        return any(PLACEHOLDER.search(word) for word in self.words)


def code_of(text: str) -> list[str]:
    """The lines of every fenced code block and every code span, continuations joined."""
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
    prose = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    spans = re.findall(r"`([^`\n]+)`", prose)
    lines = [line for block in blocks for line in re.sub(r"\\\n\s*", " ", block).splitlines()]
    return lines + spans


def shown_commands(text: str, where: str, program: str) -> list[Shown]:
    """Each ``program …`` (``venv/bin/`` or not) in the code of a manual, comments dropped."""
    found = []
    for line in code_of(text):
        for match in re.finditer(rf"(?:^|[\s(`])(?:venv/bin/)?{program}( [^\n#]*|$)", line):
            try:
                words = shlex.split(match.group(1))
            except ValueError:  # an unbalanced quote: prose, not a command
                continue
            cut = next((i for i, word in enumerate(words) if word in SHELL_BREAKS), len(words))
            found.append(Shown(where, tuple(words[:cut])))
    return found


def all_shown(program: str) -> list[Shown]:
    return [
        shown
        for manual in MANUALS
        for shown in shown_commands(manual.read_text(), str(manual.relative_to(ROOT)), program)
    ]


def subcommand_parsers() -> dict[str, argparse.ArgumentParser]:
    """The real parser of each subcommand, by name."""
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def problems(shown: Shown, parsers: dict[str, argparse.ArgumentParser]) -> list[str]:
    """What in one documented command the parser does not know, or refuses."""
    if not shown.words or shown.words[0] in {"--help", "-h", "COMMAND"}:
        return []
    if PLACEHOLDER.search(shown.words[0]):  # "genesys-oauth-secrets …" in prose
        return []
    name, *rest = shown.words
    if name not in parsers:
        return [f"{shown.where}: `{shown.text}`: no subcommand {name!r}"]
    known = {flag for action in parsers[name]._actions for flag in action.option_strings}
    unknown = [
        f"{shown.where}: `{shown.text}`: {name} has no option {word.split('=')[0]}"
        for word in rest
        if word.startswith("-") and word.split("=")[0] not in known and word != "-"
    ]
    if unknown or shown.has_placeholder or {"-h", "--help"} & set(rest):
        return unknown
    try:
        build_parser().parse_args(list(shown.words))
    except SystemExit:
        return [f"{shown.where}: `{shown.text}`: the parser refuses it"]
    return []


def make_targets(shown: list[Shown]) -> set[str]:
    """The target each documented ``make …`` names (its first word; ``STACK=x`` after it is a
    variable, and ``make`` followed by prose names no target)."""
    return {s.words[0] for s in shown if s.words and re.fullmatch(r"[a-z][a-z-]*", s.words[0])}


@pytest.fixture(scope="module")
def listed_targets() -> set[str]:
    """The targets ``make help`` prints, one per line, indented."""
    assert MAKE is not None
    result = subprocess.run(  # noqa: S603 - make with the repository's own Makefile
        [MAKE, "--no-print-directory", "-s", "help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return set(re.findall(r"^  ([a-z-]+) ", result.stdout, flags=re.MULTILINE))


def test_the_docs_show_every_subcommand() -> None:
    shown = {s.words[0] for s in all_shown("genesys-oauth-secrets") if s.words}

    assert shown >= set(subcommand_parsers())


def test_every_documented_subcommand_and_option_exists_and_parses() -> None:
    parsers = subcommand_parsers()

    found = [p for shown in all_shown("genesys-oauth-secrets") for p in problems(shown, parsers)]

    assert found == []


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ("```sh\ngenesys-oauth-secrets plan --stack dev\n```\n", []),
        (
            "`venv/bin/genesys-oauth-secrets secret_age --stack prod`",
            ["no subcommand 'secret_age'"],
        ),
        (
            "```sh\ngenesys-oauth-secrets locks \\\n  --force\n```\n",
            ["locks has no option --force"],
        ),
        ("`genesys-oauth-secrets audit --bucket <state bucket> --stack prod`", []),
        ("`genesys-oauth-secrets audit --stack 'bad name'`", ["the parser refuses it"]),
        ("`genesys-oauth-secrets plan --stack prod | tee plan.txt`", []),
        ("`genesys-oauth-secrets plan --help`", []),
        ("`genesys-oauth-secrets plan --hepl`", ["plan has no option --hepl"]),
        ("prose: `genesys-oauth-secrets …` runs a command", []),
    ],
)
def test_the_docs_check_finds_a_stale_command(doc: str, expected: list[str]) -> None:
    parsers = subcommand_parsers()

    found = [
        p
        for shown in shown_commands(doc, "doc.md", "genesys-oauth-secrets")
        for p in problems(shown, parsers)
    ]

    assert [p.split(": ", 2)[-1] for p in found] == expected


DOCUMENTED_SUBCOMMANDS = sorted(
    {
        s.words[0]
        for s in all_shown("genesys-oauth-secrets")
        if s.words and re.fullmatch(r"[a-z]+", s.words[0])
    }
)


@pytest.mark.parametrize("subcommand", DOCUMENTED_SUBCOMMANDS)
def test_every_documented_subcommand_answers_help_from_the_installed_command(
    subcommand: str,
) -> None:
    result = subprocess.run(  # noqa: S603 - the installed command
        [str(COMMAND), subcommand, "--help"],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: genesys-oauth-secrets {subcommand}")


OFFLINE_SHOWN = sorted(
    {
        shown.words
        for shown in all_shown("genesys-oauth-secrets")
        if shown.words and shown.words[0] in OFFLINE and not shown.has_placeholder
    }
)


@pytest.mark.parametrize("words", OFFLINE_SHOWN, ids=" ".join)
def test_documented_offline_commands_do_their_job_on_the_committed_stack(
    words: tuple[str, ...],
) -> None:
    """Exit 0 or 1 (it ran, and says whether something needs you), never 2 (could not run) and
    never a traceback: the committed ``Pulumi.prod.yaml`` is a template whose
    ``encryptedkey`` is written by ``pulumi stack init``, so ``check`` rightly asks for it."""
    result = subprocess.run(  # noqa: S603 - the installed command, as the docs show it
        [str(COMMAND), *words],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode in {0, 1}, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_every_documented_make_target_is_listed_by_make_help(listed_targets: set[str]) -> None:
    documented = make_targets(all_shown("make"))

    assert {"install", "test", "plan", "preflight", "demo"} <= documented
    assert sorted(documented - listed_targets) == []


def test_the_make_check_reads_targets_not_variables() -> None:
    shown = shown_commands(
        "```sh\nmake install PYTHON=python3.11\nmake plan STACK=dev  # dev\n```\n"
        "`make install needs Python 3.11`, `make …`",
        "m.md",
        "make",
    )

    assert make_targets(shown) == {"install", "plan"}


READ_BY_USERS = [
    ROOT / "README.md",
    ROOT / "Makefile",
    ROOT / ".ci" / "run",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / ".github" / "workflows").glob("*.yml")),
    *sorted((ROOT / "examples").rglob("*.md")),
]


def test_no_old_python_m_entry_point_remains() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in READ_BY_USERS
        for match in OLD_ENTRY_POINTS.finditer(path.read_text())
    ]

    assert found == []


@pytest.mark.parametrize(
    ("line", "old"),
    [
        ("venv/bin/python -m state_backend audit --bucket b", True),
        ("python3 -m secret_age --stack prod", True),
        ("python -m genesys_oauth_secrets.plan --stack prod", True),
        ("venv/bin/python -m benchmarks.offline_plan", False),
        ("python -m pulumi.dynamic", False),
        ("venv/bin/genesys-oauth-secrets preflight --stack prod", False),
    ],
)
def test_the_old_entry_point_pattern_tells_them_from_the_rest(line: str, old: bool) -> None:
    assert bool(OLD_ENTRY_POINTS.search(line)) is old


OLD_COMMANDS = re.compile(
    r"^(?:venv/bin/)?(state_backend|secret_age|project_files|offline_plan)(?:\s|$)"
)


def old_commands(text: str) -> list[str]:
    """Code that shows one of the tools' old names as a command (a path like ``x/y.py`` is not)."""
    return [code for code in code_of(text) if OLD_COMMANDS.match(code.strip())]


def test_no_manual_shows_an_old_tool_name_as_a_command() -> None:
    found = [
        f"{manual.relative_to(ROOT)}: `{code}`"
        for manual in MANUALS
        for code in old_commands(manual.read_text())
    ]

    assert found == []


def test_the_old_command_check_tells_commands_from_paths() -> None:
    doc = "`state_backend locks --clear-stale` `secret_age` `offline_plan/engine.py` `age`"

    assert old_commands(doc) == ["state_backend locks --clear-stale", "secret_age"]
