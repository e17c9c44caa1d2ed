"""The README is the manual: its links lead somewhere and its commands are ones the tools accept."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from state_backend.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
MANUALS = [ROOT / "README.md", ROOT / "examples" / "consumer" / "README.md"]


def github_anchor(heading: str) -> str:
    """The fragment GitHub gives a heading: lower case, punctuation dropped, spaces to dashes."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def state_backend_commands(text: str) -> list[str]:
    """Each ``python -m state_backend …`` in code blocks and code spans, continuations joined."""
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"^```.*?^```", "", text, flags=re.M | re.S))
    code = "\n".join([re.sub(r"\\\n\s*", " ", block) for block in blocks] + spans)
    found = re.findall(r"python -m state_backend [^\n#]*", code)
    return [command.strip() for command in found if "…" not in command]  # "…" marks prose


@pytest.mark.parametrize("manual", MANUALS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_link_leads_to_a_heading_or_a_file(manual: Path) -> None:
    text = manual.read_text()
    anchors = {github_anchor(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}
    links = re.findall(r"\]\(([^)\s]+)\)", text)

    broken = [
        link
        for link in links
        if not link.startswith("https://")
        and (
            link[1:] not in anchors
            if link.startswith("#")
            else not (manual.parent / link.split("#")[0]).exists()
        )
    ]

    if manual.name == "README.md" and manual.parent == ROOT:
        assert len(links) > 5, "the pattern finds no links: it is broken"
    assert broken == []


def test_every_documented_backend_command_parses() -> None:
    commands = state_backend_commands((ROOT / "README.md").read_text())
    parser = build_parser()

    rejected = []
    for command in commands:
        try:
            parser.parse_args(shlex.split(command)[3:])
        except SystemExit:
            rejected.append(command)

    assert {shlex.split(c)[3] for c in commands} >= {"bootstrap", "audit", "locks", "demo"}
    assert rejected == []


def test_ci_runs_exactly_the_two_set_up_commands_of_the_readme() -> None:
    set_up = re.search(r"## Set-up\n+```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert set_up is not None
    commands = [line.split("#")[0].strip() for line in set_up.group(1).splitlines()]
    ci_commands = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd "))
    ]

    assert commands == ["make install", "make test"]
    assert ci_commands == commands
